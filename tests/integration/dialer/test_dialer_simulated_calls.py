"""The dialer with the simulated provider: every scripted patient, end to end on the bus."""

from __future__ import annotations

import pytest

from sightsync.common.bus.connection import Bus
from tests.integration.dialer.conftest import (
    EventTap,
    StartDialer,
    envelope_of,
    place_call,
)

pytestmark = pytest.mark.integration

EXPECTED = {
    "0": (["call.placed", "call.answered", "appointment.booked", "call.completed"], "booked"),
    "1": (["call.placed", "call.answered", "appointment.booked", "call.completed"], "booked"),
    "2": (["call.placed", "call.answered", "call.completed"], "declined"),
    "3": (["call.placed", "call.failed"], "no_answer"),
    "4": (["call.placed", "call.failed"], "busy"),
    "5": (["call.placed", "call.answered", "call.failed"], "voicemail"),
    "6": (["call.placed", "call.answered", "patient.opted_out", "call.completed"], "opted_out"),
    "7": (["call.placed", "call.answered", "call.completed"], "callback_requested"),
    "8": (["call.placed", "call.failed"], "carrier_error"),
    "9": (["call.placed", "call.answered", "appointment.booked", "call.completed"], "booked"),
}


async def test_each_scripted_patient_produces_its_events(
    start_dialer: StartDialer, events: EventTap, publisher: Bus
) -> None:
    await start_dialer()
    commands = {digit: place_call(f"+4477009001{digit}{digit}") for digit in EXPECTED}
    for command in commands.values():
        await publisher.publish_envelope(envelope_of(command))

    await events.until_final([c.call_id for c in commands.values()])

    for digit, command in commands.items():
        expected_types, result = EXPECTED[digit]
        assert events.types(command.call_id) == expected_types, digit
        final = events.of(command.call_id)[-1].payload
        assert result in (final.get("outcome"), final.get("reason")), (digit, final)
