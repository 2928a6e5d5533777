"""Placing calls: at most once across redelivery and replicas, never after 18:00 UK time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import FrozenClock
from sightsync.dialer.adapters.telephony.simulated import SimulatedTelephony
from tests.integration.dialer.conftest import (
    EventTap,
    StartDialer,
    envelope_of,
    payloads,
    place_call,
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
