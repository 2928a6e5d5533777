"""Requests answered by outcomes: the appointments, calls and usage read models.

Instants in replies are ISO 8601 UTC with a `Z`; calendar dates are ISO dates.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from sightsync.common.messages.appointments import AppointmentStatus
from sightsync.common.messages.base import Request
from sightsync.common.messages.registry import register

CallStatus = Literal["calling", "ringing", "in_progress", "completed", "failed"]


class ListAppointments(Request):
    """A practice's appointments by appointment_date, appointment_time, then id.

    Replies {"appointments": [appointment], "total", "limit", "offset"}; an appointment is
    {"id", "patient_id", "patients": {"first_name", "last_name", "phone_number",
    "risk_category"}, "call_id", "appointment_date", "appointment_time" (HH:MM UK),
    "appointment_type", "status", "starts_at", "created_at", "updated_at"}.
    `from_date` and `to_date` are inclusive.
    """

    message_type: ClassVar[str] = "appointment.list"
    owner: ClassVar[str] = "outcomes"

    practice_id: str
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)
    status: AppointmentStatus | None = None
    from_date: date | None = None
    to_date: date | None = None
    patient_id: str | None = None


class UpdateAppointmentStatus(Request):
    """Move an appointment to `status` and emit `appointment.updated`.

    Replies {"appointment": appointment} (as in ListAppointments). Refuses with 404 when
    the practice has no such appointment, 409 when the change is not allowed (booked →
    confirmed | cancelled | no_show; confirmed → cancelled | no_show; nothing else).
    """

    message_type: ClassVar[str] = "appointment.update_status"
    owner: ClassVar[str] = "outcomes"

    practice_id: str
    appointment_id: str
    status: AppointmentStatus


class GetUsage(Request):
    """Usage in the current UK calendar month (Europe/London boundaries).

    Replies {"period": {"start", "end" (first and last ISO date of the month), "time_zone"},
    "plan", "status", "allow_overage", "calls": {"used", "limit", "remaining", "overage"},
    "daily": [{"date", "total", "completed", "failed"}] for each UK day with calls}.
    `used` counts calls accepted this month; plan, status, limit and remaining are null
    until outcomes has seen the practice.
    """

    message_type: ClassVar[str] = "usage.get"
    owner: ClassVar[str] = "outcomes"

    practice_id: str


class GetCall(Request):
    """One call with its transcript; 404 when the practice has no such call.

    Replies {"call": {"id", "patient_id", "status", "outcome", "failure_reason", "summary",
    "duration_seconds", "accepted_at", "placed_at", "answered_at", "started_at", "ended_at",
    "transcript": [{"index", "speaker", "text", "at"}]}}.
    """

    message_type: ClassVar[str] = "call.get"
    owner: ClassVar[str] = "outcomes"

    practice_id: str
    call_id: str


class ListCalls(Request):
    """A practice's calls, newest accepted first (then id, descending), without transcripts.

    Replies {"calls": [call as in GetCall without "transcript"], "total", "limit", "offset"}.
    """

    message_type: ClassVar[str] = "call.list"
    owner: ClassVar[str] = "outcomes"

    practice_id: str
    patient_id: str | None = None
    status: CallStatus | None = None
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


register(ListAppointments, UpdateAppointmentStatus, GetUsage, GetCall, ListCalls)
