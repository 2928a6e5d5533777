"""The appointments read model and the status changes a practice may make."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sightsync.common.messages.appointments import (
    AppointmentBooked,
    AppointmentStatus,
    AppointmentUpdated,
)
from sightsync.outcomes.domain.events import LoggedEvent

APPOINTMENT_STATUSES: tuple[AppointmentStatus, ...] = (
    "booked",
    "confirmed",
    "cancelled",
    "no_show",
)
ALLOWED_TRANSITIONS: dict[AppointmentStatus, frozenset[AppointmentStatus]] = {
    "booked": frozenset({"confirmed", "cancelled", "no_show"}),
    "confirmed": frozenset({"cancelled", "no_show"}),
    "cancelled": frozenset(),
    "no_show": frozenset(),
}

Document = dict[str, Any]


class StatusChange(Enum):
    APPLY = "apply"
    UNCHANGED = "unchanged"
    NOT_ALLOWED = "not_allowed"
    NOT_STARTED = "not_started"


def can_change_status(current: AppointmentStatus, target: AppointmentStatus) -> bool:
    """Whether a practice may move an appointment from `current` to `target`."""
    return target in ALLOWED_TRANSITIONS[current]


def judge_status_change(
    current: AppointmentStatus, target: AppointmentStatus, starts_at: datetime, now: datetime
) -> StatusChange:
    """What asking at `now` to move an appointment from `current` to `target` does."""
    # A PMS retries a change it never saw answered; the status it asked for is already
    # there, so the retry succeeds without a second change.
    if target == current:
        return StatusChange.UNCHANGED
    if not can_change_status(current, target):
        return StatusChange.NOT_ALLOWED
    # Until the start the patient may still arrive, so nobody has failed to yet.
    if target == "no_show" and now < starts_at:
        return StatusChange.NOT_STARTED
    return StatusChange.APPLY


def apply_appointment_event(doc: Document | None, event: LoggedEvent) -> Document:
    """The appointment document after one more event; `doc` is left untouched."""
    message = event.message
    if not isinstance(message, AppointmentBooked | AppointmentUpdated):
        raise TypeError(f"{type(message).__name__} is not an appointment event")
    appointment = dict(doc) if doc is not None else _empty(message)

    if isinstance(message, AppointmentBooked):
        patient = message.patient
        appointment.update(
            patient_id=patient.patient_id,
            patients={
                "first_name": patient.first_name,
                "last_name": patient.last_name,
                "phone_number": patient.phone_number,
                "risk_category": patient.risk_category,
            },
            call_id=message.call_id,
            starts_at=message.starts_at,
            appointment_date=message.appointment_date.isoformat(),
            appointment_time=message.appointment_time,
            appointment_type=message.appointment_type,
            created_at=message.booked_at,
        )
        if appointment["status_changed_at"] is None:
            appointment["status"] = "booked"
    else:
        # The latest change wins whatever order the log hands them over in.
        changed = appointment["status_changed_at"]
        if changed is None or message.updated_at >= changed:
            appointment["status"] = message.status
            appointment["status_changed_at"] = message.updated_at

    appointment["event_count"] += 1
    stamps = [appointment["created_at"], appointment["status_changed_at"]]
    appointment["updated_at"] = max(stamp for stamp in stamps if stamp is not None)
    return appointment


def _empty(message: AppointmentBooked | AppointmentUpdated) -> Document:
    return {
        "_id": message.appointment_id,
        "practice_id": message.practice_id,
        "patient_id": None,
        "patients": None,
        "call_id": message.call_id,
        "starts_at": message.starts_at,
        "appointment_date": None,
        "appointment_time": None,
        "appointment_type": None,
        "status": None,
        "status_changed_at": None,
        "created_at": None,
        "updated_at": None,
        "event_count": 0,
    }
