from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from sightsync.gateway.entrypoints.http.forwarding import (
    CLIENT_IP,
    client_address,
    forwarding_middleware,
    parse_trusted_proxies,
)

TRUSTED = parse_trusted_proxies("127.0.0.1, 10.0.0.0/8")


def test_parse_rejects_garbage_with_the_entry_named() -> None:
    with pytest.raises(ValueError, match="nonsense"):
        parse_trusted_proxies("10.0.0.0/8,nonsense")
    assert parse_trusted_proxies("") == ()


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # untrusted peer: header ignored
        ("10.1.2.3", "198.51.100.1", "198.51.100.1"),
        ("10.1.2.3", "6.6.6.6, 198.51.100.1, 10.9.9.9", "198.51.100.1"),  # spoofed left hop
        ("10.1.2.3", "", "10.1.2.3"),
    ],
)
def test_client_address_walks_back_through_trusted_hops(
    peer: str, forwarded: str, expected: str
) -> None:
    assert client_address(peer, forwarded, TRUSTED) == expected


async def _client(trusted: str, force_https: bool) -> TestClient[web.Request, web.Application]:
    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"scheme": request.scheme, "client": request[CLIENT_IP]})

    app = web.Application(
        middlewares=[forwarding_middleware(parse_trusted_proxies(trusted), force_https)]
    )
    app.router.add_route("*", "/api/v1/echo", echo)
    app.router.add_get("/healthz", echo)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_forwarded_headers_are_believed_only_from_trusted_proxies() -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    trusting = await _client("127.0.0.1", force_https=False)
    try:
        body = await (await trusting.get("/api/v1/echo", headers=headers)).json()
        assert body == {"scheme": "https", "client": "198.51.100.7"}
    finally:
        await trusting.close()

    distrusting = await _client("192.0.2.1", force_https=False)
    try:
        body = await (await distrusting.get("/api/v1/echo", headers=headers)).json()
        assert body == {"scheme": "http", "client": "127.0.0.1"}
    finally:
        await distrusting.close()


async def test_plain_http_is_redirected_with_308_when_https_is_forced() -> None:
    client = await _client("127.0.0.1", force_https=True)
    try:
        response = await client.post(
            "/api/v1/echo?x=1", json={}, allow_redirects=False, headers={"Host": "api.example"}
        )
        assert response.status == 308
        assert response.headers["Location"] == "https://api.example/api/v1/echo?x=1"

        behind_tls = await client.get(
            "/api/v1/echo", headers={"X-Forwarded-Proto": "https"}, allow_redirects=False
        )
        assert behind_tls.status == 200

        probe = await client.get("/healthz", allow_redirects=False)
        assert probe.status == 200
    finally:
        await client.close()
