"""Helpers that keep a call's state between requests: the conversation log and records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sightsync.common.messages.calls import PatientSnapshot
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.domain.call_state import CallState, FailureReason
from sightsync.dialer.domain.caller_id import normalise_caller_id
from sightsync.dialer.domain.conversation_log import (
    Move,
    MoveKind,
    move_from_doc,
    move_to_doc,
    replay,
    slot_from_doc,
    slot_to_doc,
    stamp,
)
from sightsync.dialer.domain.conversation_types import ConversationContext
from sightsync.dialer.domain.risk import RiskCategory
from sightsync.dialer.domain.slots import DiarySettings, earliest_free_slots

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
SLOTS = earliest_free_slots(DiarySettings(), {}, after=NOW, count=8)


def context() -> ConversationContext:
    return ConversationContext("Sam", "High Street Opticians", RiskCategory.STANDARD, SLOTS)


def test_replaying_the_log_rebuilds_the_same_conversation() -> None:
    moves = [
        Move(MoveKind.SPEECH, "Not those, any other times?"),
        Move(MoveKind.DIGITS, "1"),
        Move(MoveKind.BOOKING, booked=False, next_slots=tuple(SLOTS[4:])),
        Move(MoveKind.SPEECH, "The first one please"),
        Move(MoveKind.BOOKING, booked=True),
    ]

    engine, reply = replay(context(), moves)

    assert engine.finished
    assert engine.result().booked_slot == SLOTS[4]
    assert reply.end_call
    assert "all booked" in reply.text


def test_moves_survive_a_round_trip_through_documents() -> None:
    moves = [
        Move(MoveKind.SPEECH, "yes"),
        Move(MoveKind.DIGITS, "2"),
        Move(MoveKind.BOOKING, booked=False, next_slots=tuple(SLOTS[:2])),
        Move(MoveKind.BOOKING, booked=True),
        Move(MoveKind.HANGUP),
    ]

    assert [move_from_doc(move_to_doc(move)) for move in moves] == moves


def test_slots_survive_a_round_trip_through_documents() -> None:
    slot = SLOTS[0]

    restored = slot_from_doc(slot_to_doc(slot))

    assert restored == slot
    assert restored.local_date == date(2026, 3, 11)


def test_stamping_keeps_earlier_times_and_stamps_only_new_turns() -> None:
    engine, _ = replay(context(), [])
    first = stamp(engine.transcript, [], NOW)
    later = NOW + timedelta(seconds=7)

    engine, _ = replay(context(), [Move(MoveKind.SPEECH, "yes please")])
    second = stamp(engine.transcript, first, later)

    assert [turn.at for turn in second] == [NOW, later, later]
    assert [turn.index for turn in second] == [0, 1, 2]


def test_a_hang_up_ends_the_conversation_without_a_reply() -> None:
    engine, _ = replay(context(), [Move(MoveKind.HANGUP)])

    assert engine.finished
    assert engine.result().reason == "hung_up"


def record(**fields: object) -> CallRecord:
    base = {
        "_id": "c_1",
        "practice_id": "prac_1",
        "patient": PatientSnapshot(
            patient_id="pat_1",
            first_name="Sam",
            phone_number="+447700900001",
            risk_category="standard",
        ),
        "practice_name": "High Street Opticians",
        "caller_id": None,
        "nation": "england",
        "accepted_at": NOW,
        "correlation_id": "req_1",
        "created_at": NOW,
    }
    return CallRecord.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("phase", "state"),
    [
        ("queued", CallState.CALLING),
        ("placing", CallState.CALLING),
        ("ringing", CallState.RINGING),
        ("in_progress", CallState.IN_PROGRESS),
        ("completed", CallState.COMPLETED),
    ],
)
def test_record_phases_map_onto_provider_states(phase: str, state: CallState) -> None:
    assert record(phase=phase).status().state is state


def test_a_failed_record_carries_its_reason_and_round_trips() -> None:
    failed = record(phase="failed", reason="busy")

    assert failed.status().reason is FailureReason.BUSY
    assert CallRecord.model_validate(failed.to_doc()) == failed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+441632960000", "+441632960000"),
        ("01632 960000", "+441632960000"),
        ("+44 (0)20 7946 0000", "+442079460000"),
        ("0800 123 4567", "+448001234567"),
        ("09098 790000", None),
        ("+12025550123", None),
        ("", None),
        (None, None),
    ],
)
def test_caller_ids_must_be_uk_numbers_and_never_premium(
    raw: str | None, expected: str | None
) -> None:
    assert normalise_caller_id(raw) == expected
