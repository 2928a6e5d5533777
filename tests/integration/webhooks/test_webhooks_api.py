"""The webhook endpoints API over HTTP: gateway, compliance (for keys) and webhooks running."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from sightsync.common.clock import SystemClock
from tests.integration.webhooks.conftest import (
    Receiver,
    fresh_backing,
    running_receiver,
    service_env,
    verify_standard_webhook,
)
from tests.support.api import PracticeKey, api_session, practice_with_key
from tests.support.system import RunningSystem, running_system

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api_system(database_url: str) -> AsyncIterator[RunningSystem]:
    async with (
        fresh_backing(database_url) as (broker_url, prefix),
        running_system(
            broker_url=broker_url,
            database_url=database_url,
            db_prefix=prefix,
            clock=SystemClock(),
            services=("compliance", "webhooks", "gateway"),
            env=service_env(),
        ) as system,
    ):
        yield system


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def http_receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as receiver:
        yield receiver


async def _call(
    system: RunningSystem, key: PracticeKey, method: str, path: str, **kwargs: Any
) -> tuple[int, Any]:
    async with (
        api_session(system, key.api_key) as session,
        session.request(method, path.lstrip("/"), **kwargs) as response,
    ):
        text = await response.text()
        return response.status, json.loads(text) if text else None


async def test_a_practice_manages_its_endpoints_and_pings_one_over_http(
    api_system: RunningSystem, http_receiver: Receiver
) -> None:
    key = await practice_with_key(api_system)
    other = await practice_with_key(api_system)
    body = {"url": http_receiver.url("api"), "events": ["appointment.booked"], "description": "PMS"}

    status, created = await _call(api_system, key, "POST", "/webhook_endpoints", json=body)
    assert status == 201, created
    endpoint_id, secret = created["endpoint"]["id"], created["secret"]
    assert endpoint_id.startswith("whk_") and secret.startswith("whsec_")

    status, listed = await _call(api_system, key, "GET", "/webhook_endpoints")
    assert status == 200
    assert [e["id"] for e in listed["endpoints"]] == [endpoint_id]
    assert "secret" not in json.dumps(listed)
    status, _ = await _call(api_system, other, "GET", f"/webhook_endpoints/{endpoint_id}")
    assert status == 404

    status, queued = await _call(api_system, key, "POST", f"/webhook_endpoints/{endpoint_id}/test")
    assert status == 202
    [ping] = await http_receiver.wait_for("api", 1)
    assert ping.headers["webhook-id"] == queued["event_id"]
    assert verify_standard_webhook(secret, ping.headers, ping.body)

    status, log = await _call(
        api_system, key, "GET", f"/webhook_endpoints/{endpoint_id}/deliveries?limit=5"
    )
    assert status == 200
    assert log["deliveries"][0]["id"] == queued["delivery_id"]
    assert log["deliveries"][0]["status"] in {"delivering", "succeeded"}

    status, rotated = await _call(
        api_system, key, "POST", f"/webhook_endpoints/{endpoint_id}/rotate_secret"
    )
    assert status == 200 and rotated["secret"] != secret
    assert rotated["previous_secret_expires_at"] is not None

    status, patched = await _call(
        api_system, key, "PATCH", f"/webhook_endpoints/{endpoint_id}", json={"enabled": False}
    )
    assert status == 200
    assert (patched["endpoint"]["enabled"], patched["endpoint"]["disabled_reason"]) == (
        False,
        "disabled_by_practice",
    )

    status, _ = await _call(api_system, key, "DELETE", f"/webhook_endpoints/{endpoint_id}")
    assert status == 204
    status, _ = await _call(api_system, key, "GET", f"/webhook_endpoints/{endpoint_id}")
    assert status == 404


async def test_internal_urls_are_400_over_http(
    api_system: RunningSystem, http_receiver: Receiver
) -> None:
    key = await practice_with_key(api_system)
    body = {"url": "https://169.254.169.254/latest/meta-data", "events": ["call.failed"]}

    status, refused = await _call(api_system, key, "POST", "/webhook_endpoints", json=body)

    assert status == 400
    assert refused["reason"] == "metadata"
    assert "error" in refused
