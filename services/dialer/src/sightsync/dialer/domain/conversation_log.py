"""A conversation kept between webhook requests as the log of what happened in it.

The engine is rebuilt for every turn by replaying the log against the slots it was first
given, so any replica can take the next turn and nothing private to the engine is stored.
Booking results are logged with the slots offered instead, so a replay never depends on
how the diary looks now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sightsync.dialer.domain.conversation import ConversationEngine
from sightsync.dialer.domain.conversation_types import ConversationContext, Reply
from sightsync.dialer.domain.slots import Slot
from sightsync.dialer.domain.transcript import Speaker, Turn
from sightsync.dialer.domain.understanding import Understanding


class MoveKind(StrEnum):
    SPEECH = "speech"
    DIGITS = "digits"
    BOOKING = "booking"
    HANGUP = "hangup"


@dataclass(frozen=True)
class Move:
    kind: MoveKind
    text: str = ""
    booked: bool = False
    next_slots: tuple[Slot, ...] | None = None


@dataclass(frozen=True)
class StampedTurn:
    index: int
    speaker: Speaker
    text: str
    at: datetime


def replay(
    context: ConversationContext,
    moves: Sequence[Move],
    understanding: Understanding | None = None,
) -> tuple[ConversationEngine, Reply]:
    """The engine after its greeting and every logged move, with the last reply it gave."""
    engine = ConversationEngine(understanding)
    reply = engine.start(context)
    for move in moves:
        reply = apply(engine, move) or reply
    return engine, reply


def apply(engine: ConversationEngine, move: Move) -> Reply | None:
    """Feed one move to the engine; a hang-up has no reply."""
    if move.kind is MoveKind.SPEECH:
        return engine.on_utterance(move.text)
    if move.kind is MoveKind.DIGITS:
        return engine.on_digits(move.text)
    if move.kind is MoveKind.BOOKING:
        return engine.on_booking_result(move.booked, move.next_slots)
    engine.on_hangup()
    return None


def stamp(
    turns: Sequence[Turn], stamped: Sequence[StampedTurn], now: datetime
) -> list[StampedTurn]:
    """Keep the times of turns already stamped and give new turns the time `now`."""
    known = list(stamped[: len(turns)])
    fresh = [StampedTurn(turn.index, turn.speaker, turn.text, now) for turn in turns[len(known) :]]
    return known + fresh


def slot_to_doc(slot: Slot) -> dict[str, Any]:
    return {
        "starts_at": slot.starts_at,
        "local_date": slot.local_date.isoformat(),
        "local_time": slot.local_time,
        "minutes": slot.minutes,
    }


def slot_from_doc(doc: dict[str, Any]) -> Slot:
    return Slot(
        starts_at=doc["starts_at"],
        local_date=date.fromisoformat(doc["local_date"]),
        local_time=doc["local_time"],
        minutes=doc["minutes"],
    )


def move_to_doc(move: Move) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": move.kind.value}
    if move.kind is MoveKind.BOOKING:
        doc["booked"] = move.booked
        if move.next_slots is not None:
            doc["next_slots"] = [slot_to_doc(slot) for slot in move.next_slots]
    elif move.kind is not MoveKind.HANGUP:
        doc["text"] = move.text
    return doc


def move_from_doc(doc: dict[str, Any]) -> Move:
    next_slots = doc.get("next_slots")
    return Move(
        kind=MoveKind(doc["kind"]),
        text=doc.get("text", ""),
        booked=doc.get("booked", False),
        next_slots=None if next_slots is None else tuple(slot_from_doc(s) for s in next_slots),
    )
