"""Appointment status rules and the appointment fold."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from sightsync.outcomes.domain.appointments import (
    APPOINTMENT_STATUSES,
    StatusChange,
    apply_appointment_event,
    can_change_status,
    judge_status_change,
)
from sightsync.outcomes.domain.projection import fold
from tests.unit.outcomes.events import PATIENT, T0, appointment_booked, appointment_updated, logged

STARTS = datetime(2025, 3, 20, 9, 30, tzinfo=UTC)
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


@pytest.mark.parametrize("status", APPOINTMENT_STATUSES)
def test_asking_for_the_status_it_has_changes_nothing(status: str) -> None:
    change = judge_status_change(status, status, STARTS, STARTS - timedelta(days=1))  # type: ignore[arg-type]  # statuses come from the Literal's own tuple
    assert change is StatusChange.UNCHANGED


@pytest.mark.parametrize(
    ("current", "now", "change"),
    [
        ("booked", STARTS - timedelta(milliseconds=1), StatusChange.NOT_STARTED),
        ("confirmed", STARTS - timedelta(days=3), StatusChange.NOT_STARTED),
        ("booked", STARTS, StatusChange.APPLY),
        ("confirmed", STARTS + timedelta(hours=1), StatusChange.APPLY),
        # A change never allowed is refused as such, whenever it is asked.
        ("cancelled", STARTS - timedelta(days=1), StatusChange.NOT_ALLOWED),
    ],
)
def test_a_no_show_needs_the_appointment_to_have_started(
    current: str, now: datetime, change: StatusChange
) -> None:
    assert judge_status_change(current, "no_show", STARTS, now) is change  # type: ignore[arg-type]  # a status from the Literal


def test_other_changes_do_not_wait_for_the_start() -> None:
    before = STARTS - timedelta(days=1)
    assert judge_status_change("booked", "confirmed", STARTS, before) is StatusChange.APPLY
    assert judge_status_change("confirmed", "cancelled", STARTS, before) is StatusChange.APPLY
    assert judge_status_change("cancelled", "confirmed", STARTS, before) is (
        StatusChange.NOT_ALLOWED
    )


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
