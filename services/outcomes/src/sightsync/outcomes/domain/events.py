"""The events outcomes projects, and which read-model document each one belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sightsync.common.messages.appointments import AppointmentBooked, AppointmentUpdated
from sightsync.common.messages.calls import (
    CallAccepted,
    CallAnswered,
    CallCompleted,
    CallFailed,
    CallPlaced,
)
from sightsync.common.messages.practices import PracticeUpdated

CallEvent = CallAccepted | CallPlaced | CallAnswered | CallCompleted | CallFailed
AppointmentEvent = AppointmentBooked | AppointmentUpdated
ProjectedEvent = CallEvent | AppointmentEvent | PracticeUpdated
ReadModel = Literal["calls", "appointments", "practices"]

CALL_EVENTS: tuple[type[CallEvent], ...] = (
    CallAccepted,
    CallPlaced,
    CallAnswered,
    CallCompleted,
    CallFailed,
)
CONSUMED_EVENTS: tuple[type[ProjectedEvent], ...] = (
    *CALL_EVENTS,
    AppointmentBooked,
    PracticeUpdated,
)


@dataclass(frozen=True)
class Stream:
    """One read-model document: every event with the same stream folds into it."""

    model: ReadModel
    key: str


@dataclass(frozen=True)
class LoggedEvent:
    """An event as kept in the append-only log: its envelope id and time, and the message."""

    id: str
    occurred_at: datetime
    message: ProjectedEvent


def stream_of(message: ProjectedEvent) -> Stream:
    if isinstance(message, AppointmentBooked | AppointmentUpdated):
        return Stream("appointments", message.appointment_id)
    if isinstance(message, PracticeUpdated):
        return Stream("practices", message.practice_id)
    return Stream("calls", message.call_id)


def log_order(event: LoggedEvent) -> tuple[datetime, str]:
    """The order a stream is folded in: when it happened, then envelope id to break ties."""
    return event.occurred_at, event.id
