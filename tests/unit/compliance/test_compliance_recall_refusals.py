from datetime import UTC, datetime

from sightsync.compliance.domain.calling_window import OutsideReason
from sightsync.compliance.domain.recall_decision import RecallRejected, RejectionRule
from sightsync.compliance.handlers.recall_refusals import refusal_for


def test_outside_hours_carries_the_reason_and_a_z_instant() -> None:
    refusal = refusal_for(
        RecallRejected(
            RejectionRule.OUTSIDE_CALLING_HOURS,
            "Calls are not placed at weekends.",
            next_allowed_at=datetime(2025, 6, 16, 8, 0, tzinfo=UTC),
            outside_reason=OutsideReason.WEEKEND,
        )
    )

    assert refusal.detail.model_dump() == {
        "code": "outside_calling_hours",
        "message": "Calls are not placed at weekends.",
        "status": 425,
        "details": {"reason": "weekend", "next_allowed_at": "2025-06-16T08:00:00.000Z"},
    }


def test_refusals_without_times_or_counts_carry_no_details() -> None:
    refusal = refusal_for(RecallRejected(RejectionRule.OPTED_OUT, "The patient has opted out."))

    assert (refusal.detail.status, refusal.detail.details) == (409, {})
