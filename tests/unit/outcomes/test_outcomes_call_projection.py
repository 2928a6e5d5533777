"""Calls fold from their events in any order; status only moves forward."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from sightsync.outcomes.domain.calls import apply_call_event
from sightsync.outcomes.domain.projection import fold
from tests.unit.outcomes.events import CALL, T0, call_failed, call_lifecycle, logged


def test_each_step_moves_the_status_forward() -> None:
    statuses = []
    doc = None
    for message in call_lifecycle():
        doc = apply_call_event(doc, logged(message))
        statuses.append(doc["status"])

    assert statuses == ["calling", "ringing", "in_progress", "completed"]
    assert doc is not None
    assert doc["outcome"] == "booked"
    assert doc["duration_seconds"] == 61.5
    assert doc["accepted_at"] == T0
    assert doc["ended_at"] == T0 + timedelta(seconds=70)
    assert [turn["speaker"] for turn in doc["transcript"]] == ["agent", "patient"]
    assert doc["event_count"] == 4


def test_apply_leaves_the_given_document_untouched() -> None:
    accepted, placed, *_ = call_lifecycle()
    first = apply_call_event(None, logged(accepted))
    apply_call_event(first, logged(placed))
    assert first["status"] == "calling" and first["placed_at"] is None


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_every_arrival_order_folds_to_the_same_document(order: tuple[int, ...]) -> None:
    messages = call_lifecycle()
    in_time_order = fold("calls", [logged(message) for message in messages])
    doc = None
    for index in order:
        doc = apply_call_event(doc, logged(messages[index]))
    assert doc == in_time_order


def test_completed_before_placed_stays_completed() -> None:
    accepted, placed, _answered, completed = call_lifecycle()
    doc = apply_call_event(None, logged(completed))
    assert doc["status"] == "completed" and doc["accepted_at"] is None
    assert doc["sort_at"] == doc["ended_at"]

    doc = apply_call_event(doc, logged(placed))
    doc = apply_call_event(doc, logged(accepted))
    assert doc["status"] == "completed"
    assert doc["placed_at"] is not None
    assert doc["sort_at"] == T0


def test_failure_maps_its_reason_to_an_outcome() -> None:
    accepted = call_lifecycle()[0]
    doc = apply_call_event(None, logged(accepted))
    doc = apply_call_event(doc, logged(call_failed(at=T0 + timedelta(seconds=30), reason="busy")))
    assert (doc["status"], doc["outcome"], doc["failure_reason"]) == ("failed", "busy", "busy")

    carrier = apply_call_event(None, logged(call_failed(reason="carrier_error")))
    assert carrier["outcome"] == "failed"


def test_between_two_terminal_events_the_later_wins_in_either_order() -> None:
    completed = call_lifecycle()[3]
    later_failure = call_failed(CALL, at=T0 + timedelta(minutes=5), reason="carrier_error")
    one = fold("calls", [logged(completed), logged(later_failure)])
    other = apply_call_event(apply_call_event(None, logged(later_failure)), logged(completed))

    assert one is not None
    assert one["status"] == other["status"] == "failed"
    assert one["summary"] is None and one["transcript"] == []
    assert one == other


def test_fold_of_nothing_is_nothing() -> None:
    assert fold("calls", []) is None
