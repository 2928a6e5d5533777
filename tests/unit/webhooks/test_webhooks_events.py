"""What each webhook says: ids and the least needed to act, never transcripts or contact data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sightsync.common.messages.appointments import AppointmentBooked, AppointmentUpdated
from sightsync.common.messages.base import Envelope, Message
from sightsync.common.messages.calls import (
    CallCompleted,
    CallFailed,
    PatientSnapshot,
    TranscriptTurn,
)
from sightsync.common.messages.patients import PatientOptedOut, PatientOptOutRecorded
from sightsync.webhooks.domain.events import event_id_for, webhook_event

AT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
PRACTICE = "prac_01JNQ8Y1G2H3J4K5M6N7P8Q9R0"
PATIENT = "pat_01JNQ8ZK3M4V6T1Y2X9B0C7D5E"
CALL = "c_01JNQ9A2B3C4D5E6F7G8H9J0K1"
SNAPSHOT = PatientSnapshot(
    patient_id=PATIENT,
    first_name="Margaret",
    last_name="Hughes",
    phone_number="+447700900123",
    risk_category="diabetic",
)


def _wrap(message: Message) -> Envelope:
    return Envelope.wrap(message, occurred_at=AT, correlation_id="req_x", practice_id=PRACTICE)


def _body(message: Message) -> dict[str, object]:
    event = webhook_event(message, _wrap(message))
    assert event is not None
    parsed: dict[str, object] = json.loads(event.body())
    return parsed


def test_call_completed_carries_outcome_summary_and_duration_but_no_transcript() -> None:
    message = CallCompleted(
        call_id=CALL,
        practice_id=PRACTICE,
        patient_id=PATIENT,
        outcome="booked",
        summary="Booked a routine eye exam.",
        duration_seconds=74.5,
        started_at=AT,
        ended_at=AT,
        transcript=[TranscriptTurn(index=0, speaker="patient", text="Margaret here", at=AT)],
    )
    body = _body(message)

    assert body["type"] == "call.completed"
    assert body["created_at"] == "2026-03-02T10:15:00.000Z"
    assert body["data"] == {
        "call_id": CALL,
        "patient_id": PATIENT,
        "outcome": "booked",
        "summary": "Booked a routine eye exam.",
        "duration_seconds": 74.5,
        "started_at": "2026-03-02T10:15:00.000Z",
        "ended_at": "2026-03-02T10:15:00.000Z",
    }


def test_call_failed_gives_the_reason_and_not_the_carriers_free_text() -> None:
    message = CallFailed(
        call_id=CALL,
        practice_id=PRACTICE,
        patient_id=PATIENT,
        reason="busy",
        detail="+447700900123 busy",
        failed_at=AT,
    )

    assert _body(message)["data"] == {
        "call_id": CALL,
        "patient_id": PATIENT,
        "reason": "busy",
        "failed_at": "2026-03-02T10:15:00.000Z",
    }


def test_a_booking_gives_the_slot_and_patient_id_but_not_the_name_or_number() -> None:
    message = AppointmentBooked(
        appointment_id="apt_1",
        practice_id=PRACTICE,
        call_id=CALL,
        patient=SNAPSHOT,
        starts_at=AT,
        appointment_date=date(2026, 3, 10),
        appointment_time="10:30",
        appointment_type="diabetic_eye_exam",
        booked_at=AT,
    )
    text = json.dumps(_body(message))

    assert _body(message)["data"] == {
        "appointment_id": "apt_1",
        "call_id": CALL,
        "patient_id": PATIENT,
        "appointment_date": "2026-03-10",
        "appointment_time": "10:30",
        "appointment_type": "diabetic_eye_exam",
        "starts_at": "2026-03-02T10:15:00.000Z",
        "booked_at": "2026-03-02T10:15:00.000Z",
    }
    assert "Margaret" not in text and "7700900123" not in text


def test_appointment_updates_give_both_statuses() -> None:
    message = AppointmentUpdated(
        appointment_id="apt_1",
        practice_id=PRACTICE,
        patient_id=PATIENT,
        call_id=CALL,
        starts_at=AT,
        previous_status="booked",
        status="cancelled",
        updated_at=AT,
    )
    data = _body(message)["data"]

    assert isinstance(data, dict)
    assert (data["previous_status"], data["status"]) == ("booked", "cancelled")


def test_opt_outs_go_out_by_patient_id_and_number_only_ones_not_at_all() -> None:
    known = PatientOptedOut(
        practice_id=PRACTICE, patient_id=PATIENT, channel="call", call_id=CALL, opted_out_at=AT
    )
    by_number = PatientOptedOut(
        practice_id=PRACTICE,
        patient_id=None,
        phone_number="+447700900123",
        channel="sms",
        opted_out_at=AT,
    )
    nowhere = PatientOptedOut(practice_id=None, patient_id=PATIENT, channel="sms", opted_out_at=AT)

    assert _body(known)["data"] == {
        "patient_id": PATIENT,
        "channel": "call",
        "call_id": CALL,
        "opted_out_at": "2026-03-02T10:15:00.000Z",
    }
    assert webhook_event(by_number, _wrap(by_number)) is None
    assert webhook_event(nowhere, _wrap(nowhere)) is None


def test_an_opt_out_compliance_matched_from_a_number_is_sent_as_patient_opted_out() -> None:
    message = PatientOptOutRecorded(
        practice_id=PRACTICE, patient_id=PATIENT, channel="portal", opted_out_at=AT
    )
    body = _body(message)

    assert body["type"] == "patient.opted_out"
    assert body["data"] == {
        "patient_id": PATIENT,
        "channel": "portal",
        "call_id": None,
        "opted_out_at": "2026-03-02T10:15:00.000Z",
    }


def test_the_event_id_is_derived_from_the_message_id_so_redelivery_maps_to_one_event() -> None:
    message = CallFailed(
        call_id=CALL, practice_id=PRACTICE, patient_id=PATIENT, reason="busy", failed_at=AT
    )
    envelope = _wrap(message)
    event = webhook_event(message, envelope)

    assert event is not None
    assert event.id == event_id_for(envelope) == "evt_" + envelope.id.removeprefix("msg_")
    assert event.body() == event.body()
