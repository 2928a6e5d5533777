"""The gateway's webhook routes: shapes checked at the edge, everything else asked of the bus."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.typedefs import Handler

from sightsync.common.clock import FrozenClock
from sightsync.common.messages.base import ErrorDetail, Reply, Request
from sightsync.common.messages.webhooks import (
    CreateWebhookEndpoint,
    ListWebhookDeliveries,
    UpdateWebhookEndpoint,
)
from sightsync.gateway.entrypoints.http.context import (
    CALLER,
    GATEWAY,
    REQUEST_ID,
    Caller,
    GatewayContext,
)
from sightsync.gateway.entrypoints.http.errors import error_middleware
from sightsync.gateway.entrypoints.http.routes import webhook_endpoints

PRACTICE = "prac_01JNQ8Y1G2H3J4K5M6N7P8Q9R0"
ENDPOINT_ID = "whk_01JNQA1B2C3D4E5F6G7H8J9K0M"
NOW = "2026-03-02T10:15:00Z"
ENDPOINT = {
    "id": ENDPOINT_ID,
    "url": "https://pms.example.co.uk/hooks",
    "events": ["appointment.booked"],
    "description": None,
    "enabled": True,
    "disabled_reason": None,
    "disabled_at": None,
    "created_at": NOW,
    "updated_at": NOW,
}


class FakeBus:
    """Answers every request with the next queued reply and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[Request, str | None]] = []
        self.replies: list[Reply] = []

    async def request(
        self, message: Request, *, correlation_id: str, practice_id: str | None = None
    ) -> Reply:
        self.asked.append((message, practice_id))
        return self.replies.pop(0)


@web.middleware
async def authenticated(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[REQUEST_ID] = "req_test"
    request[CALLER] = Caller(api_key_id="key_test", practice_id=PRACTICE)
    return await handler(request)


@pytest.fixture
def bus() -> FakeBus:
    return FakeBus()


@pytest.fixture
async def client(bus: FakeBus) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application(middlewares=[error_middleware, authenticated])
    app[GATEWAY] = GatewayContext(
        bus=bus,  # type: ignore[arg-type]  # the routes only call request()
        clock=FrozenClock(datetime(2026, 3, 2, tzinfo=UTC)),
    )
    webhook_endpoints.add_routes(app)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def _ok(result: dict[str, Any]) -> Reply:
    return Reply(ok=True, result=result)


async def test_create_asks_for_the_authenticated_practice_and_shows_the_secret_once(
    client: TestClient[web.Request, web.Application], bus: FakeBus
) -> None:
    bus.replies.append(_ok({"endpoint": ENDPOINT, "secret": "whsec_abc"}))

    response = await client.post(
        "/api/v1/webhook_endpoints",
        json={"url": "https://pms.example.co.uk/hooks", "events": ["appointment.booked"]},
    )

    assert response.status == 201
    assert (await response.json())["secret"] == "whsec_abc"
    [(message, practice_id)] = bus.asked
    assert isinstance(message, CreateWebhookEndpoint)
    assert (message.practice_id, practice_id) == (PRACTICE, PRACTICE)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://x.example", "events": ["call.transcribed"]}, "events.0"),
        ({"url": "https://x.example", "events": []}, "events"),
        ({"events": ["call.failed"]}, "url"),
        ({"url": 7, "events": ["call.failed"]}, "url"),
        ({"url": "https://x.example", "events": ["call.failed"], "secret": "x"}, "secret"),
    ],
)
async def test_malformed_bodies_are_400s_naming_the_field_without_asking(
    client: TestClient[web.Request, web.Application], bus: FakeBus, body: Any, field: str
) -> None:
    response = await client.post("/api/v1/webhook_endpoints", json=body)

    assert response.status == 400
    assert (await response.json())["field"] == field
    assert bus.asked == []


async def test_the_services_refusals_keep_their_status_and_details(
    client: TestClient[web.Request, web.Application], bus: FakeBus
) -> None:
    bus.replies.append(
        Reply(
            ok=False,
            error=ErrorDetail(
                code="url_refused",
                message="The URL's host resolves to a private address",
                status=400,
                details={"reason": "private"},
            ),
        )
    )

    response = await client.post(
        "/api/v1/webhook_endpoints", json={"url": "https://10.0.0.1/", "events": ["call.failed"]}
    )

    assert response.status == 400
    assert await response.json() == {
        "error": "The URL's host resolves to a private address",
        "reason": "private",
    }


async def test_patch_sends_only_the_fields_given_and_refuses_an_empty_one(
    client: TestClient[web.Request, web.Application], bus: FakeBus
) -> None:
    bus.replies.append(_ok({"endpoint": ENDPOINT}))

    empty = await client.patch(f"/api/v1/webhook_endpoints/{ENDPOINT_ID}", json={})
    enable = await client.patch(f"/api/v1/webhook_endpoints/{ENDPOINT_ID}", json={"enabled": True})

    assert empty.status == 400
    assert enable.status == 200
    [(message, _)] = bus.asked
    assert isinstance(message, UpdateWebhookEndpoint)
    assert (message.enabled, message.url, message.events) == (True, None, None)


async def test_ids_that_cannot_exist_are_404_without_asking(
    client: TestClient[web.Request, web.Application], bus: FakeBus
) -> None:
    endpoint = await client.get("/api/v1/webhook_endpoints/pat_123")
    delivery = await client.post(f"/api/v1/webhook_endpoints/{ENDPOINT_ID}/deliveries/nope/retry")

    assert (endpoint.status, delivery.status) == (404, 404)
    assert bus.asked == []


async def test_delete_is_204_and_a_test_ping_is_202(
    client: TestClient[web.Request, web.Application], bus: FakeBus
) -> None:
    bus.replies += [_ok({"deleted": True}), _ok({"event_id": "evt_1", "delivery_id": "dlv_1"})]

    deleted = await client.delete(f"/api/v1/webhook_endpoints/{ENDPOINT_ID}")
    ping = await client.post(f"/api/v1/webhook_endpoints/{ENDPOINT_ID}/test")

    assert deleted.status == 204
    assert ping.status == 202
    assert await ping.json() == {"event_id": "evt_1", "delivery_id": "dlv_1"}


async def test_the_delivery_log_pages_with_limit_and_before(
    client: TestClient[web.Request, web.Application], bus: FakeBus
) -> None:
    bus.replies.append(_ok({"deliveries": [], "next_before": None}))

    too_many = await client.get(f"/api/v1/webhook_endpoints/{ENDPOINT_ID}/deliveries?limit=500")
    page = await client.get(
        f"/api/v1/webhook_endpoints/{ENDPOINT_ID}/deliveries?limit=5&before=dlv_9"
    )

    assert too_many.status == 400
    assert page.status == 200
    [(message, _)] = bus.asked
    assert isinstance(message, ListWebhookDeliveries)
    assert (message.limit, message.before) == (5, "dlv_9")
