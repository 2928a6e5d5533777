"""A read-model document is a fold of its stream's events: the same for live and rebuild."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sightsync.outcomes.domain.appointments import apply_appointment_event
from sightsync.outcomes.domain.calls import apply_call_event
from sightsync.outcomes.domain.events import LoggedEvent, ReadModel, log_order
from sightsync.outcomes.domain.practices import apply_practice_event

Document = dict[str, Any]
Apply = Callable[[Document | None, LoggedEvent], Document]

APPLY: dict[ReadModel, Apply] = {
    "calls": apply_call_event,
    "appointments": apply_appointment_event,
    "practices": apply_practice_event,
}


def fold(model: ReadModel, events: Iterable[LoggedEvent]) -> Document | None:
    """Apply a stream's events in log order; None for a stream with no events."""
    apply = APPLY[model]
    doc: Document | None = None
    for event in sorted(events, key=log_order):
        doc = apply(doc, event)
    return doc
