"""Practices whose every receiver hangs hold only their share of the service's slots.

A service of its own, with bounds small enough that two such practices would fill every
slot without the per-practice one: 6 in flight, 2 per endpoint, 2 per practice.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from sightsync.common.ids import new_id
from sightsync.common.messages.calls import CallFailed
from sightsync.common.messages.webhooks import CreateWebhookEndpoint
from tests.integration.webhooks.conftest import HANG, Receiver, Webhooks, webhooks_alone

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

HANG_SECONDS = 3.0
BOUNDS = {
    "WEBHOOK_MAX_IN_FLIGHT": "6",
    "WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT": "2",
    "WEBHOOK_MAX_IN_FLIGHT_PER_PRACTICE": "2",
    "WEBHOOK_TIMEOUT_SECONDS": str(HANG_SECONDS),
    "WEBHOOK_LEASE_SECONDS": "6",
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bounded(database_url: str) -> AsyncIterator[Webhooks]:
    async with webhooks_alone(database_url, BOUNDS) as running:
        yield running


def _failed(practice_id: str) -> CallFailed:
    return CallFailed(
        call_id=new_id("c"),
        practice_id=practice_id,
        patient_id=new_id("pat"),
        reason="no_answer",
        failed_at=datetime.now(UTC),
    )


async def _endpoint(webhooks: Webhooks, practice_id: str, url: str) -> None:
    await webhooks.ask(
        CreateWebhookEndpoint(practice_id=practice_id, url=url, events=["call.failed"])
    )


async def test_two_practices_with_hanging_receivers_leave_room_for_a_third(
    bounded: Webhooks, receiver: Receiver
) -> None:
    hanging = [f"share-{practice}-{n}" for practice in ("a", "b") for n in range(2)]
    for practice in ("a", "b"):
        practice_id = f"prac_share_{practice}"
        for n in range(2):
            hook = f"share-{practice}-{n}"
            receiver.script(hook, *[HANG] * 8)
            await _endpoint(bounded, practice_id, receiver.url(hook))
        # Four due deliveries per practice, two to each endpoint: eight could hang at once.
        for _ in range(2):
            await bounded.publish(_failed(practice_id))
    for hook in hanging:
        await receiver.wait_for(hook, 1)
    await _endpoint(bounded, "prac_share_c", receiver.url("share-c"))

    started = time.perf_counter()
    await bounded.publish(_failed("prac_share_c"))
    await receiver.wait_for("share-c", 1, timeout=HANG_SECONDS * 2)
    waited = time.perf_counter() - started

    [delivered] = receiver.at("share-c")
    assert waited < HANG_SECONDS / 2, f"the third practice waited {waited:.2f}s for a slot"
    for practice in ("a", "b"):
        held = [
            arrived
            for n in range(2)
            for arrived in receiver.at(f"share-{practice}-{n}")
            if arrived.at <= delivered.at
        ]
        assert len(held) == 2, f"practice {practice} had {len(held)} attempts, its share is 2"
