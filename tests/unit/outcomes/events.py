"""Builders of the events outcomes consumes, with sensible defaults for unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sightsync.common.messages.appointments import AppointmentBooked, AppointmentUpdated
from sightsync.common.messages.calls import (
    CallAccepted,
    CallAnswered,
    CallCompleted,
    CallFailed,
    CallPlaced,
    PatientSnapshot,
    TranscriptTurn,
)
from sightsync.common.messages.practices import PracticeUpdated
from sightsync.outcomes.domain.events import CallEvent, LoggedEvent, ProjectedEvent

T0 = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
PRACTICE = "prac_01JAAAAAAAAAAAAAAAAAAAAAAA"
PATIENT = "pat_01JAAAAAAAAAAAAAAAAAAAAAAA"
CALL = "c_01JAAAAAAAAAAAAAAAAAAAAAAA"
APPOINTMENT = "apt_01JAAAAAAAAAAAAAAAAAAAAAAA"

_counter = iter(range(1_000_000))


def logged(message: ProjectedEvent, at: datetime | None = None) -> LoggedEvent:
    return LoggedEvent(id=f"msg_{next(_counter):06d}", occurred_at=at or T0, message=message)


def call_lifecycle(call_id: str = CALL, start: datetime = T0) -> list[CallEvent]:
    common: dict[str, Any] = {
        "call_id": call_id,
        "practice_id": PRACTICE,
        "patient_id": PATIENT,
    }
    return [
        CallAccepted(**common, accepted_at=start),
        CallPlaced(**common, placed_at=start + timedelta(seconds=2), provider="simulated"),
        CallAnswered(**common, answered_at=start + timedelta(seconds=9)),
        CallCompleted(
            **common,
            outcome="booked",
            summary="Booked a routine eye exam",
            duration_seconds=61.5,
            started_at=start + timedelta(seconds=9),
            ended_at=start + timedelta(seconds=70),
            transcript=[
                TranscriptTurn(index=0, speaker="agent", text="Hello", at=start),
                TranscriptTurn(index=1, speaker="patient", text="Hi", at=start),
            ],
        ),
    ]


def call_failed(call_id: str = CALL, at: datetime = T0, reason: str = "no_answer") -> CallFailed:
    return CallFailed.model_validate(
        {
            "call_id": call_id,
            "practice_id": PRACTICE,
            "patient_id": PATIENT,
            "reason": reason,
            "failed_at": at,
        }
    )


def call_accepted(call_id: str, at: datetime) -> CallAccepted:
    return CallAccepted(call_id=call_id, practice_id=PRACTICE, patient_id=PATIENT, accepted_at=at)


def appointment_booked(
    appointment_id: str = APPOINTMENT, day: date = date(2025, 3, 20)
) -> AppointmentBooked:
    return AppointmentBooked(
        appointment_id=appointment_id,
        practice_id=PRACTICE,
        call_id=CALL,
        patient=PatientSnapshot(
            patient_id=PATIENT,
            first_name="Ada",
            last_name="Lovelace",
            phone_number="+447700900123",
            risk_category="standard",
        ),
        starts_at=datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC),
        appointment_date=day,
        appointment_time="09:30",
        appointment_type="routine_eye_exam",
        booked_at=T0,
    )


def appointment_updated(
    previous: str, status: str, at: datetime, appointment_id: str = APPOINTMENT
) -> AppointmentUpdated:
    return AppointmentUpdated.model_validate(
        {
            "appointment_id": appointment_id,
            "practice_id": PRACTICE,
            "patient_id": PATIENT,
            "call_id": CALL,
            "starts_at": T0,
            "previous_status": previous,
            "status": status,
            "updated_at": at,
        }
    )


def practice_updated(
    revision: int, monthly_limit: int = 100, plan: str = "starter"
) -> PracticeUpdated:
    return PracticeUpdated.model_validate(
        {
            "practice_id": PRACTICE,
            "name": "Example Opticians",
            "plan": plan,
            "monthly_limit": monthly_limit,
            "allow_overage": False,
            "status": "active",
            "nation": "england",
            "caller_id": None,
            "revision": revision,
        }
    )
