"""Placing calls: at most once across redelivery and replicas, never after 18:00 UK time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pymongo import AsyncMongoClient

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import FrozenClock, parse_instant
from sightsync.common.messages.calls import PlaceCall
from sightsync.common.storage import Document
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.telephony.base import Placement
from sightsync.dialer.adapters.telephony.simulated import SimulatedTelephony
from tests.integration.dialer.conftest import (
    WEEKDAY_MORNING,
    EventTap,
    StartDialer,
    envelope_of,
    payloads,
    place_call,
    record_of,
)

pytestmark = pytest.mark.integration


async def test_same_command_to_two_replicas_places_the_call_once(
    start_dialer: StartDialer, events: EventTap, publisher: Bus
) -> None:
    providers = [SimulatedTelephony(step_seconds=0.02), SimulatedTelephony(step_seconds=0.02)]
    for provider in providers:
        await start_dialer(telephony=provider)
    envelope = envelope_of(place_call("+447700900211"))
    call_id = envelope.payload["call_id"]

    for _ in range(4):
        await publisher.publish_envelope(envelope)
    await events.until_final([call_id])

    assert sum(len(provider.placed) for provider in providers) == 1
    assert events.types(call_id).count("call.placed") == 1
    assert events.types(call_id)[-1] == "call.completed"


async def test_call_that_cannot_be_placed_before_six_is_canceled(
    start_dialer: StartDialer, events: EventTap, publisher: Bus
) -> None:
    # One call every two seconds: at 17:59:59 the second call's turn would come at 18:00:01.
    just_before_six = datetime(2026, 3, 10, 17, 59, 59, tzinfo=ZoneInfo("Europe/London"))
    provider = SimulatedTelephony(step_seconds=0.02)
    await start_dialer(
        clock=FrozenClock(just_before_six), telephony=provider, DIALER_CALLS_PER_SECOND="0.5"
    )
    first, second = place_call("+447700900311"), place_call("+447700900321")

    for command in (first, second):
        await publisher.publish_envelope(envelope_of(command))
    await events.until_final([first.call_id, second.call_id])

    failures = [
        payload
        for command in (first, second)
        for payload in payloads(events, command.call_id, "call.failed")
    ]
    assert len(provider.placed) == 1
    (canceled,) = failures
    assert canceled["reason"] == "canceled"
    assert "18:00" in canceled["detail"]
    assert "call.placed" not in events.types(canceled["call_id"])


async def test_call_reaching_the_dialer_after_six_is_canceled_unplaced(
    start_dialer: StartDialer, events: EventTap, publisher: Bus
) -> None:
    six_pm = datetime(2026, 3, 10, 18, 0, 0, tzinfo=ZoneInfo("Europe/London"))
    provider = SimulatedTelephony(step_seconds=0.02)
    await start_dialer(clock=FrozenClock(six_pm), telephony=provider)
    command = place_call("+447700900311")

    await publisher.publish_envelope(envelope_of(command))
    await events.until_final([command.call_id])

    assert provider.placed == []
    (failed,) = payloads(events, command.call_id, "call.failed")
    assert failed["reason"] == "canceled"
    assert "after_hours" in failed["detail"]


class RememberingProvider(SimulatedTelephony):
    """A provider that already holds a call for some of our call ids."""

    def __init__(self, known: dict[str, str]) -> None:
        super().__init__(step_seconds=0.02)
        self.known = known
        self.looked_up: list[str] = []

    async def find(self, placement: Placement) -> str | None:
        self.looked_up.append(placement.call_id)
        return self.known.get(placement.call_id)


async def test_claim_left_by_a_crash_is_looked_up_before_dialling_again(
    start_dialer: StartDialer,
    events: EventTap,
    mongo: AsyncMongoClient[Document],
    db_prefix: str,
) -> None:
    # Two calls a crashed replica had claimed: the provider has one of them, not the other.
    reached, lost = place_call("+447700900711"), place_call("+447700900721")
    calls = MongoCallRepository(mongo[f"{db_prefix}_dialer"])
    long_ago = parse_instant(WEEKDAY_MORNING) - timedelta(minutes=10)
    for command in (reached, lost):
        await calls.add(crashed_claim(command, long_ago), None)
    provider = RememberingProvider({reached.call_id: "sim_found_at_provider"})

    await start_dialer(telephony=provider)
    await events.until_final([lost.call_id])
    await events.wait_for(lambda tap: "call.placed" in tap.types(reached.call_id))

    assert sorted(provider.looked_up) == sorted([reached.call_id, lost.call_id])
    assert provider.placed == [lost.call_id]
    (adopted,) = payloads(events, reached.call_id, "call.placed")
    assert adopted["provider_call_id"] == "sim_found_at_provider"


def crashed_claim(command: PlaceCall, claimed_at: datetime) -> CallRecord:
    return record_of(
        command,
        correlation_id="req_crashed",
        created_at=claimed_at,
        phase="placing",
        placing_at=claimed_at,
        claimed_until=claimed_at + timedelta(minutes=2),
        claims=1,
    )
