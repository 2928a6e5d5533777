"""Calls whose provider stopped reporting are settled by the sweeper and free their line."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import FrozenClock, parse_instant
from sightsync.common.storage import Document
from sightsync.dialer.adapters.practice_lines import MongoPracticeLines
from sightsync.dialer.adapters.telephony.base import AgentSays, CallEvents
from sightsync.dialer.adapters.telephony.simulated import SimulatedTelephony
from sightsync.dialer.domain.provider_events import ProviderEvent, ProviderEventKind
from tests.integration.dialer.conftest import (
    WEEKDAY_MORNING,
    EventTap,
    StartDialer,
    envelope_of,
    payloads,
    place_call,
)

pytestmark = pytest.mark.integration

SWEEP = {"DIALER_STUCK_SWEEP_SECONDS": "0.05"}
PAST_MAX_CALL = timedelta(minutes=16)


class Relay:
    """Passes the provider's reports on to the dialer; subclasses lose some of them."""

    def __init__(self, inner: CallEvents) -> None:
        self.inner = inner

    async def report(self, call_id: str, event: ProviderEvent) -> None:
        await self.inner.report(call_id, event)

    async def answered(self, call_id: str, provider_call_id: str | None = None) -> AgentSays:
        return await self.inner.answered(call_id, provider_call_id)

    async def patient_turn(
        self, call_id: str, *, speech: str | None = None, digits: str | None = None
    ) -> AgentSays:
        return await self.inner.patient_turn(call_id, speech=speech, digits=digits)


class DiesMidConversation(Relay):
    async def patient_turn(
        self, call_id: str, *, speech: str | None = None, digits: str | None = None
    ) -> AgentSays:
        # The patient's first answer never arrives: the process playing the call is killed.
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class DyingProvider(SimulatedTelephony):
    def attach(self, events: CallEvents) -> None:
        super().attach(DiesMidConversation(events))


class LosesFinalReport(Relay):
    def __init__(self, inner: CallEvents, lost: dict[str, ProviderEvent]) -> None:
        super().__init__(inner)
        self.lost = lost

    async def report(self, call_id: str, event: ProviderEvent) -> None:
        if event.kind is ProviderEventKind.COMPLETED and event.provider_call_id:
            self.lost[event.provider_call_id] = event
            return
        await self.inner.report(call_id, event)


class ForgetfulCallbacks(SimulatedTelephony):
    """Plays every call to its end, but the final callback never reaches the dialer; the
    provider itself still knows how the call ended."""

    def __init__(self) -> None:
        super().__init__(step_seconds=0.02)
        self.lost: dict[str, ProviderEvent] = {}

    def attach(self, events: CallEvents) -> None:
        super().attach(LosesFinalReport(events, self.lost))

    async def status(self, provider_call_id: str) -> ProviderEvent | None:
        return self.lost.get(provider_call_id) or await super().status(provider_call_id)


async def test_a_call_left_in_progress_by_a_killed_conversation_is_settled_once(
    start_dialer: StartDialer,
    events: EventTap,
    publisher: Bus,
    mongo: AsyncMongoClient[Document],
    db_prefix: str,
) -> None:
    clock = FrozenClock(parse_instant(WEEKDAY_MORNING))
    providers = [DyingProvider(step_seconds=0.02), DyingProvider(step_seconds=0.02)]
    for provider in providers:
        await start_dialer(clock=clock, telephony=provider, **SWEEP)
    lines = MongoPracticeLines(mongo[f"{db_prefix}_dialer"], 20)
    command = place_call("+447700900411")

    await publisher.publish_envelope(envelope_of(command))
    await events.wait_for(lambda tap: "call.answered" in tap.types(command.call_id))
    for provider in providers:
        await provider.close()
    assert await lines.in_use(command.practice_id) == 1
    await asyncio.sleep(0.2)
    assert "call.failed" not in events.types(command.call_id)  # not overdue yet

    clock.set(clock.now() + PAST_MAX_CALL)
    await events.until_final([command.call_id])
    await asyncio.sleep(0.3)  # both replicas sweep several more times

    assert events.types(command.call_id) == ["call.placed", "call.answered", "call.failed"]
    (failed,) = payloads(events, command.call_id, "call.failed")
    assert failed["reason"] == "carrier_error"
    assert await lines.in_use(command.practice_id) == 0


async def test_a_lost_final_callback_settles_with_the_conversation_outcome(
    start_dialer: StartDialer,
    events: EventTap,
    publisher: Bus,
    mongo: AsyncMongoClient[Document],
    db_prefix: str,
) -> None:
    clock = FrozenClock(parse_instant(WEEKDAY_MORNING))
    provider = ForgetfulCallbacks()
    await start_dialer(clock=clock, telephony=provider, **SWEEP)
    lines = MongoPracticeLines(mongo[f"{db_prefix}_dialer"], 20)
    booked = place_call("+447700900421")

    await publisher.publish_envelope(envelope_of(booked))
    await events.wait_for(lambda tap: "appointment.booked" in tap.types(booked.call_id))
    await asyncio.sleep(0.3)
    assert len(provider.lost) == 1
    assert await lines.in_use(booked.practice_id) == 1

    clock.set(clock.now() + PAST_MAX_CALL)
    await events.until_final([booked.call_id])

    assert events.types(booked.call_id) == [
        "call.placed",
        "call.answered",
        "appointment.booked",
        "call.completed",
    ]
    (completed,) = payloads(events, booked.call_id, "call.completed")
    assert completed["outcome"] == "booked"
    assert completed["transcript"]
    assert await lines.in_use(booked.practice_id) == 0
