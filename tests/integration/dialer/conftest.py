"""Fixtures for the dialer against the real broker and database: started dialers, a tap on
every event, and a publisher standing in for compliance."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage

from sightsync.common.bus import topology
from sightsync.common.bus.connection import Bus
from sightsync.common.clock import Clock, OffsetClock, parse_instant
from sightsync.common.devstack import free_port
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Envelope, Message
from sightsync.common.messages.calls import PatientSnapshot, PlaceCall
from sightsync.common.runner import ServiceApp
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.telephony.base import Telephony
from sightsync.dialer.bootstrap import bootstrap
from sightsync.dialer.settings import DialerSettings
from tests.support.fake_twilio import FakeTwilio

# A Tuesday morning in March: inside the calling window, no bank holiday near.
WEEKDAY_MORNING = "2026-03-10T10:00:00Z"


def clock_at(instant: str) -> Clock:
    return OffsetClock(parse_instant(instant).timestamp() - time.time())


@dataclass
class EventTap:
    """Every event published on the vhost, in arrival order."""

    envelopes: list[Envelope] = field(default_factory=list)

    def of(self, call_id: str) -> list[Envelope]:
        return [e for e in self.envelopes if e.payload.get("call_id") == call_id]

    def types(self, call_id: str) -> list[str]:
        return [e.type for e in self.of(call_id)]

    async def wait_for(self, check: Callable[[EventTap], bool], timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not check(self):
            if asyncio.get_running_loop().time() > deadline:
                seen = [(e.type, e.payload.get("call_id")) for e in self.envelopes]
                raise AssertionError(f"events not seen in time; saw {seen}")
            await asyncio.sleep(0.05)

    async def until_final(self, call_ids: list[str], timeout: float = 10.0) -> None:
        final = {"call.completed", "call.failed"}
        await self.wait_for(
            lambda tap: all(final & set(tap.types(call_id)) for call_id in call_ids), timeout
        )


@pytest.fixture
async def events(broker_url: str) -> AsyncIterator[EventTap]:
    tap = EventTap()
    connection = await aio_pika.connect(broker_url)
    channel = await connection.channel()
    exchanges = await topology.declare_exchanges(channel)
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(exchanges[topology.EVENTS_EXCHANGE], routing_key="#")

    async def on_message(message: AbstractIncomingMessage) -> None:
        tap.envelopes.append(Envelope.model_validate_json(message.body))
        await message.ack()

    await queue.consume(on_message)
    yield tap
    await connection.close()


@pytest.fixture
async def publisher(broker_url: str) -> AsyncIterator[Bus]:
    """Publishes as compliance would; commands need the dialer's inbox to exist first."""
    bus = Bus("tester", broker_url, clock_at(WEEKDAY_MORNING))
    await bus.start(timeout=15)
    yield bus
    await bus.stop(grace=1)


StartDialer = Callable[..., Awaitable[ServiceApp]]

# The account a dialer started by `twilio_rig` belongs to; the fake signs with its token.
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "f" * 32


@pytest.fixture
async def start_dialer(
    broker_url: str, database_url: str, db_prefix: str
) -> AsyncIterator[StartDialer]:
    started: list[ServiceApp] = []

    async def start(
        clock: Clock | None = None,
        telephony: Telephony | None = None,
        port: int | None = None,
        **env: str,
    ) -> ServiceApp:
        values = {
            "RABBITMQ_URL": broker_url,
            "MONGODB_URL": database_url,
            "SIGHTSYNC_DB_PREFIX": db_prefix,
            "HTTP_HOST": "127.0.0.1",
            "DIALER_PORT": str(port or free_port()),
            "SHUTDOWN_GRACE_SECONDS": "2",
            "DIALER_CALLS_PER_SECOND": "50",
            "DIALER_MAX_CONCURRENT_CALLS_PER_PRACTICE": "20",
            "DIALER_SCHEDULER_POLL_SECONDS": "0.05",
            "DIALER_SIMULATED_STEP_SECONDS": "0.02",
            **env,
        }
        settings = DialerSettings.model_validate(values)
        app = bootstrap(settings, clock=clock or clock_at(WEEKDAY_MORNING), telephony=telephony)
        await app.start()
        started.append(app)
        return app

    yield start
    for app in reversed(started):
        await app.stop()


@dataclass
class TwilioRig:
    """A dialer with TELEPHONY=twilio whose REST calls go to a local fake of Twilio."""

    fake: FakeTwilio
    dialer_url: str


@pytest.fixture
async def twilio_rig(start_dialer: StartDialer) -> AsyncIterator[TwilioRig]:
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN)
    await fake.start()
    port = free_port()
    dialer_url = f"http://127.0.0.1:{port}"
    await start_dialer(
        port=port,
        TELEPHONY="twilio",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_API_BASE_URL=fake.base_url,
        PUBLIC_BASE_URL=dialer_url,
    )
    yield TwilioRig(fake, dialer_url)
    await fake.stop()


def place_call(
    phone_number: str,
    *,
    practice_id: str = "prac_01HZZZZZZZZZZZZZZZZZZZZZZZ",
    accepted_at: datetime | None = None,
    caller_id: str | None = "+441632960000",
    risk: str = "standard",
) -> PlaceCall:
    return PlaceCall(
        call_id=new_id("c"),
        practice_id=practice_id,
        accepted_at=accepted_at or parse_instant(WEEKDAY_MORNING),
        patient=PatientSnapshot(
            patient_id=new_id("pat"),
            first_name="Alex",
            last_name="Morgan",
            phone_number=phone_number,
            risk_category=risk,  # type: ignore[arg-type]
        ),
        practice_name="High Street Opticians",
        caller_id=caller_id,
        nation="england",
    )


def record_of(
    command: PlaceCall, *, correlation_id: str, created_at: datetime, **state: Any
) -> CallRecord:
    """The dialer's record of an accepted call, as queued, with `state` over it."""
    return CallRecord(
        id=command.call_id,
        practice_id=command.practice_id,
        patient=command.patient,
        practice_name=command.practice_name,
        caller_id=command.caller_id,
        nation=command.nation,
        accepted_at=command.accepted_at,
        correlation_id=correlation_id,
        created_at=created_at,
        **state,
    )


def envelope_of(message: Message, practice_id: str | None = None) -> Envelope:
    return Envelope.wrap(
        message,
        occurred_at=parse_instant(WEEKDAY_MORNING),
        correlation_id=new_id("req"),
        practice_id=practice_id or getattr(message, "practice_id", None),
    )


def payloads(tap: EventTap, call_id: str, event_type: str) -> list[dict[str, Any]]:
    return [e.payload for e in tap.of(call_id) if e.type == event_type]
