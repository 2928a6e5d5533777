"""A late answering-machine report on the real database: before the patient speaks it ends
the call as voicemail; once they have spoken, booked or opted out, the conversation stands."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.clock import FrozenClock, parse_instant
from sightsync.common.outbox import OUTBOX, MongoMessageStore
from sightsync.common.storage import Document
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.practice_lines import MongoPracticeLines
from sightsync.dialer.adapters.practices import MongoPracticeDirectory
from sightsync.dialer.adapters.slot_bookings import MongoSlotBook
from sightsync.dialer.adapters.unit_of_work import UnitRunner
from sightsync.dialer.domain.provider_events import ProviderEvent, ProviderEventKind
from sightsync.dialer.handlers.call_desk import CallDesk
from sightsync.dialer.handlers.conversation_turns import Conversations
from tests.integration.dialer.conftest import WEEKDAY_MORNING, place_call, record_of

pytestmark = pytest.mark.integration

NOW = parse_instant(WEEKDAY_MORNING)
SID = "CA" + "1" * 32
MACHINE = ProviderEvent(ProviderEventKind.MACHINE, SID)


@dataclass
class Desk:
    desk: CallDesk
    calls: MongoCallRepository
    db: AsyncDatabase[Document]
    hung_up: list[str] = field(default_factory=list)

    async def answered_call(self) -> str:
        command = place_call("+447700900111")
        record = record_of(
            command,
            correlation_id="req_late_machine",
            created_at=NOW,
            phase="calling",
            provider="twilio",
            provider_call_id=SID,
        )
        await self.calls.add(record, None)
        await self.desk.answered(record.id, SID)
        return record.id

    async def stored(self, call_id: str) -> CallRecord:
        record = await self.calls.get(call_id, None)
        assert record is not None
        return record

    async def staged(self, call_id: str) -> list[str]:
        found = self.db[OUTBOX].find({"envelope.payload.call_id": call_id})
        return [doc["envelope"]["type"] async for doc in found]


@pytest.fixture
def desk(mongo: AsyncMongoClient[Document], db_prefix: str) -> Desk:
    db, clock = mongo[f"{db_prefix}_dialer"], FrozenClock(NOW)
    calls = MongoCallRepository(db)
    runner = UnitRunner(mongo, MongoMessageStore(db, clock), None, clock)
    conversations = Conversations(MongoPracticeDirectory(db), MongoSlotBook(db), clock)
    hung_up: list[str] = []

    async def hang_up(provider_call_id: str) -> None:
        hung_up.append(provider_call_id)

    lines = MongoPracticeLines(db, 5)
    call_desk = CallDesk(runner, calls, lines, conversations, clock, "twilio", hang_up)
    return Desk(call_desk, calls, db, hung_up)


async def test_a_machine_before_the_patient_speaks_ends_the_call_as_voicemail(
    desk: Desk,
) -> None:
    call_id = await desk.answered_call()

    await desk.desk.report(call_id, MACHINE)

    stored = await desk.stored(call_id)
    assert (stored.phase, stored.reason) == ("failed", "voicemail")
    assert desk.hung_up == [SID]


@pytest.mark.parametrize(
    ("turn", "outcome", "event"),
    [
        ({"digits": "1"}, "booked", "appointment.booked"),
        ({"digits": "9"}, "opted_out", "patient.opted_out"),
        ({"speech": "Sorry, who is this?"}, None, None),
    ],
    ids=["booked", "opted_out", "spoke"],
)
async def test_a_machine_after_the_patient_engaged_is_ignored(
    desk: Desk, turn: dict[str, str], outcome: str | None, event: str | None
) -> None:
    call_id = await desk.answered_call()
    await desk.desk.patient_turn(call_id, **turn)

    await desk.desk.report(call_id, MACHINE)

    stored = await desk.stored(call_id)
    assert (stored.phase, stored.reason) == ("in_progress", None)
    assert stored.conversation is not None and stored.conversation.outcome == outcome
    assert desk.hung_up == []
    assert "call.failed" not in await desk.staged(call_id)
    if event is not None:
        assert event in await desk.staged(call_id)


async def test_a_booked_call_still_completes_as_booked_after_a_late_machine(
    desk: Desk,
) -> None:
    call_id = await desk.answered_call()
    await desk.desk.patient_turn(call_id, digits="1")
    await desk.desk.report(call_id, MACHINE)

    await desk.desk.report(call_id, ProviderEvent(ProviderEventKind.COMPLETED, SID, 40.0))
    await desk.desk.report(call_id, MACHINE)

    stored = await desk.stored(call_id)
    assert (stored.phase, stored.outcome) == ("completed", "booked")
    assert await desk.staged(call_id) == [
        "call.answered",
        "appointment.booked",
        "call.completed",
    ]
