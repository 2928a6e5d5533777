"""Booking during calls: the practice diary, atomic places, and cancelled slots freed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from pymongo import AsyncMongoClient

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import parse_instant
from sightsync.common.ids import new_id
from sightsync.common.messages.appointments import AppointmentUpdated
from sightsync.common.messages.practices import PracticeUpdated
from sightsync.common.storage import Document, in_transaction
from sightsync.dialer.adapters.slot_bookings import SLOT_BOOKINGS, MongoSlotBook
from tests.integration.dialer.conftest import (
    WEEKDAY_MORNING,
    EventTap,
    StartDialer,
    envelope_of,
    payloads,
    place_call,
)

pytestmark = pytest.mark.integration

PRACTICE_ID = "prac_01J0000000000000000000000B"
# One clinician, open one hour a week: two places each Wednesday.
SMALL_DIARY = {
    "opening_hours": {"wednesday": [["09:00", "10:00"]]},
    "slot_minutes": 30,
    "clinicians": 1,
}


async def project_practice(publisher: Bus, mongo: AsyncMongoClient[Document], db: str) -> None:
    update = PracticeUpdated(
        practice_id=PRACTICE_ID,
        name="Small Opticians",
        plan="practice",
        monthly_limit=100,
        allow_overage=False,
        status="active",
        nation="england",
        caller_id="+441632960001",
        diary=SMALL_DIARY,
        revision=3,
    )
    await publisher.publish_envelope(envelope_of(update))
    for _ in range(200):
        if await mongo[db]["practices"].find_one({"_id": PRACTICE_ID, "revision": 3}):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the practice was not projected")


async def test_two_calls_racing_for_one_place_book_different_slots(
    start_dialer: StartDialer,
    events: EventTap,
    publisher: Bus,
    mongo: AsyncMongoClient[Document],
    db_prefix: str,
) -> None:
    # Slow turns: both calls make their first offer before either patient answers.
    await start_dialer(DIALER_SIMULATED_STEP_SECONDS="0.15")
    await project_practice(publisher, mongo, f"{db_prefix}_dialer")
    first = place_call("+447700900411", practice_id=PRACTICE_ID)
    second = place_call("+447700900421", practice_id=PRACTICE_ID)

    for command in (first, second):
        await publisher.publish_envelope(envelope_of(command))
    await events.until_final([first.call_id, second.call_id])

    booked = [
        payload
        for command in (first, second)
        for payload in payloads(events, command.call_id, "appointment.booked")
    ]
    assert len(booked) == 2
    assert booked[0]["starts_at"] != booked[1]["starts_at"]
    assert {b["appointment_time"] for b in booked} == {"09:00", "09:30"}
    summaries = [
        payloads(events, command.call_id, "call.completed")[0]["summary"]
        for command in (first, second)
    ]
    assert sum("just been taken" in summary for summary in summaries) == 1
    slots = mongo[f"{db_prefix}_dialer"][SLOT_BOOKINGS]
    assert [doc["count"] async for doc in slots.find({"count": {"$gt": 0}})] == [1, 1]


async def test_concurrent_reservations_of_the_last_place_let_one_through(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    book = MongoSlotBook(mongo[f"{db_prefix}_dialer"])
    starts_at = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)

    async def reserve(appointment_id: str) -> bool:
        return await in_transaction(
            mongo,
            lambda session: book.reserve(PRACTICE_ID, starts_at, 1, appointment_id, session),
        )

    results = await asyncio.gather(*(reserve(new_id("apt")) for _ in range(6)))

    assert sorted(results) == [False] * 5 + [True]


async def test_cancelled_appointment_frees_its_slot_once(
    start_dialer: StartDialer,
    events: EventTap,
    publisher: Bus,
    mongo: AsyncMongoClient[Document],
    db_prefix: str,
) -> None:
    await start_dialer()
    db = f"{db_prefix}_dialer"
    await project_practice(publisher, mongo, db)
    command = place_call("+447700900511", practice_id=PRACTICE_ID)
    await publisher.publish_envelope(envelope_of(command))
    await events.until_final([command.call_id])
    (booked,) = payloads(events, command.call_id, "appointment.booked")

    cancelled = AppointmentUpdated(
        appointment_id=booked["appointment_id"],
        practice_id=PRACTICE_ID,
        patient_id=command.patient.patient_id,
        call_id=command.call_id,
        starts_at=parse_instant(booked["starts_at"]),
        previous_status="booked",
        status="cancelled",
        updated_at=parse_instant(WEEKDAY_MORNING),
    )
    # Two distinct deliveries of the same cancellation must free the place only once.
    await publisher.publish_envelope(envelope_of(cancelled))
    await publisher.publish_envelope(envelope_of(cancelled))

    slots = mongo[db][SLOT_BOOKINGS]
    for _ in range(200):
        doc = await slots.find_one({"practice_id": PRACTICE_ID})
        if doc is not None and doc["count"] == 0:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    doc = await slots.find_one({"practice_id": PRACTICE_ID})
    assert doc is not None
    assert (doc["count"], doc["appointment_ids"]) == (0, [])

    again = place_call("+447700900521", practice_id=PRACTICE_ID)
    await publisher.publish_envelope(envelope_of(again))
    await events.until_final([again.call_id])
    (rebooked,) = payloads(events, again.call_id, "appointment.booked")
    assert rebooked["starts_at"] == booked["starts_at"]
