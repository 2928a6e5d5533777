"""The API's own documentation through the real middleware stack: public, offline, current."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from sightsync.common import asyncapi
from sightsync.common.clock import FrozenClock
from sightsync.gateway.domain.api_keys import ApiKey
from sightsync.gateway.domain.rate_limit import RateLimitPolicy, RateLimitStatus
from sightsync.gateway.entrypoints.http.app import create_app
from sightsync.gateway.entrypoints.http.auth import ApiKeyAuthenticator
from sightsync.gateway.entrypoints.http.context import GatewayContext
from sightsync.gateway.entrypoints.http.guard import ApiGuard
from sightsync.gateway.entrypoints.http.routes import ROUTE_MODULES
from sightsync.gateway.entrypoints.http.routes.documentation import swagger_ui_directory

COMMITTED = Path(__file__).parents[3] / "docs" / "openapi.json"
NOW = datetime(2026, 3, 3, 10, tzinfo=UTC)
Client = TestClient[web.Request, web.Application]


class NoKeys:
    async def by_hash(self, key_hash: str) -> ApiKey | None:
        return None


class CountingLimiter:
    policy = RateLimitPolicy(limit=120)

    def __init__(self) -> None:
        self.hits = 0

    async def hit(self, subject: str) -> RateLimitStatus:
        self.hits += 1
        return RateLimitStatus(self.policy, self.hits, NOW, self.policy.window_end(NOW))


@pytest.fixture
def limiter() -> CountingLimiter:
    return CountingLimiter()


@pytest.fixture
async def client(limiter: CountingLimiter) -> AsyncIterator[Client]:
    context = GatewayContext(
        bus=None,  # type: ignore[arg-type]  # documentation never asks the bus
        clock=FrozenClock(NOW),
    )
    guard = ApiGuard(authenticator=ApiKeyAuthenticator(NoKeys()), limiter=limiter)
    app = create_app(context, guard=guard, route_modules=ROUTE_MODULES)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def _local_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


async def test_the_reference_page_loads_only_assets_the_gateway_serves(client: Client) -> None:
    response = await client.get("/api/v1/docs")

    assert response.status == 200
    assert response.content_type == "text/html"
    urls = _local_urls(await response.text())
    assert len(urls) >= 4
    for url in urls:
        assert url.startswith("/api/v1/docs/assets/"), url
        asset = await client.get(url)
        assert asset.status == 200, url
        assert asset.content_type in {"text/css", "text/javascript", "image/png"}, url
        assert "public" in asset.headers["Cache-Control"]


async def test_the_initializer_points_at_our_document_and_no_validator(client: Client) -> None:
    response = await client.get("/api/v1/docs/assets/sightsync-docs.js")
    script = await response.text()

    assert '"/api/v1/openapi.json"' in script
    assert "validatorUrl: null" in script
    assert "http" not in script.replace("/api/v1/openapi.json", "")


def test_the_bundled_swagger_ui_renders_openapi_3_1() -> None:
    # Swagger UI renders 3.1 documents from version 5.
    version = swagger_ui_directory().name.removeprefix("swagger-ui-")
    assert int(version.split(".")[0]) >= 5


async def test_unknown_assets_are_json_404s(client: Client) -> None:
    response = await client.get("/api/v1/docs/assets/..%2Fsecrets.py")

    assert response.status == 404
    assert "error" in await response.json()


async def test_the_served_documents_are_the_committed_and_the_asyncapi_one(
    client: Client, limiter: CountingLimiter
) -> None:
    openapi = await client.get("/api/v1/openapi.json")
    events = await client.get("/api/v1/asyncapi.json")

    assert openapi.status == events.status == 200
    assert await openapi.json() == json.loads(COMMITTED.read_text())
    assert await events.json() == asyncapi.build_document()
    assert openapi.headers["X-Request-Id"].startswith("req_")
    assert limiter.hits == 0, "documentation is not counted against any key"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/patients", None),
        ("POST", "/api/v1/recall", {"patient_id": "pat_x"}),
        ("GET", "/api/v1/webhook_endpoints", None),
    ],
)
async def test_everything_else_still_needs_a_key(
    client: Client, method: str, path: str, body: Any
) -> None:
    response = await client.request(method, path, json=body)

    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
