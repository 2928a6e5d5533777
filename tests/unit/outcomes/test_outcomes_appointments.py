"""Appointment status rules and the appointment fold."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from sightsync.outcomes.domain.appointments import (
    APPOINTMENT_STATUSES,
    apply_appointment_event,
    can_change_status,
)
from sightsync.outcomes.domain.projection import fold
from tests.unit.outcomes.events import PATIENT, T0, appointment_booked, appointment_updated, logged

ALLOWED = {
    ("booked", "confirmed"),
    ("booked", "cancelled"),
    ("booked", "no_show"),
    ("confirmed", "cancelled"),
    ("confirmed", "no_show"),
}


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(APPOINTMENT_STATUSES, repeat=2))
)
def test_only_forward_changes_are_allowed(current: str, target: str) -> None:
    assert can_change_status(current, target) is ((current, target) in ALLOWED)  # type: ignore[arg-type]  # statuses come from the Literal's own tuple


def test_booking_fills_the_document() -> None:
    doc = apply_appointment_event(None, logged(appointment_booked()))
    assert doc["status"] == "booked"
    assert doc["patient_id"] == PATIENT
    assert doc["patients"] == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone_number": "+447700900123",
        "risk_category": "standard",
    }
    assert (doc["appointment_date"], doc["appointment_time"]) == ("2025-03-20", "09:30")
    assert doc["created_at"] == doc["updated_at"] == T0


def test_latest_status_change_wins_whatever_the_order() -> None:
    events = [
        logged(appointment_booked()),
        logged(appointment_updated("booked", "confirmed", T0 + timedelta(hours=1))),
        logged(appointment_updated("confirmed", "no_show", T0 + timedelta(hours=2))),
    ]
    results = []
    for order in itertools.permutations(events):
        doc = None
        for event in order:
            doc = apply_appointment_event(doc, event)
        results.append(doc)

    assert all(doc == results[0] for doc in results)
    assert results[0] is not None
    assert results[0]["status"] == "no_show"
    assert results[0]["updated_at"] == T0 + timedelta(hours=2)
    assert results[0] == fold("appointments", events)
