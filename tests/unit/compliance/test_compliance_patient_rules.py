from datetime import UTC, date, datetime, timedelta

from sightsync.compliance.domain.bank_holidays import Nation
from sightsync.compliance.domain.patient import calls_after_accepting, is_in_future
from sightsync.compliance.domain.plans import Plan, SubscriptionStatus, usage_month
from sightsync.compliance.domain.recall_decision import (
    RecallRejected,
    RecallRequest,
    RejectionRule,
    decide_recall,
)

NOW = datetime(2025, 6, 11, 10, 0, tzinfo=UTC)


def test_future_means_after_todays_uk_date() -> None:
    late_evening_utc = datetime(2025, 6, 11, 23, 30, tzinfo=UTC)  # 00:30 on the 12th in London

    assert not is_in_future(date(2025, 6, 12), late_evening_utc)
    assert is_in_future(date(2025, 6, 13), late_evening_utc)
    assert not is_in_future(date(2025, 6, 11), NOW)


def test_accepting_a_call_drops_calls_that_left_the_rolling_period() -> None:
    kept = NOW - timedelta(days=29)
    left = NOW - timedelta(days=30)

    assert calls_after_accepting([NOW - timedelta(days=2), left, kept], NOW) == [
        kept,
        NOW - timedelta(days=2),
        NOW,
    ]


def test_calls_are_counted_under_the_uk_month() -> None:
    assert usage_month(datetime(2025, 6, 30, 22, 59, tzinfo=UTC)) == "2025-06"
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    assert usage_month(datetime(2025, 6, 30, 23, 30, tzinfo=UTC)) == "2025-07"
    assert usage_month(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == "2025-12"


def test_a_negotiated_limit_replaces_the_plans_allowance_in_the_decision() -> None:
    request = RecallRequest(
        now=NOW,
        nation=Nation.ENGLAND,
        subscription_status=SubscriptionStatus.ACTIVE,
        plan=Plan.GROUP,
        calls_used_this_month=40,
        overage_allowed=False,
        opted_out=False,
        tps_registered=False,
        phone_e164="+447700900123",
        monthly_limit=40,
    )

    decision = decide_recall(request)

    assert isinstance(decision, RecallRejected)
    assert decision.rule is RejectionRule.MONTHLY_QUOTA_EXHAUSTED
    assert (decision.message, decision.calls_used, decision.monthly_limit) == (
        "Monthly call limit reached",
        40,
        40,
    )
