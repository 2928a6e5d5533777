from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sightsync.compliance.domain.bank_holidays import Nation
from sightsync.compliance.domain.call_spacing import check_call_spacing
from sightsync.compliance.domain.calling_window import OutsideReason, is_within_calling_window
from sightsync.compliance.domain.plans import Plan, SubscriptionStatus
from sightsync.compliance.domain.recall_decision import (
    RecallAccepted,
    RecallRejected,
    RecallRequest,
    RejectionRule,
    decide_recall,
    earliest_allowed_at,
)

# Wednesday 11 June 2025, 11:00 BST.
NOW = datetime(2025, 6, 11, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

ALLOWED = RecallRequest(
    now=NOW,
    nation=Nation.ENGLAND,
    subscription_status=SubscriptionStatus.ACTIVE,
    plan=Plan.STARTER,
    calls_used_this_month=10,
    overage_allowed=False,
    opted_out=False,
    tps_registered=False,
    phone_e164="+447700900123",
)


def test_a_request_that_passes_every_rule_is_accepted_until_18_00() -> None:
    decision = decide_recall(ALLOWED)

    assert decision == RecallAccepted(window_closes_at=datetime(2025, 6, 11, 17, tzinfo=UTC))
    assert decision.status_code == 202
    assert decision.rule == "accepted"


def test_trialing_practices_may_call() -> None:
    request = replace(ALLOWED, subscription_status=SubscriptionStatus.TRIALING)

    assert isinstance(decide_recall(request), RecallAccepted)


@pytest.mark.parametrize("status", [SubscriptionStatus.PAST_DUE, SubscriptionStatus.CANCELED])
def test_an_inactive_subscription_is_refused_with_402(status: SubscriptionStatus) -> None:
    decision = decide_recall(replace(ALLOWED, subscription_status=status))

    assert isinstance(decision, RecallRejected)
    assert (decision.rule, decision.status_code) == (RejectionRule.SUBSCRIPTION_INACTIVE, 402)


def test_an_opted_out_patient_is_refused_with_409() -> None:
    decision = decide_recall(replace(ALLOWED, opted_out=True))

    assert isinstance(decision, RecallRejected)
    assert (decision.rule, decision.status_code) == (RejectionRule.OPTED_OUT, 409)


@pytest.mark.parametrize("phone", ["+449012345678", "+12025550123", "07911123456", "+44161"])
def test_a_number_that_may_not_be_rung_is_refused_with_422(phone: str) -> None:
    decision = decide_recall(replace(ALLOWED, phone_e164=phone))

    assert isinstance(decision, RecallRejected)
    assert (decision.rule, decision.status_code) == (RejectionRule.NUMBER_NOT_CALLABLE, 422)
    assert decision.message


def test_a_tps_registered_number_is_refused_with_451() -> None:
    decision = decide_recall(replace(ALLOWED, tps_registered=True))

    assert isinstance(decision, RecallRejected)
    assert (decision.rule, decision.status_code) == (RejectionRule.TPS_REGISTERED, 451)


def test_outside_hours_is_refused_with_425_the_reason_and_when_to_retry() -> None:
    saturday = datetime(2025, 6, 14, 10, 0, tzinfo=UTC)

    decision = decide_recall(replace(ALLOWED, now=saturday))

    assert decision == RecallRejected(
        RejectionRule.OUTSIDE_CALLING_HOURS,
        decision.message if isinstance(decision, RecallRejected) else "",
        next_allowed_at=datetime(2025, 6, 16, 8, 0, tzinfo=UTC),
        outside_reason=OutsideReason.WEEKEND,
    )
    assert decision.status_code == 425


def test_425_points_past_the_window_opening_when_spacing_still_blocks() -> None:
    # Tuesday 17 June 2025 at 07:00 BST; the last call was Monday at 16:00 BST, so the
    # window opens at 09:00 but the 24 hours run until 16:00.
    now = datetime(2025, 6, 17, 6, 0, tzinfo=UTC)
    last_call = datetime(2025, 6, 16, 15, 0, tzinfo=UTC)

    decision = decide_recall(replace(ALLOWED, now=now, previous_call_instants=(last_call,)))

    assert isinstance(decision, RecallRejected)
    assert decision.rule is RejectionRule.OUTSIDE_CALLING_HOURS
    assert decision.outside_reason is OutsideReason.BEFORE_HOURS
    assert decision.next_allowed_at == last_call + 24 * HOUR


def test_a_call_within_24_hours_is_refused_with_429_and_the_retry_instant() -> None:
    last = NOW - 2 * HOUR

    decision = decide_recall(replace(ALLOWED, previous_call_instants=(last,)))

    assert isinstance(decision, RecallRejected)
    assert (decision.rule, decision.status_code) == (RejectionRule.MIN_GAP, 429)
    assert decision.next_allowed_at == last + 24 * HOUR


def test_the_retry_instant_for_spacing_is_moved_into_the_window() -> None:
    # Called on Friday 13 June at 15:00 BST: 24 hours later is Saturday, so Monday 09:00.
    now = datetime(2025, 6, 13, 15, 0, tzinfo=UTC)
    last_call = datetime(2025, 6, 13, 14, 0, tzinfo=UTC)

    decision = decide_recall(replace(ALLOWED, now=now, previous_call_instants=(last_call,)))

    assert isinstance(decision, RecallRejected)
    assert decision.rule is RejectionRule.MIN_GAP
    assert decision.next_allowed_at == datetime(2025, 6, 16, 8, 0, tzinfo=UTC)


def test_a_fourth_call_in_30_days_is_refused_with_429() -> None:
    calls = (NOW - 27 * DAY, NOW - 15 * DAY, NOW - 5 * DAY)

    decision = decide_recall(replace(ALLOWED, previous_call_instants=calls))

    assert isinstance(decision, RecallRejected)
    assert (decision.rule, decision.status_code) == (RejectionRule.ROLLING_CAP, 429)
    # The slot frees on Saturday 14 June, so it is first usable on Monday morning.
    assert decision.next_allowed_at == datetime(2025, 6, 16, 8, 0, tzinfo=UTC)


def test_an_exhausted_monthly_quota_is_refused_with_429_and_the_counts() -> None:
    decision = decide_recall(replace(ALLOWED, plan=Plan.PRACTICE, calls_used_this_month=750))

    assert decision == RecallRejected(
        RejectionRule.MONTHLY_QUOTA_EXHAUSTED,
        decision.message if isinstance(decision, RecallRejected) else "",
        calls_used=750,
        monthly_limit=750,
    )
    assert decision.status_code == 429


def test_one_call_short_of_the_quota_is_not_overage() -> None:
    decision = decide_recall(replace(ALLOWED, calls_used_this_month=299))

    assert decision == RecallAccepted(window_closes_at=NOW + 7 * HOUR, overage=False)


def test_with_overage_allowed_an_exhausted_quota_is_accepted_as_overage() -> None:
    request = replace(ALLOWED, calls_used_this_month=300, overage_allowed=True)

    assert decide_recall(request) == RecallAccepted(window_closes_at=NOW + 7 * HOUR, overage=True)


def test_checks_run_in_the_documented_order() -> None:
    everything_wrong = replace(
        ALLOWED,
        now=datetime(2025, 6, 14, 10, 0, tzinfo=UTC),
        subscription_status=SubscriptionStatus.PAST_DUE,
        opted_out=True,
        phone_e164="+449012345678",
        tps_registered=True,
        previous_call_instants=(datetime(2025, 6, 16, 8, 0, tzinfo=UTC),),
        calls_used_this_month=300,
    )
    fixes = [
        {"subscription_status": SubscriptionStatus.ACTIVE},
        {"opted_out": False},
        {"phone_e164": "+447700900123"},
        {"tps_registered": False},
        {"now": datetime(2025, 6, 16, 10, 0, tzinfo=UTC)},
        {"previous_call_instants": ()},
        {"overage_allowed": True},
    ]
    seen = []
    request = everything_wrong
    for fix in fixes:
        decision = decide_recall(request)
        assert isinstance(decision, RecallRejected)
        seen.append(decision.rule)
        request = replace(request, **fix)  # type: ignore[arg-type]  # fields vary by step

    assert seen == [
        RejectionRule.SUBSCRIPTION_INACTIVE,
        RejectionRule.OPTED_OUT,
        RejectionRule.NUMBER_NOT_CALLABLE,
        RejectionRule.TPS_REGISTERED,
        RejectionRule.OUTSIDE_CALLING_HOURS,
        RejectionRule.MIN_GAP,
        RejectionRule.MONTHLY_QUOTA_EXHAUSTED,
    ]
    assert isinstance(decide_recall(request), RecallAccepted)


def test_earliest_allowed_at_with_no_history_is_the_window_opening() -> None:
    saturday = datetime(2025, 6, 14, 10, 0, tzinfo=UTC)

    assert earliest_allowed_at(saturday, Nation.ENGLAND, ()) == datetime(
        2025, 6, 16, 8, 0, tzinfo=UTC
    )


def test_earliest_allowed_at_is_now_when_everything_passes() -> None:
    assert earliest_allowed_at(NOW, Nation.ENGLAND, (NOW - 2 * DAY,)) == NOW


def test_earliest_allowed_at_crosses_a_bank_holiday_weekend() -> None:
    # Thursday 17 April 2025, 17:30 BST, last call at 17:00 BST: Good Friday, the weekend
    # and Easter Monday are closed in England, but not Easter Monday in Scotland.
    now = datetime(2025, 4, 17, 16, 30, tzinfo=UTC)
    calls = (datetime(2025, 4, 17, 16, 0, tzinfo=UTC),)

    assert earliest_allowed_at(now, Nation.ENGLAND, calls) == datetime(
        2025, 4, 22, 8, 0, tzinfo=UTC
    )
    assert earliest_allowed_at(now, Nation.SCOTLAND, calls) == datetime(
        2025, 4, 21, 8, 0, tzinfo=UTC
    )


def _every_rule_passes(at: datetime, nation: Nation, calls: list[datetime]) -> bool:
    return is_within_calling_window(at, nation) and check_call_spacing(calls, at).allowed


nations = st.sampled_from(list(Nation))
nows = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2030, 11, 30), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None)
@given(
    now=nows,
    nation=nations,
    ages=st.lists(st.integers(min_value=0, max_value=40 * 24 * 60 * 60), max_size=5),
    probe_fraction=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_earliest_allowed_at_satisfies_every_rule_and_nothing_earlier_does(
    now: datetime, nation: Nation, ages: list[int], probe_fraction: float
) -> None:
    calls = [now - timedelta(seconds=age) for age in ages]

    earliest = earliest_allowed_at(now, nation, calls)

    assert earliest >= now
    assert earliest.tzinfo is UTC
    assert _every_rule_passes(earliest, nation, calls)
    if earliest > now:
        assert not _every_rule_passes(now, nation, calls)
        assert not _every_rule_passes(earliest - timedelta(microseconds=1), nation, calls)
        probe = now + (earliest - now) * probe_fraction
        # Float scaling can round a fraction just below 1 up onto `earliest` itself.
        if probe < earliest:
            assert not _every_rule_passes(probe, nation, calls)


@settings(max_examples=100, deadline=None)
@given(now=nows, nation=nations)
def test_a_rejection_for_time_always_names_an_instant_that_would_be_accepted(
    now: datetime, nation: Nation
) -> None:
    request = replace(
        ALLOWED,
        now=now,
        nation=nation,
        previous_call_instants=(now - 3 * HOUR, now - 10 * DAY, now - 20 * DAY),
    )

    decision = decide_recall(request)

    assert isinstance(decision, RecallRejected)
    assert decision.next_allowed_at is not None
    assert isinstance(decide_recall(replace(request, now=decision.next_allowed_at)), RecallAccepted)
