from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sightsync.compliance.domain.call_spacing import (
    SpacingCheck,
    SpacingRule,
    check_call_spacing,
)

NOW = datetime(2025, 6, 11, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def test_a_patient_never_called_may_be_called() -> None:
    assert check_call_spacing([], NOW) == SpacingCheck(True, NOW, None)


def test_a_call_within_24_hours_blocks_until_24_hours_have_passed() -> None:
    last = NOW - 23 * HOUR

    assert check_call_spacing([last], NOW) == SpacingCheck(
        False, last + 24 * HOUR, SpacingRule.MIN_GAP
    )


def test_exactly_24_hours_after_the_last_call_is_allowed() -> None:
    assert check_call_spacing([NOW - 24 * HOUR], NOW).allowed


def test_three_calls_in_30_days_block_until_the_oldest_leaves_the_window() -> None:
    calls = [NOW - 20 * DAY, NOW - 10 * DAY, NOW - 2 * DAY]

    assert check_call_spacing(calls, NOW) == SpacingCheck(
        False, NOW + 10 * DAY, SpacingRule.ROLLING_CAP
    )


def test_a_call_exactly_30_days_ago_no_longer_counts() -> None:
    calls = [NOW - 30 * DAY, NOW - 10 * DAY, NOW - 2 * DAY]

    assert check_call_spacing(calls, NOW).allowed


def test_only_the_three_most_recent_calls_matter_for_the_cap() -> None:
    calls = [NOW - 90 * DAY, NOW - 29 * DAY, NOW - 28 * DAY, NOW - 5 * DAY]

    assert check_call_spacing(calls, NOW).earliest_allowed_at == NOW + DAY


def test_the_later_of_the_two_rules_decides() -> None:
    # The cap frees a slot in 1 hour but the last call was only 2 hours ago.
    calls = [NOW - 30 * DAY + HOUR, NOW - 10 * DAY, NOW - 2 * HOUR]

    assert check_call_spacing(calls, NOW) == SpacingCheck(
        False, NOW + 22 * HOUR, SpacingRule.MIN_GAP
    )


def test_order_of_the_history_does_not_matter() -> None:
    calls = [NOW - 2 * DAY, NOW - 20 * DAY, NOW - 10 * DAY]

    assert check_call_spacing(calls, NOW) == check_call_spacing(sorted(calls), NOW)


def _calls_in_window(calls: list[datetime], at: datetime) -> int:
    return sum(1 for call in calls if at - timedelta(days=30) < call)


def _passes(calls: list[datetime], at: datetime) -> bool:
    return all(at - call >= timedelta(hours=24) for call in calls) and (
        _calls_in_window(calls, at) < 3
    )


history = st.lists(
    st.integers(min_value=0, max_value=40 * 24 * 60).map(lambda m: NOW - timedelta(minutes=m)),
    max_size=6,
)


@given(history, st.integers(min_value=0, max_value=30 * 24 * 60))
def test_earliest_allowed_is_the_first_minute_both_rules_pass(
    calls: list[datetime], offset_minutes: int
) -> None:
    check = check_call_spacing(calls, NOW)
    probe = NOW + timedelta(minutes=offset_minutes)

    assert check.earliest_allowed_at >= NOW
    assert _passes(calls, check.earliest_allowed_at)
    assert check.allowed is (check.earliest_allowed_at == NOW)
    assert check.allowed is _passes(calls, NOW)
    if probe < check.earliest_allowed_at:
        assert not _passes(calls, probe)
    if check.earliest_allowed_at > NOW:
        assert not _passes(calls, check.earliest_allowed_at - timedelta(microseconds=1))
