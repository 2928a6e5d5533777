"""Events onto the real broker, read models read back through outcomes' requests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta

import pytest

from sightsync.common.ids import new_id
from sightsync.common.messages.outcomes import GetCall, GetUsage, ListCalls
from sightsync.common.storage import Document
from sightsync.outcomes.adapters.event_log import EVENT_LOG, MongoEventLog
from sightsync.outcomes.adapters.read_models import READ_MODELS
from sightsync.outcomes.domain.events import ProjectedEvent
from sightsync.outcomes.entrypoints.cli import rebuild
from sightsync.outcomes.settings import OutcomesSettings
from tests.integration.outcomes.conftest import NOW, Outcomes, eventually
from tests.unit.outcomes.events import (
    PRACTICE,
    appointment_booked,
    call_accepted,
    call_failed,
    call_lifecycle,
    practice_updated,
)

pytestmark = pytest.mark.integration


async def test_out_of_order_and_redelivered_events_build_one_call(outcomes: Outcomes) -> None:
    call_id = new_id("c")
    accepted, placed, answered, completed = call_lifecycle(call_id, NOW - timedelta(hours=1))
    # The dialer's completion overtakes everything else, and every event arrives twice.
    envelopes = [await outcomes.publish(completed), await outcomes.publish(placed)]
    envelopes += [await outcomes.publish(accepted), await outcomes.publish(answered)]
    for envelope in envelopes:
        await outcomes.bus.publish_envelope(envelope)

    async def projected() -> bool:
        reply = await outcomes.bus.request(
            GetCall(practice_id=PRACTICE, call_id=call_id), correlation_id="t"
        )
        call = (reply.result or {}).get("call", {})
        return call.get("accepted_at") is not None and call.get("answered_at") is not None

    await eventually(projected)
    call = (await outcomes.ask(GetCall(practice_id=PRACTICE, call_id=call_id)))["call"]
    assert call["status"] == "completed"
    assert call["outcome"] == "booked"
    assert call["accepted_at"] == "2025-03-31T11:00:00.000Z"
    assert call["ended_at"] == "2025-03-31T11:01:10.000Z"
    assert [turn["text"] for turn in call["transcript"]] == ["Hello", "Hi"]

    db = outcomes.app.db
    assert db is not None
    await asyncio.sleep(0.3)  # let any straggling redelivery land before counting
    assert await db[EVENT_LOG].count_documents({"key": call_id}) == 4
    stored = await db["calls"].find_one({"_id": call_id})
    assert stored is not None and stored["event_count"] == 4

    listed = await outcomes.ask(ListCalls(practice_id=PRACTICE))
    assert listed["total"] == 1 and "transcript" not in listed["calls"][0]
    refused = await outcomes.refusal(GetCall(practice_id="prac_someone_else", call_id=call_id))
    assert (refused.status, refused.code) == (404, "call_not_found")


async def test_calls_are_listed_newest_first_and_filtered(outcomes: Outcomes) -> None:
    ids = [new_id("c") for _ in range(3)]
    for index, call_id in enumerate(ids):
        await outcomes.publish(call_accepted(call_id, NOW - timedelta(hours=3 - index)))
    await outcomes.publish(call_failed(ids[0], at=NOW - timedelta(hours=2, minutes=59)))

    async def all_in() -> bool:
        page = await outcomes.ask(ListCalls(practice_id=PRACTICE))
        return bool(page["total"] == 3 and page["calls"][-1]["status"] == "failed")

    await eventually(all_in)
    page = await outcomes.ask(ListCalls(practice_id=PRACTICE, limit=2, offset=1))
    assert [call["id"] for call in page["calls"]] == [ids[1], ids[0]]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    failed = await outcomes.ask(ListCalls(practice_id=PRACTICE, status="failed"))
    assert [call["id"] for call in failed["calls"]] == [ids[0]]
    other = await outcomes.ask(ListCalls(practice_id=PRACTICE, patient_id="pat_nobody"))
    assert other["total"] == 0


async def test_usage_counts_this_uk_month_against_the_latest_plan(outcomes: Outcomes) -> None:
    await outcomes.publish(practice_updated(revision=2, monthly_limit=3, plan="practice"))
    await outcomes.publish(practice_updated(revision=1, monthly_limit=100))
    accepted_times = [
        NOW - timedelta(days=40),  # February
        NOW.replace(day=1, hour=0, minute=5),
        NOW - timedelta(hours=2),
        NOW - timedelta(hours=1),
        NOW.replace(hour=23, minute=10),  # 00:10 BST on 1 April: next month
    ]
    call_ids = [new_id("c") for _ in accepted_times]
    for call_id, at in zip(call_ids, accepted_times, strict=True):
        await outcomes.publish(call_accepted(call_id, at))
    await outcomes.publish(call_lifecycle(call_ids[2], NOW - timedelta(hours=2))[3])
    await outcomes.publish(call_failed(call_ids[3], at=NOW - timedelta(minutes=50)))

    async def counted() -> bool:
        usage = await outcomes.ask(GetUsage(practice_id=PRACTICE))
        daily = usage["daily"]
        return (
            usage["calls"]["used"] == 3
            and usage["plan"] == "practice"
            and bool(daily and daily[-1]["failed"] == 1 and daily[-1]["completed"] == 1)
        )

    await eventually(counted)
    usage = await outcomes.ask(GetUsage(practice_id=PRACTICE))
    assert usage["period"] == {
        "start": "2025-03-01",
        "end": "2025-03-31",
        "time_zone": "Europe/London",
    }
    assert usage["calls"] == {"used": 3, "limit": 3, "remaining": 0, "overage": 0}
    assert usage["daily"] == [
        {"date": "2025-03-01", "total": 1, "completed": 0, "failed": 0},
        {"date": "2025-03-31", "total": 2, "completed": 1, "failed": 1},
    ]


async def snapshot(outcomes: Outcomes) -> dict[str, list[Document]]:
    db = outcomes.app.db
    assert db is not None
    return {model: await db[model].find({}).sort("_id").to_list() for model in READ_MODELS}


async def test_rebuild_from_the_log_equals_the_live_read_models(
    outcomes: Outcomes,
    database_url: str,
    db_prefix: str,
    record_property: Callable[[str, object], None],
) -> None:
    calls = 100
    messages: list[ProjectedEvent] = [practice_updated(revision=1)]
    for index in range(calls):
        lifecycle = call_lifecycle(new_id("c"), NOW - timedelta(minutes=calls - index))
        # A few fail instead of completing; every other call arrives backwards.
        if index % 5 == 0:
            lifecycle[-1] = call_failed(lifecycle[0].call_id, at=NOW - timedelta(seconds=index))
        if index % 2:
            lifecycle.reverse()
        messages += lifecycle
    messages += [appointment_booked(new_id("apt")) for _ in range(20)]

    db = outcomes.app.db
    assert db is not None
    started = time.perf_counter()
    for message in messages:
        await outcomes.publish(message)

    async def all_applied() -> bool:
        counts = [doc["event_count"] async for doc in db["calls"].find({}, {"event_count": 1})]
        appointments = await db["appointments"].count_documents({})
        return len(counts) == calls and set(counts) == {4} and appointments == 20

    await eventually(all_applied, timeout=30)
    record_property(
        "live_events_per_second", round(len(messages) / (time.perf_counter() - started))
    )

    live = await snapshot(outcomes)
    settings = OutcomesSettings.model_validate(
        {"MONGODB_URL": database_url, "SIGHTSYNC_DB_PREFIX": db_prefix}
    )
    started = time.perf_counter()
    await rebuild(settings)
    record_property(
        "rebuild_events_per_second", round(len(messages) / (time.perf_counter() - started))
    )

    rebuilt = await snapshot(outcomes)
    assert rebuilt == live
    assert len(rebuilt["calls"]) == calls and len(rebuilt["practices"]) == 1
    assert await MongoEventLog(db, outcomes.clock).count() == len(messages)

    await rebuild(settings)
    assert await snapshot(outcomes) == live
