"""A service killed between claiming a delivery and settling it loses nothing.

The first process dies while its attempt is in flight; the next one claims the delivery
once the lease runs out and sends it again with the same webhook-id, which is what
at-least-once promises and what receivers dedupe on.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from sightsync.common.clock import OffsetClock
from sightsync.common.devstack import free_port
from sightsync.common.ids import new_id
from sightsync.common.messages.calls import CallFailed
from sightsync.common.messages.webhooks import CreateWebhookEndpoint, ListWebhookDeliveries
from tests.integration.webhooks.conftest import (
    HANG,
    MappedResolver,
    driver_bus,
    fresh_backing,
    running_receiver,
    service_env,
    verify_standard_webhook,
)
from tests.support.system import build_service

pytestmark = pytest.mark.integration


def _crash_delivery() -> None:
    """Kill the delivery machinery mid-flight: no attempt gets to record anything."""
    for task in asyncio.all_tasks():
        if task.get_name().startswith(("webhooks-scheduler", "webhook-attempt-")):
            task.cancel()


async def test_a_delivery_in_flight_when_the_service_dies_is_sent_again_by_the_next_one(
    database_url: str,
) -> None:
    clock = OffsetClock(0)
    async with (
        fresh_backing(database_url) as (broker_url, prefix),
        running_receiver() as receiver,
        driver_bus(broker_url, clock) as bus,
    ):
        env = {
            **service_env(),
            "RABBITMQ_URL": broker_url,
            "MONGODB_URL": database_url,
            "SIGHTSYNC_DB_PREFIX": prefix,
            "HTTP_HOST": "127.0.0.1",
            "WEBHOOKS_PORT": str(free_port()),
            "SHUTDOWN_GRACE_SECONDS": "1",
            "WEBHOOK_ALLOW_LOOPBACK_HTTP": "true",
            # Long enough for the dying attempt to be caught hanging, short for the restart.
            "WEBHOOK_TIMEOUT_SECONDS": "1",
            "WEBHOOK_LEASE_SECONDS": "1.5",
        }
        practice = new_id("prac")
        receiver.script("crash", HANG)

        first = build_service("webhooks", env, clock, resolver=MappedResolver())
        await first.start()
        reply = await bus.request(
            CreateWebhookEndpoint(
                practice_id=practice, url=receiver.url("crash"), events=["call.failed"]
            ),
            correlation_id="test",
        )
        assert reply.ok and reply.result is not None
        secret, endpoint_id = reply.result["secret"], reply.result["endpoint"]["id"]
        await bus.publish(
            CallFailed(
                call_id=new_id("c"),
                practice_id=practice,
                patient_id=new_id("pat"),
                reason="busy",
                failed_at=datetime.now(UTC),
            ),
            correlation_id="test",
            practice_id=practice,
        )
        await receiver.wait_for("crash", 1)
        _crash_delivery()
        await first.stop()

        second = build_service("webhooks", env, clock, resolver=MappedResolver())
        await second.start()
        try:
            first_try, second_try = await receiver.wait_for("crash", 2, timeout=8)
            await asyncio.sleep(0.3)
            page = await bus.request(
                ListWebhookDeliveries(practice_id=practice, endpoint_id=endpoint_id),
                correlation_id="test",
            )
        finally:
            await second.stop()

    assert first_try.headers["webhook-id"] == second_try.headers["webhook-id"]
    assert first_try.body == second_try.body
    assert verify_standard_webhook(secret, second_try.headers, second_try.body)
    assert len(receiver.at("crash")) == 2
    assert page.ok and page.result is not None
    [delivery] = page.result["deliveries"]
    assert delivery["status"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempt_log"]] == [200]
