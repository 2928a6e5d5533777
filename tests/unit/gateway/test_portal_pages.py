"""The portal's pages through HTTP, with an in-memory bus and rate limiter."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from sightsync.common.bus.connection import BusUnavailable
from sightsync.common.clock import FrozenClock
from sightsync.common.messages.base import Envelope
from sightsync.gateway.domain.rate_limit import RateLimitPolicy, RateLimitStatus
from sightsync.gateway.entrypoints.http.forwarding import (
    forwarding_middleware,
    parse_trusted_proxies,
)
from sightsync.gateway.entrypoints.portal.csrf import CsrfTokens
from sightsync.gateway.entrypoints.portal.routes import Portal

NOW = datetime(2026, 3, 3, 10, 0, 30, tzinfo=UTC)
PortalClient = TestClient[web.Request, web.Application]


@dataclass
class RecordingBus:
    published: list[Envelope] = field(default_factory=list)
    down: bool = False

    async def publish_envelope(self, envelope: Envelope, *, timeout: float = 10.0) -> None:
        if self.down:
            raise BusUnavailable("not confirmed")
        self.published.append(envelope)


@dataclass
class CountingLimiter:
    policy: RateLimitPolicy
    clock: FrozenClock
    counts: Counter[str] = field(default_factory=Counter)

    async def hit(self, subject: str) -> RateLimitStatus:
        self.counts[subject] += 1
        now = self.clock.now()
        return RateLimitStatus(self.policy, self.counts[subject], now, self.policy.window_end(now))


@dataclass
class Rig:
    client: PortalClient
    bus: RecordingBus
    limiter: CountingLimiter
    clock: FrozenClock


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    clock = FrozenClock(NOW)
    bus = RecordingBus()
    limiter = CountingLimiter(RateLimitPolicy(5), clock)
    portal = Portal(bus, clock, limiter, CsrfTokens(b"s" * 32, clock, timedelta(hours=1)))
    # The proxy on loopback is trusted, so tests can pose as clients at other addresses.
    app = web.Application(
        middlewares=[forwarding_middleware(parse_trusted_proxies("127.0.0.1"), False)]
    )
    portal.add_routes(app)
    client = TestClient(TestServer(app))
    await client.start_server()
    yield Rig(client, bus, limiter, clock)
    await client.close()


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


async def _start(rig: Rig, client_ip: str = "198.51.100.1") -> tuple[str, str]:
    """(token, client ip) after loading the form, whose cookie the client keeps."""
    response = await rig.client.get("/opt-out")
    assert response.status == 200
    return _token(await response.text()), client_ip


async def _post(
    rig: Rig, path: str, data: dict[str, str], client_ip: str, **headers: str
) -> tuple[ClientResponse, str]:
    response = await rig.client.post(
        path, data=data, headers={"X-Forwarded-For": client_ip, **headers}
    )
    return response, await response.text()


async def _opt_out(rig: Rig, number: str, client_ip: str = "198.51.100.1") -> tuple[int, str]:
    token, _ = await _start(rig)
    response, confirm = await _post(
        rig, "/opt-out", {"csrf_token": token, "phone_number": number}, client_ip
    )
    assert response.status == 200, confirm
    e164 = re.search(r'name="phone_number" value="([^"]+)"', confirm)
    assert e164
    response, done = await _post(
        rig,
        "/opt-out/confirm",
        {"csrf_token": _token(confirm), "phone_number": e164.group(1)},
        client_ip,
    )
    return response.status, done


async def test_the_form_is_accessible_and_sent_with_strict_headers(rig: Rig) -> None:
    response = await rig.client.get("/opt-out")
    html = await response.text()

    assert response.status == 200
    assert response.content_type == "text/html"
    assert '<html lang="en-GB">' in html
    assert "<h1>Stop recall calls</h1>" in html
    assert '<label for="phone-number">' in html
    assert 'aria-describedby="phone-number-hint"' in html
    assert "<script" not in html
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "form-action 'self'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("portal-csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Secure" not in cookie


async def test_over_https_the_cookie_is_secure_and_host_only(rig: Rig) -> None:
    response = await rig.client.get("/opt-out", headers={"X-Forwarded-Proto": "https"})

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-portal-csrf=")
    assert "Secure" in cookie
    assert "Path=/" in cookie


async def test_the_stylesheet_is_served_as_css(rig: Rig) -> None:
    response = await rig.client.get("/opt-out/portal.css")

    assert response.status == 200
    assert response.content_type == "text/css"
    assert ":focus-visible" in await response.text()


async def test_confirming_publishes_an_opt_out_of_the_number_everywhere(rig: Rig) -> None:
    status, done = await _opt_out(rig, "+44 (0)7700 900123")

    assert status == 200
    assert "Recall calls stopped" in done
    [envelope] = rig.bus.published
    assert envelope.type == "patient.opted_out"
    assert envelope.practice_id is None
    assert envelope.payload == {
        "practice_id": None,
        "patient_id": None,
        "phone_number": "+447700900123",
        "channel": "portal",
        "call_id": None,
        "opted_out_at": "2026-03-03T10:00:30Z",
    }


async def test_any_two_numbers_get_exactly_the_same_answer(rig: Rig) -> None:
    # Nothing is looked up, so a patient's number and a stranger's read the same.
    first = await _opt_out(rig, "07700 900123")
    second = await _opt_out(rig, "020 7946 0999", client_ip="198.51.100.2")

    assert first == second
    assert first[0] == 200
    assert len(rig.bus.published) == 2


async def test_a_number_that_is_not_uk_is_asked_for_again_with_the_error_tied_to_it(
    rig: Rig,
) -> None:
    token, ip = await _start(rig)

    response, html = await _post(
        rig, "/opt-out", {"csrf_token": token, "phone_number": "+33 1 23 45 67 89"}, ip
    )

    assert response.status == 422
    assert 'aria-describedby="phone-number-hint phone-number-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="phone-number-error"' in html
    assert "Enter a UK phone number" in html
    assert 'value="+33 1 23 45 67 89"' in html
    assert "<title>Error:" in html
    assert rig.bus.published == []


async def test_typed_text_is_escaped_when_shown_again(rig: Rig) -> None:
    token, ip = await _start(rig)

    _, html = await _post(
        rig, "/opt-out", {"csrf_token": token, "phone_number": '"><script>x</script>'}, ip
    )

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


async def test_an_unconfirmed_publish_asks_to_try_again(rig: Rig) -> None:
    rig.bus.down = True

    status, html = await _opt_out(rig, "07700 900123")

    assert status == 503
    assert "Please try again" in html
    assert "Recall calls stopped" not in html
    assert 'name="csrf_token"' in html


@pytest.mark.parametrize(
    ("path", "data", "headers"),
    [
        ("/opt-out", {"phone_number": "07700900123"}, {}),
        ("/opt-out", {"phone_number": "07700900123", "csrf_token": "1.forged"}, {}),
        ("/opt-out/confirm", {"phone_number": "+447700900123", "csrf_token": ""}, {}),
    ],
)
async def test_posts_without_a_good_token_are_refused(
    rig: Rig, path: str, data: dict[str, str], headers: dict[str, str]
) -> None:
    await _start(rig)

    response, html = await _post(rig, path, data, "198.51.100.1", **headers)

    assert response.status == 403
    assert "Please start again" in html
    assert rig.bus.published == []


async def test_a_post_from_another_site_is_refused_even_with_a_token(rig: Rig) -> None:
    token, ip = await _start(rig)
    data = {"csrf_token": token, "phone_number": "07700900123"}

    foreign, _ = await _post(rig, "/opt-out", data, ip, Origin="https://evil.example")
    opaque, _ = await _post(rig, "/opt-out", data, ip, Origin="null")
    referred, _ = await _post(rig, "/opt-out", data, ip, Referer="https://evil.example/x")
    own, _ = await _post(rig, "/opt-out", data, ip, Origin=str(rig.client.make_url("")))

    assert (foreign.status, opaque.status, referred.status, own.status) == (403, 403, 403, 200)


async def test_a_token_older_than_an_hour_has_expired(rig: Rig) -> None:
    token, ip = await _start(rig)
    rig.clock.set(NOW + timedelta(hours=2))

    response, html = await _post(
        rig, "/opt-out", {"csrf_token": token, "phone_number": "07700900123"}, ip
    )

    assert response.status == 403
    assert "expired" in html


async def test_posts_are_limited_per_client_address(rig: Rig) -> None:
    token, _ = await _start(rig)
    data = {"csrf_token": token, "phone_number": "07700900123"}

    statuses = [(await _post(rig, "/opt-out", data, "203.0.113.5"))[0].status for _ in range(6)]
    other, _ = await _post(rig, "/opt-out", data, "203.0.113.6")
    limited, html = await _post(rig, "/opt-out", data, "203.0.113.5")

    assert statuses == [200] * 5 + [429]
    assert other.status == 200
    assert limited.status == 429
    assert int(limited.headers["Retry-After"]) == 30
    assert "Please wait a minute" in html
    assert set(rig.limiter.counts) == {"portal:203.0.113.5", "portal:203.0.113.6"}


async def test_ipv6_clients_are_counted_by_their_64(rig: Rig) -> None:
    token, _ = await _start(rig)
    data = {"csrf_token": token, "phone_number": "07700900123"}

    await _post(rig, "/opt-out", data, "2001:db8:1:2::1")
    await _post(rig, "/opt-out", data, "2001:db8:1:2:ffff::9")

    assert rig.limiter.counts == Counter({"portal:2001:db8:1:2::/64": 2})


async def test_reloading_the_confirm_address_goes_back_to_the_form(rig: Rig) -> None:
    response = await rig.client.get("/opt-out/confirm", allow_redirects=False)

    assert response.status == 303
    assert response.headers["Location"] == "/opt-out"
