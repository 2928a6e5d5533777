"""Two compliance replicas deciding at once: the conditional writes keep every limit exact."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio

from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Reply
from sightsync.common.messages.recall import RequestRecall
from tests.integration.compliance.harness import OPEN_HOURS, Compliance, compliance_running

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

SIMULTANEOUS = 50

log = get_logger(__name__)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def replicas(database_url: str) -> AsyncIterator[Compliance]:
    async with compliance_running(database_url, replicas=2) as running:
        yield running


async def _all_at_once(
    compliance: Compliance, requests: list[RequestRecall]
) -> tuple[list[Reply], float]:
    started = time.perf_counter()
    replies = await asyncio.gather(*(compliance.ask(request) for request in requests))
    return list(replies), time.perf_counter() - started


async def test_fifty_simultaneous_recalls_of_one_patient_accept_exactly_one(
    replicas: Compliance,
) -> None:
    practice = await replicas.new_practice()
    patient = await replicas.new_patient(practice["id"], "07700 900901")
    request = RequestRecall(practice_id=practice["id"], patient_id=patient["id"])

    replies, seconds = await _all_at_once(replicas, [request] * SIMULTANEOUS)

    log.info("concurrent_recalls_decided", requests=SIMULTANEOUS, seconds=round(seconds, 2))
    accepted = [reply for reply in replies if reply.ok]
    refused = [reply.error for reply in replies if reply.error is not None]
    assert len(accepted) == 1
    assert len(refused) == SIMULTANEOUS - 1
    assert {(error.status, error.code) for error in refused} == {(429, "min_gap_24h")}
    assert {error.details["next_allowed_at"] for error in refused} == {"2025-06-12T10:00:00.000Z"}
    # Two replicas competed for the requests, or the test proved nothing about replicas.
    assert await replicas.rpc_consumers() == 2

    await replicas.wait_for_tapped(practice["id"], 2)
    await asyncio.sleep(0.5)
    tapped = Counter(envelope.type for envelope in replicas.tapped_for(practice["id"]))
    assert tapped == {"call.place": 1, "call.accepted": 1}
    assert await replicas.db["calls"].count_documents({"practice_id": practice["id"]}) == 1


async def test_with_k_calls_left_exactly_k_of_n_simultaneous_recalls_are_accepted(
    replicas: Compliance,
) -> None:
    left, wanted = 7, 20
    practice = await replicas.new_practice(monthly_limit=left)
    patients = [
        await replicas.new_patient(practice["id"], f"07700 900{950 + index:03d}")
        for index in range(wanted)
    ]
    requests = [
        RequestRecall(practice_id=practice["id"], patient_id=patient["id"]) for patient in patients
    ]

    replies, seconds = await _all_at_once(replicas, requests)

    log.info("concurrent_recalls_decided", requests=wanted, seconds=round(seconds, 2))
    accepted = [reply for reply in replies if reply.ok]
    refused = [reply.error for reply in replies if reply.error is not None]
    assert len(accepted) == left
    assert {(error.status, error.message) for error in refused} == {
        (429, "Monthly call limit reached")
    }
    assert {tuple(error.details.items()) for error in refused} == {
        (("calls_used", left), ("monthly_limit", left))
    }
    usage = await replicas.db["monthly_usage"].find_one({"practice_id": practice["id"]})
    assert usage is not None and usage["used"] == left

    await replicas.wait_for_tapped(practice["id"], 2 * left)
    await asyncio.sleep(0.5)
    place_calls = [
        envelope.payload["call_id"]
        for envelope in replicas.tapped_for(practice["id"])
        if envelope.type == "call.place"
    ]
    assert sorted(place_calls) == sorted(
        reply.result["call_id"] for reply in accepted if reply.result
    )


async def test_simultaneous_retries_under_one_idempotency_key_share_one_call(
    replicas: Compliance,
) -> None:
    practice = await replicas.new_practice()
    patient = await replicas.new_patient(practice["id"], "07700 900902")
    request = RequestRecall(
        practice_id=practice["id"], patient_id=patient["id"], idempotency_key="retry-storm"
    )

    replies, _seconds = await _all_at_once(replicas, [request] * 10)

    assert all(reply.ok for reply in replies)
    assert len({reply.result["call_id"] for reply in replies if reply.result}) == 1


async def test_simultaneous_retries_of_a_day_old_key_share_one_new_call(
    replicas: Compliance,
) -> None:
    practice = await replicas.new_practice()
    patient = await replicas.new_patient(practice["id"], "07700 900903")
    request = RequestRecall(
        practice_id=practice["id"], patient_id=patient["id"], idempotency_key="next-day"
    )
    first = await replicas.ok(request)

    replicas.clock.set(OPEN_HOURS + timedelta(days=1))
    try:
        replies, _seconds = await _all_at_once(replicas, [request] * 10)
    finally:
        replicas.clock.set(OPEN_HOURS)

    assert all(reply.ok for reply in replies), [reply.error for reply in replies]
    call_ids = {reply.result["call_id"] for reply in replies if reply.result}
    assert len(call_ids) == 1 and first["call_id"] not in call_ids
    assert await replicas.db["calls"].count_documents({"practice_id": practice["id"]}) == 2
    holders = await replicas.db["calls"].distinct("_id", {"idempotency_key": "next-day"})
    assert holders == list(call_ids)
