"""An opt-out reaches calls the dialer has not placed yet: queued calls are canceled once,
and a call queued after the opt-out is never dialled either."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pymongo import AsyncMongoClient

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import FrozenClock
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Envelope
from sightsync.common.messages.calls import PlaceCall
from sightsync.common.messages.patients import OptOutChannel, PatientOptedOut
from sightsync.common.outbox import PROCESSED
from sightsync.common.storage import Document
from sightsync.dialer.adapters.calls import CALLS
from sightsync.dialer.adapters.opt_out_register import OPT_OUTS
from sightsync.dialer.adapters.telephony.simulated import SimulatedTelephony
from sightsync.dialer.domain.opt_out_register import OPTED_OUT_DETAIL, number_key, patient_key
from tests.integration.dialer.conftest import (
    EventTap,
    StartDialer,
    envelope_of,
    payloads,
    place_call,
)

pytestmark = pytest.mark.integration

# A Tuesday before the calling window opens: every call waits in the queue for 09:00.
BEFORE_NINE = datetime(2026, 3, 10, 8, 0, tzinfo=ZoneInfo("Europe/London"))
PRACTICE, OTHER_PRACTICE = "prac_01HAAAAAAAAAAAAAAAAAAAAAAA", "prac_01HBBBBBBBBBBBBBBBBBBBBBBB"
NUMBER, OTHER_NUMBER = "+447700900111", "+447700900121"


def opted_out(
    practice_id: str | None,
    patient_id: str | None,
    phone_number: str | None = None,
    channel: OptOutChannel = "portal",
) -> Envelope:
    message = PatientOptedOut(
        practice_id=practice_id,
        patient_id=patient_id,
        phone_number=phone_number,
        channel=channel,
        opted_out_at=BEFORE_NINE,
    )
    return envelope_of(message)


class DialerDb:
    def __init__(self, mongo: AsyncMongoClient[Document], db_prefix: str) -> None:
        self._db = mongo[f"{db_prefix}_dialer"]

    async def call(self, call_id: str) -> dict[str, Any]:
        doc = await self._db[CALLS].find_one({"_id": call_id})
        assert doc is not None, call_id
        return doc

    async def wait_until(self, check: Any, what: str, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not await check():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"not seen in time: {what}")
            await asyncio.sleep(0.05)

    async def wait_deferred(self, *call_ids: str) -> None:
        """Until every call was claimed once and put back to wait for the window."""

        async def deferred() -> bool:
            docs = [await self._db[CALLS].find_one({"_id": call_id}) for call_id in call_ids]
            return all(doc and doc["phase"] == "queued" and doc["claims"] >= 1 for doc in docs)

        await self.wait_until(deferred, f"calls deferred: {call_ids}")

    async def wait_handled(self, envelope: Envelope) -> None:
        async def handled() -> bool:
            found = await self._db[PROCESSED].find_one({"_id": {"$regex": f":{envelope.id}$"}})
            return found is not None

        await self.wait_until(handled, f"message handled: {envelope.type}")

    async def wait_registered(self, key: str) -> None:
        async def held() -> bool:
            return await self._db[OPT_OUTS].find_one({"_id": key}) is not None

        await self.wait_until(held, "opt-out registered")


@pytest.fixture
def dialer_db(mongo: AsyncMongoClient[Document], db_prefix: str) -> DialerDb:
    return DialerDb(mongo, db_prefix)


async def queue(publisher: Bus, *commands: PlaceCall) -> None:
    for command in commands:
        await publisher.publish_envelope(envelope_of(command))


def canceled_for_opt_out(events: EventTap, call_id: str) -> bool:
    failures = payloads(events, call_id, "call.failed")
    return any(failure["reason"] == "canceled" for failure in failures)


async def test_opt_out_by_patient_cancels_their_queued_call_once(
    start_dialer: StartDialer,
    events: EventTap,
    publisher: Bus,
    dialer_db: DialerDb,
) -> None:
    provider = SimulatedTelephony(step_seconds=0.02)
    await start_dialer(clock=FrozenClock(BEFORE_NINE), telephony=provider)
    patients_call = place_call(NUMBER, practice_id=PRACTICE)
    neighbours_call = place_call(OTHER_NUMBER, practice_id=PRACTICE)
    # The same number at another practice belongs to that practice's own patient record.
    elsewhere = place_call(NUMBER, practice_id=OTHER_PRACTICE)
    await queue(publisher, patients_call, neighbours_call, elsewhere)
    await dialer_db.wait_deferred(patients_call.call_id, neighbours_call.call_id, elsewhere.call_id)

    opt_out = opted_out(PRACTICE, patients_call.patient.patient_id)
    await publisher.publish_envelope(opt_out)
    await events.wait_for(lambda tap: canceled_for_opt_out(tap, patients_call.call_id))

    # The same event redelivered, and the same opt-out heard again under a new message id.
    again = opted_out(PRACTICE, patients_call.patient.patient_id, channel="api")
    for envelope in (opt_out, opt_out, again):
        await publisher.publish_envelope(envelope)
    await dialer_db.wait_handled(again)
    await asyncio.sleep(0.3)

    (failed,) = payloads(events, patients_call.call_id, "call.failed")
    assert (failed["reason"], failed["detail"]) == ("canceled", OPTED_OUT_DETAIL)
    assert events.types(patients_call.call_id) == ["call.failed"]
    stored = await dialer_db.call(patients_call.call_id)
    assert (stored["phase"], stored["reason"], stored["detail"]) == (
        "failed",
        "canceled",
        OPTED_OUT_DETAIL,
    )
    for untouched in (neighbours_call, elsewhere):
        assert (await dialer_db.call(untouched.call_id))["phase"] == "queued"
        assert events.types(untouched.call_id) == []
    assert provider.placed == []


async def test_opt_out_of_a_number_everywhere_cancels_every_practices_call(
    start_dialer: StartDialer,
    events: EventTap,
    publisher: Bus,
    dialer_db: DialerDb,
) -> None:
    provider = SimulatedTelephony(step_seconds=0.02)
    await start_dialer(clock=FrozenClock(BEFORE_NINE), telephony=provider)
    here = place_call(NUMBER, practice_id=PRACTICE)
    there = place_call(NUMBER, practice_id=OTHER_PRACTICE)
    other_number = place_call(OTHER_NUMBER, practice_id=PRACTICE)
    await queue(publisher, here, there, other_number)
    await dialer_db.wait_deferred(here.call_id, there.call_id, other_number.call_id)

    opt_out = opted_out(None, None, NUMBER, channel="sms")
    await publisher.publish_envelope(opt_out)
    await events.wait_for(
        lambda tap: all(canceled_for_opt_out(tap, c.call_id) for c in (here, there))
    )
    await publisher.publish_envelope(opt_out)
    await asyncio.sleep(0.3)

    for canceled in (here, there):
        (failed,) = payloads(events, canceled.call_id, "call.failed")
        assert (failed["reason"], failed["detail"]) == ("canceled", OPTED_OUT_DETAIL)
    assert (await dialer_db.call(other_number.call_id))["phase"] == "queued"
    assert provider.placed == []


async def test_a_call_queued_after_the_opt_out_is_never_placed(
    start_dialer: StartDialer,
    events: EventTap,
    publisher: Bus,
    dialer_db: DialerDb,
) -> None:
    # Inside the calling window, with nothing ahead: only the register can stop these calls.
    provider = SimulatedTelephony(step_seconds=0.02)
    await start_dialer(telephony=provider)
    by_number = place_call(NUMBER, practice_id=OTHER_PRACTICE)
    by_patient = place_call(OTHER_NUMBER, practice_id=PRACTICE)
    unrelated = place_call("+447700900131", practice_id=PRACTICE)

    await publisher.publish_envelope(opted_out(None, None, NUMBER, channel="sms"))
    await publisher.publish_envelope(opted_out(PRACTICE, by_patient.patient.patient_id))
    await dialer_db.wait_registered(number_key(None, NUMBER))
    await dialer_db.wait_registered(patient_key(PRACTICE, by_patient.patient.patient_id))
    await queue(publisher, by_number, by_patient, unrelated)
    await events.until_final([by_number.call_id, by_patient.call_id, unrelated.call_id])

    for barred in (by_number, by_patient):
        assert events.types(barred.call_id) == ["call.failed"]
        (failed,) = payloads(events, barred.call_id, "call.failed")
        assert (failed["reason"], failed["detail"]) == ("canceled", OPTED_OUT_DETAIL)
    assert provider.placed == [unrelated.call_id]


async def test_keypress_opt_out_cancels_the_patients_next_call_but_not_the_live_one(
    start_dialer: StartDialer,
    events: EventTap,
    publisher: Bus,
) -> None:
    # One call every five seconds: the patient's second call waits behind the first, which
    # they answer and opt out of by pressing 9 (a number ending in 6).
    provider = SimulatedTelephony(step_seconds=0.02)
    await start_dialer(telephony=provider, DIALER_CALLS_PER_SECOND="0.2")
    live = place_call("+447700900116", practice_id=PRACTICE)
    queued = live.model_copy(update={"call_id": new_id("c")})

    await queue(publisher, live)
    await events.wait_for(lambda tap: "call.placed" in tap.types(live.call_id))
    await queue(publisher, queued)
    await events.until_final([live.call_id, queued.call_id])

    assert events.types(live.call_id) == [
        "call.placed",
        "call.answered",
        "patient.opted_out",
        "call.completed",
    ]
    assert payloads(events, live.call_id, "call.completed")[0]["outcome"] == "opted_out"
    assert events.types(queued.call_id) == ["call.failed"]
    (failed,) = payloads(events, queued.call_id, "call.failed")
    assert (failed["reason"], failed["detail"]) == ("canceled", OPTED_OUT_DETAIL)
    assert provider.placed == [live.call_id]
