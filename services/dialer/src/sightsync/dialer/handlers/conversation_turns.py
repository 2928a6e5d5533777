"""The conversation on an answered call, one turn per provider request.

The engine is rebuilt from the call's log for every turn (see domain/conversation_log.py),
so a turn can land on any replica. A slot the patient picks is booked atomically in the
same transaction as the turn, and an opt-out is emitted the moment the engine hears it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sightsync.common.clock import Clock
from sightsync.common.ids import new_id
from sightsync.common.logging import get_logger
from sightsync.common.messages.appointments import AppointmentBooked
from sightsync.common.messages.calls import TranscriptTurn
from sightsync.common.messages.patients import PatientOptedOut
from sightsync.dialer import metrics
from sightsync.dialer.adapters.call_records import CallRecord, ConversationRecord
from sightsync.dialer.adapters.practices import MongoPracticeDirectory
from sightsync.dialer.adapters.slot_bookings import MongoSlotBook
from sightsync.dialer.adapters.telephony.base import AgentSays
from sightsync.dialer.adapters.unit_of_work import Unit
from sightsync.dialer.domain.appointment_type import appointment_type_for
from sightsync.dialer.domain.call_state import Outcome
from sightsync.dialer.domain.conversation import ConversationEngine
from sightsync.dialer.domain.conversation_log import (
    Move,
    MoveKind,
    StampedTurn,
    apply,
    move_from_doc,
    move_to_doc,
    replay,
    slot_from_doc,
    slot_to_doc,
    stamp,
)
from sightsync.dialer.domain.conversation_types import ConversationContext, Reply
from sightsync.dialer.domain.risk import RiskCategory
from sightsync.dialer.domain.slots import DiarySettings, Slot, earliest_free_slots
from sightsync.dialer.domain.transcript import Speaker

# Enough slots for every offer round the engine makes, plus the ones it may lose to races.
SLOTS_SNAPSHOT: Final = 16
GOODBYE: Final = "Thank you, goodbye."

log = get_logger(__name__)


class Conversations:
    def __init__(
        self,
        practices: MongoPracticeDirectory,
        slots: MongoSlotBook,
        clock: Clock,
    ) -> None:
        self._practices = practices
        self._slots = slots
        self._clock = clock

    async def start(self, record: CallRecord, unit: Unit) -> AgentSays:
        """Greet the patient and make the first offer; repeats the greeting if asked again."""
        if record.conversation is not None:
            return _last_words(record.conversation)
        now = self._clock.now()
        diary = await self._diary(record, unit)
        free = await self._free_slots(record, diary, now, unit)
        conversation = ConversationRecord(slots=[slot_to_doc(slot) for slot in free])
        record.conversation = conversation
        engine, reply = replay(self._context(record), [])
        self._remember(record, engine, reply, now)
        unit.note(lambda: log.info("conversation_started", call_id=record.id, offered=len(free)))
        return _last_words(conversation)

    async def patient_turn(
        self, record: CallRecord, unit: Unit, *, speech: str | None, digits: str | None
    ) -> AgentSays:
        conversation = record.conversation
        if conversation is None or conversation.end_call or record.phase != "in_progress":
            return AgentSays(conversation.last_reply if conversation else GOODBYE, True)
        moves = [move_from_doc(doc) for doc in conversation.moves]
        engine, _ = replay(self._context(record), moves)
        if engine.finished:
            return _last_words(conversation)

        move = Move(MoveKind.DIGITS, text=digits) if digits else Move(MoveKind.SPEECH, speech or "")
        reply = self._feed(engine, move, moves)
        spoken = reply.text
        if reply.action is not None:
            # "One moment while I book..." and the result are said in the same breath.
            reply = await self._book(record, engine, reply.action.slot, moves, unit)
            spoken = f"{spoken} {reply.text}".strip()

        conversation.moves = [move_to_doc(each) for each in moves]
        if reply.outcome is Outcome.OPTED_OUT and not record.opted_out:
            self._opt_out(record, unit)
        self._remember(record, engine, reply, self._clock.now(), spoken)
        return _last_words(conversation)

    def hang_up(self, record: CallRecord) -> None:
        """The patient hung up mid-conversation: let the engine settle on an outcome."""
        conversation = record.conversation
        if conversation is None or conversation.outcome is not None:
            return
        moves = [move_from_doc(doc) for doc in conversation.moves]
        engine, reply = replay(self._context(record), moves)
        self._feed(engine, Move(MoveKind.HANGUP), moves)
        conversation.moves = [move_to_doc(each) for each in moves]
        self._remember(record, engine, reply, self._clock.now())

    async def _book(
        self,
        record: CallRecord,
        engine: ConversationEngine,
        slot: Slot,
        moves: list[Move],
        unit: Unit,
    ) -> Reply:
        now = self._clock.now()
        diary = await self._diary(record, unit)
        appointment_id = new_id("apt")
        booked = await self._slots.reserve(
            record.practice_id, slot.starts_at, diary.clinicians, appointment_id, unit.session
        )
        if booked:
            record.appointment_id = appointment_id
            self._announce_booking(record, slot, appointment_id, now, unit)
            return self._feed(engine, Move(MoveKind.BOOKING, booked=True), moves)
        unit.note(lambda: log.info("booking_slot_taken", call_id=record.id))
        unit.note(metrics.SLOT_CONFLICTS.inc)
        fresh = tuple(await self._free_slots(record, diary, now, unit))
        return self._feed(engine, Move(MoveKind.BOOKING, booked=False, next_slots=fresh), moves)

    def _announce_booking(
        self, record: CallRecord, slot: Slot, appointment_id: str, now: datetime, unit: Unit
    ) -> None:
        kind = RiskCategory(record.patient.risk_category)
        unit.emit(
            AppointmentBooked(
                appointment_id=appointment_id,
                practice_id=record.practice_id,
                call_id=record.id,
                patient=record.patient,
                starts_at=slot.starts_at,
                appointment_date=slot.local_date,
                appointment_time=slot.local_time,
                appointment_type=appointment_type_for(kind).value,
                booked_at=now,
            )
        )
        unit.note(metrics.APPOINTMENTS_BOOKED.inc)
        unit.note(
            lambda: log.info(
                "appointment_booked",
                call_id=record.id,
                practice_id=record.practice_id,
                patient_id=record.patient.patient_id,
                appointment_id=appointment_id,
            )
        )

    def _opt_out(self, record: CallRecord, unit: Unit) -> None:
        record.opted_out = True
        unit.emit(
            PatientOptedOut(
                practice_id=record.practice_id,
                patient_id=record.patient.patient_id,
                channel="call",
                call_id=record.id,
                opted_out_at=self._clock.now(),
            )
        )
        unit.note(
            lambda: log.info(
                "patient_opted_out",
                call_id=record.id,
                practice_id=record.practice_id,
                patient_id=record.patient.patient_id,
            )
        )

    @staticmethod
    def _feed(engine: ConversationEngine, move: Move, moves: list[Move]) -> Reply:
        moves.append(move)
        reply = apply(engine, move)
        return reply if reply is not None else Reply(text="", end_call=True)

    def _remember(
        self,
        record: CallRecord,
        engine: ConversationEngine,
        reply: Reply,
        now: datetime,
        spoken: str | None = None,
    ) -> None:
        conversation = record.conversation
        assert conversation is not None
        known = [
            StampedTurn(turn.index, Speaker(turn.speaker), turn.text, turn.at)
            for turn in conversation.transcript
        ]
        conversation.transcript = [
            TranscriptTurn.model_validate(
                {"index": t.index, "speaker": t.speaker.value, "text": t.text, "at": t.at}
            )
            for t in stamp(engine.transcript, known, now)
        ]
        conversation.last_reply = reply.text if spoken is None else spoken
        conversation.end_call = engine.finished
        if engine.finished:
            result = engine.result()
            conversation.outcome = result.outcome.value
            conversation.summary = result.summary

    def _context(self, record: CallRecord) -> ConversationContext:
        assert record.conversation is not None
        return ConversationContext(
            first_name=record.patient.first_name,
            practice_name=record.practice_name,
            risk=RiskCategory(record.patient.risk_category),
            free_slots=[slot_from_doc(doc) for doc in record.conversation.slots],
        )

    async def _diary(self, record: CallRecord, unit: Unit) -> DiarySettings:
        profile = await self._practices.get(record.practice_id, unit.session)
        return profile.diary if profile is not None else DiarySettings()

    async def _free_slots(
        self, record: CallRecord, diary: DiarySettings, now: datetime, unit: Unit
    ) -> list[Slot]:
        booked = await self._slots.booked_counts(record.practice_id, now, unit.session)
        # The practice is closed on its own nation's bank holidays, so none is offered.
        return earliest_free_slots(
            diary, booked, after=now, count=SLOTS_SNAPSHOT, nation=record.nation
        )


def _last_words(conversation: ConversationRecord) -> AgentSays:
    return AgentSays(conversation.last_reply or GOODBYE, conversation.end_call)
