"""What the recall conversation engine takes in and gives back, turn by turn and at the end."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sightsync.dialer.domain.appointment_type import AppointmentType
from sightsync.dialer.domain.call_state import Outcome
from sightsync.dialer.domain.risk import RiskCategory
from sightsync.dialer.domain.slots import Slot
from sightsync.dialer.domain.summary import EndReason
from sightsync.dialer.domain.transcript import Turn

SlotSource = Sequence[Slot] | Callable[[int], Sequence[Slot]]
"""The earliest free slots in order: a list, or a function giving the earliest `n`."""


class Phase(StrEnum):
    NOT_STARTED = "not_started"
    OFFERING = "offering"
    ASKING_OTHER_TIMES = "asking_other_times"
    BOOKING = "booking"
    ENDED = "ended"


class ConversationStateError(RuntimeError):
    """An event arrived that the conversation cannot take in its current phase."""


@dataclass(frozen=True)
class ConversationContext:
    first_name: str
    practice_name: str
    risk: RiskCategory
    free_slots: SlotSource


@dataclass(frozen=True)
class BookSlot:
    slot: Slot


@dataclass(frozen=True)
class Reply:
    text: str
    end_call: bool = False
    action: BookSlot | None = None
    outcome: Outcome | None = None


@dataclass(frozen=True)
class ConversationResult:
    outcome: Outcome
    reason: EndReason
    summary: str
    transcript: tuple[Turn, ...]
    appointment_type: AppointmentType
    booked_slot: Slot | None = None
