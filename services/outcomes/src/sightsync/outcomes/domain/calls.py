"""The calls read model: one document per call, folded from its events in any order.

Each event sets only the fields it knows, and the status only moves forward
(calling < ringing < in_progress < completed/failed), so a late `call.placed` never
drags a finished call back to ringing. Between two terminal events the later one wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sightsync.common.messages.calls import (
    CallAccepted,
    CallAnswered,
    CallCompleted,
    CallFailed,
    CallOutcome,
    CallPlaced,
    FailureReason,
)
from sightsync.outcomes.domain.events import CallEvent, LoggedEvent

CallStatus = Literal["calling", "ringing", "in_progress", "completed", "failed"]
CALL_STATUSES: tuple[CallStatus, ...] = (
    "calling",
    "ringing",
    "in_progress",
    "completed",
    "failed",
)
_RANK: dict[str, int] = {
    "calling": 0,
    "ringing": 1,
    "in_progress": 2,
    "completed": 3,
    "failed": 3,
}
FAILURE_OUTCOMES: dict[FailureReason, CallOutcome] = {
    "no_answer": "no_answer",
    "busy": "busy",
    "voicemail": "voicemail",
    "carrier_error": "failed",
    "canceled": "failed",
}

Document = dict[str, Any]


def empty_call(message: CallEvent) -> Document:
    return {
        "_id": message.call_id,
        "practice_id": message.practice_id,
        "patient_id": message.patient_id,
        "status": None,
        "outcome": None,
        "failure_reason": None,
        "summary": None,
        "duration_seconds": None,
        "accepted_at": None,
        "placed_at": None,
        "answered_at": None,
        "started_at": None,
        "ended_at": None,
        "sort_at": None,
        "transcript": [],
        "event_count": 0,
    }


def apply_call_event(doc: Document | None, event: LoggedEvent) -> Document:
    """The call document after one more event; `doc` is left untouched."""
    message = event.message
    if not isinstance(
        message, CallAccepted | CallPlaced | CallAnswered | CallCompleted | CallFailed
    ):
        raise TypeError(f"{type(message).__name__} is not a call event")
    call = dict(doc) if doc is not None else empty_call(message)

    if isinstance(message, CallAccepted):
        call["accepted_at"] = message.accepted_at
        _advance(call, "calling")
    elif isinstance(message, CallPlaced):
        call["placed_at"] = message.placed_at
        _advance(call, "ringing")
    elif isinstance(message, CallAnswered):
        call["answered_at"] = message.answered_at
        _advance(call, "in_progress")
    elif isinstance(message, CallCompleted):
        _finish(
            call,
            "completed",
            message.ended_at,
            outcome=message.outcome,
            failure_reason=None,
            summary=message.summary,
            duration_seconds=message.duration_seconds,
            started_at=message.started_at,
            transcript=[turn.model_dump() for turn in message.transcript],
        )
    else:
        _finish(
            call,
            "failed",
            message.failed_at,
            outcome=FAILURE_OUTCOMES[message.reason],
            failure_reason=message.reason,
            summary=None,
            duration_seconds=None,
            started_at=None,
            transcript=[],
        )

    call["event_count"] += 1
    call["sort_at"] = _first_known(call)
    return call


def _advance(call: Document, status: CallStatus) -> None:
    current = call["status"]
    if current is None or _RANK[status] > _RANK[current]:
        call["status"] = status


def _finish(call: Document, status: CallStatus, at: datetime, **fields: Any) -> None:
    ended = call["ended_at"]
    already_final = call["status"] in ("completed", "failed") and ended is not None
    # Two terminal events: the later decides; on a tie a conversation beats a failure.
    if already_final and (at < ended or (at == ended and call["status"] == "completed")):
        return
    call.update(status=status, ended_at=at, **fields)


def _first_known(call: Document) -> datetime | None:
    # Lists sort newest first by acceptance; until call.accepted arrives, the earliest
    # timestamp we do know keeps the call in roughly the right place.
    for field in ("accepted_at", "placed_at", "answered_at", "ended_at"):
        value: datetime | None = call[field]
        if value is not None:
            return value
    return None
