from datetime import UTC, datetime

import pytest

from sightsync.compliance.domain.plans import (
    Plan,
    SubscriptionStatus,
    may_place_calls,
    month_bounds,
    monthly_call_limit,
)


@pytest.mark.parametrize(
    ("plan", "limit"), [(Plan.STARTER, 300), (Plan.PRACTICE, 750), (Plan.GROUP, 2000)]
)
def test_monthly_call_limits(plan: Plan, limit: int) -> None:
    assert monthly_call_limit(plan) == limit


@pytest.mark.parametrize(
    ("status", "may_call"),
    [
        (SubscriptionStatus.ACTIVE, True),
        (SubscriptionStatus.TRIALING, True),
        (SubscriptionStatus.PAST_DUE, False),
        (SubscriptionStatus.CANCELED, False),
    ],
)
def test_only_active_and_trialing_subscriptions_may_call(
    status: SubscriptionStatus, may_call: bool
) -> None:
    assert may_place_calls(status) is may_call


@pytest.mark.parametrize(
    ("instant", "start", "end"),
    [
        # January is all GMT.
        (
            datetime(2025, 1, 15, 12, tzinfo=UTC),
            datetime(2025, 1, 1, tzinfo=UTC),
            datetime(2025, 2, 1, tzinfo=UTC),
        ),
        # July is all BST: the UK month starts at 23:00 UTC the evening before.
        (
            datetime(2025, 7, 15, 12, tzinfo=UTC),
            datetime(2025, 6, 30, 23, tzinfo=UTC),
            datetime(2025, 7, 31, 23, tzinfo=UTC),
        ),
        # 23:30 UTC on 31 July is already 1 August in the UK.
        (
            datetime(2025, 7, 31, 23, 30, tzinfo=UTC),
            datetime(2025, 7, 31, 23, tzinfo=UTC),
            datetime(2025, 8, 31, 23, tzinfo=UTC),
        ),
        # March starts in GMT and ends in BST.
        (
            datetime(2025, 3, 10, tzinfo=UTC),
            datetime(2025, 3, 1, tzinfo=UTC),
            datetime(2025, 3, 31, 23, tzinfo=UTC),
        ),
        # October starts in BST and ends in GMT.
        (
            datetime(2025, 10, 10, tzinfo=UTC),
            datetime(2025, 9, 30, 23, tzinfo=UTC),
            datetime(2025, 11, 1, tzinfo=UTC),
        ),
        # December rolls into the next year.
        (
            datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
            datetime(2025, 12, 1, tzinfo=UTC),
            datetime(2026, 1, 1, tzinfo=UTC),
        ),
    ],
)
def test_month_bounds_follow_the_uk_calendar(
    instant: datetime, start: datetime, end: datetime
) -> None:
    assert month_bounds(instant) == (start, end)
    assert start <= instant < end


def test_month_bounds_are_half_open_and_contiguous() -> None:
    start, end = month_bounds(datetime(2025, 3, 10, tzinfo=UTC))

    assert month_bounds(end) == (end, datetime(2025, 4, 30, 23, tzinfo=UTC))
    assert month_bounds(start)[0] == start
