"""Messages about appointments booked by recall calls."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from sightsync.common.messages.base import Event
from sightsync.common.messages.calls import PatientSnapshot
from sightsync.common.messages.registry import register

AppointmentStatus = Literal["booked", "confirmed", "cancelled", "no_show"]
AppointmentType = Literal[
    "routine_eye_exam",
    "diabetic_eye_exam",
    "glaucoma_review",
    "myopia_review",
    "contact_lens_check",
]


class AppointmentBooked(Event):
    """The patient accepted a slot during a call and the dialer reserved it."""

    message_type: ClassVar[str] = "appointment.booked"

    appointment_id: str
    practice_id: str
    call_id: str
    patient: PatientSnapshot
    starts_at: datetime
    appointment_date: date
    appointment_time: str
    appointment_type: AppointmentType
    booked_at: datetime


class AppointmentUpdated(Event):
    """The practice confirmed, cancelled or marked a no-show; a cancelled slot is free again."""

    message_type: ClassVar[str] = "appointment.updated"

    appointment_id: str
    practice_id: str
    patient_id: str
    call_id: str
    starts_at: datetime
    previous_status: AppointmentStatus
    status: AppointmentStatus
    updated_at: datetime


register(AppointmentBooked, AppointmentUpdated)
