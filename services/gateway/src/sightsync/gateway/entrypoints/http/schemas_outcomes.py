"""Query, body and response models of the appointments, calls and usage API.

Outcomes builds these views from events; the gateway relays them as they come. Instants
are ISO 8601 UTC with a `Z`; appointment dates and times are UK wall-clock values.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sightsync.common.messages.appointments import AppointmentStatus, AppointmentType
from sightsync.common.messages.calls import CallOutcome, FailureReason, RiskCategory
from sightsync.common.messages.outcomes import CallStatus
from sightsync.common.messages.practices import Plan, SubscriptionStatus
from sightsync.gateway.entrypoints.http.schemas_common import MAX_OFFSET, IsoDate

# A field named `date` would shadow the type inside its class body.
Day = date

EXAMPLE_APPOINTMENT_ID = "apt_01J9ZQ9C3E5G7J9L1N3Q5S7U9W"
EXAMPLE_CALL_ID = "c_01J9ZQ7B2D4F6H8K0M2P4R6T8V"
EXAMPLE_PATIENT_ID = "pat_01J9ZQ4M6V8X2R7K3N5P0T1W2Y"
STATUS_HELP = (
    "booked (by the call), confirmed, cancelled (frees the diary slot) or no_show. "
    "A practice may move booked to confirmed, cancelled or no_show, and confirmed to "
    "cancelled or no_show (no_show only once the appointment has started); nothing else."
)
CALL_STATUS_HELP = (
    "calling (accepted), ringing (placed with the carrier), in_progress (answered), "
    "completed (a conversation ended with an outcome) or failed (it never became one)."
)


# ----- appointments ---------------------------------------------------------------------


class AppointmentListQuery(BaseModel):
    """Query parameters of GET /appointments."""

    limit: int = Field(default=100, ge=1, le=500, description="Page size, 1 to 500.")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Appointments to skip.")
    status: AppointmentStatus | None = Field(default=None, description="Only this status.")
    from_date: IsoDate | None = Field(
        default=None,
        description="Only appointments on or after this UK date (ISO 8601).",
        examples=["2025-04-01"],
    )
    to_date: IsoDate | None = Field(
        default=None,
        description="Only appointments on or before this UK date (ISO 8601); not before from_date.",
        examples=["2025-04-30"],
    )
    patient_id: str | None = Field(
        default=None,
        max_length=64,
        description="Only this patient's.",
        examples=[EXAMPLE_PATIENT_ID],
    )


class AppointmentStatusChange(BaseModel):
    """The status a practice moves an appointment to."""

    model_config = ConfigDict(
        strict=True, extra="forbid", json_schema_extra={"examples": [{"status": "confirmed"}]}
    )

    status: AppointmentStatus = Field(description=STATUS_HELP)


class AppointmentPatient(BaseModel):
    """The patient as they were when the appointment was booked."""

    first_name: str = Field(examples=["Margaret"])
    last_name: str | None = Field(examples=["Hughes"])
    phone_number: str = Field(description="E.164.", examples=["+447700900123"])
    risk_category: RiskCategory


class Appointment(BaseModel):
    """An appointment a recall call booked."""

    id: str = Field(examples=[EXAMPLE_APPOINTMENT_ID])
    patient_id: str = Field(examples=[EXAMPLE_PATIENT_ID])
    patients: AppointmentPatient
    call_id: str = Field(description="The call that booked it.", examples=[EXAMPLE_CALL_ID])
    appointment_date: date = Field(description="UK calendar date.", examples=["2025-04-14"])
    appointment_time: str = Field(
        description="UK wall-clock time, HH:MM.", pattern=r"^\d{2}:\d{2}$", examples=["09:30"]
    )
    appointment_type: AppointmentType
    status: AppointmentStatus = Field(description=STATUS_HELP)
    starts_at: datetime = Field(
        description="The same start as an instant.", examples=["2025-04-14T08:30:00.000Z"]
    )
    created_at: datetime = Field(description="When the call booked it.")
    updated_at: datetime = Field(description="The last status change, or the booking.")


class AppointmentPage(BaseModel):
    appointments: list[Appointment] = Field(
        description="Ordered by appointment_date and appointment_time, then id."
    )
    total: int = Field(description="Appointments matching the filters, on every page.")
    limit: int
    offset: int


# ----- calls ----------------------------------------------------------------------------


class CallListQuery(BaseModel):
    """Query parameters of GET /calls."""

    patient_id: str | None = Field(
        default=None,
        max_length=64,
        description="Only this patient's.",
        examples=[EXAMPLE_PATIENT_ID],
    )
    status: CallStatus | None = Field(default=None, description=CALL_STATUS_HELP)
    limit: int = Field(default=100, ge=1, le=500, description="Page size, 1 to 500.")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Calls to skip.")


class TranscriptTurn(BaseModel):
    index: int = Field(description="Position in the conversation, from 0.")
    speaker: Literal["agent", "patient"]
    text: str
    at: datetime


class CallSummary(BaseModel):
    """A recall call as lists show it: no transcript."""

    id: str = Field(examples=[EXAMPLE_CALL_ID])
    patient_id: str = Field(examples=[EXAMPLE_PATIENT_ID])
    status: CallStatus = Field(description=CALL_STATUS_HELP)
    outcome: CallOutcome | None = Field(
        description="How it ended; null until it has.", examples=["booked"]
    )
    failure_reason: FailureReason | None = Field(description="Why a failed call failed.")
    summary: str | None = Field(description="A short account of the conversation.")
    duration_seconds: float | None = Field(description="Length of the conversation.")
    accepted_at: datetime | None = Field(description="When compliance accepted the recall.")
    placed_at: datetime | None = Field(description="When the carrier was asked to ring.")
    answered_at: datetime | None
    started_at: datetime | None = Field(description="When the conversation began.")
    ended_at: datetime | None = Field(description="When it completed or failed.")


class Call(CallSummary):
    """One call with its transcript and when the patient may next be rung."""

    transcript: list[TranscriptTurn] = Field(description="Empty unless the call was answered.")
    next_allowed_at: datetime | None = Field(
        description=(
            "The first instant every UK calling rule allows another call to this patient "
            "(from compliance); null when compliance no longer knows the patient."
        )
    )


class CallPage(BaseModel):
    calls: list[CallSummary] = Field(
        description=(
            "Newest accepted first, then id. Items carry no next_allowed_at: it is one "
            "question to compliance per patient, so ask GET /calls/{call_id} for it."
        )
    )
    total: int = Field(description="Calls matching the filters, on every page.")
    limit: int
    offset: int


# ----- usage ----------------------------------------------------------------------------


class UsagePeriod(BaseModel):
    start: date = Field(description="First day of the UK calendar month.", examples=["2025-03-01"])
    end: date = Field(description="Last day of the UK calendar month.", examples=["2025-03-31"])
    time_zone: Literal["Europe/London"] = "Europe/London"


class CallCounts(BaseModel):
    used: int = Field(description="Calls accepted this UK month, as compliance counted them.")
    limit: int | None = Field(description="The plan's monthly allowance; null if not yet known.")
    remaining: int | None = Field(description="max(limit - used, 0).")
    overage: int = Field(description="max(used - limit, 0); only with allow_overage.")


class DailyUsage(BaseModel):
    date: Day = Field(description="A UK calendar day with calls.", examples=["2025-03-14"])
    total: int = Field(description="Calls accepted that day.")
    completed: int = Field(description="Calls that completed that day.")
    failed: int = Field(description="Calls that failed that day.")


class Usage(BaseModel):
    """Calls against the plan in the current UK calendar month."""

    period: UsagePeriod
    plan: Plan | None
    status: SubscriptionStatus | None = Field(description="The subscription's status.")
    allow_overage: bool | None = Field(description="Calls beyond the limit are allowed (billed).")
    calls: CallCounts
    daily: list[DailyUsage] = Field(description="One entry per UK day with calls, oldest first.")
