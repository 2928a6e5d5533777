"""State changes of a call that emit events; shared by handlers, webhooks and the scheduler.

Each function changes the record it is given (the caller saves it in the same unit) and
emits the matching event through the unit, so state and event commit together.
"""

from __future__ import annotations

from datetime import datetime

from sightsync.common.logging import get_logger
from sightsync.common.messages.calls import (
    CallAnswered,
    CallCompleted,
    CallFailed,
    CallPlaced,
    TranscriptTurn,
)
from sightsync.dialer import metrics
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.unit_of_work import Unit
from sightsync.dialer.domain.call_state import FailureReason, Outcome, outcome_for_failure

log = get_logger(__name__)


def mark_placed(
    record: CallRecord, provider: str, provider_call_id: str | None, now: datetime, unit: Unit
) -> bool:
    """A claimed call reached the provider; False when that was already recorded."""
    if record.phase != "placing":
        if record.provider_call_id is None and provider_call_id:
            record.provider_call_id = provider_call_id
        return False
    record.phase = "calling"
    record.provider = provider
    record.provider_call_id = provider_call_id or record.provider_call_id
    record.placed_at = now
    record.claimed_until = None
    unit.emit(
        CallPlaced(
            call_id=record.id,
            practice_id=record.practice_id,
            patient_id=record.patient.patient_id,
            placed_at=now,
            provider=provider,
            provider_call_id=record.provider_call_id,
        )
    )
    ids = _ids(record)
    unit.note(lambda: metrics.CALLS_PLACED.labels(provider).inc())
    unit.note(lambda: log.info("call_placed", **ids, provider=provider))
    return True


def mark_answered(record: CallRecord, now: datetime, unit: Unit) -> None:
    record.phase = "in_progress"
    record.answered_at = now
    unit.emit(
        CallAnswered(
            call_id=record.id,
            practice_id=record.practice_id,
            patient_id=record.patient.patient_id,
            answered_at=now,
        )
    )
    ids = _ids(record)
    unit.note(lambda: log.info("call_answered", **ids))


def mark_failed(
    record: CallRecord, reason: FailureReason, now: datetime, unit: Unit, detail: str | None
) -> None:
    record.phase = "failed"
    record.reason = reason.value
    record.detail = detail
    record.outcome = outcome_for_failure(reason).value
    record.ended_at = now
    record.claimed_until = None
    unit.emit(
        CallFailed(
            call_id=record.id,
            practice_id=record.practice_id,
            patient_id=record.patient.patient_id,
            reason=reason.value,
            detail=detail,
            failed_at=now,
        )
    )
    ids, outcome = _ids(record), record.outcome
    unit.note(lambda: metrics.CALLS_ENDED.labels(outcome, reason.value).inc())
    unit.note(lambda: log.info("call_failed", **ids, reason=reason.value, detail=detail))


def mark_completed(
    record: CallRecord,
    outcome: Outcome,
    summary: str,
    now: datetime,
    unit: Unit,
    duration_seconds: float | None,
) -> None:
    record.phase = "completed"
    record.outcome = outcome.value
    record.ended_at = now
    started = record.answered_at
    if duration_seconds is None:
        duration_seconds = (now - started).total_seconds() if started else 0.0
    record.duration_seconds = duration_seconds
    turns = record.conversation.transcript if record.conversation else []
    unit.emit(
        CallCompleted(
            call_id=record.id,
            practice_id=record.practice_id,
            patient_id=record.patient.patient_id,
            outcome=outcome.value,
            summary=summary,
            duration_seconds=duration_seconds,
            started_at=started,
            ended_at=now,
            transcript=[TranscriptTurn.model_validate(turn) for turn in turns],
        )
    )
    ids, seconds = _ids(record), duration_seconds
    unit.note(lambda: metrics.CALLS_ENDED.labels(outcome.value, "").inc())
    unit.note(lambda: log.info("call_completed", **ids, outcome=outcome.value, seconds=seconds))


def _ids(record: CallRecord) -> dict[str, str]:
    return {
        "call_id": record.id,
        "practice_id": record.practice_id,
        "patient_id": record.patient.patient_id,
    }
