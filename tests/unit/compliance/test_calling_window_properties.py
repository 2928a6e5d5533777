"""The calling window against an independent reading of UK time, 2025–2030."""

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sightsync.compliance.domain.bank_holidays import Nation, bank_holidays, is_bank_holiday
from sightsync.compliance.domain.calling_window import (
    OutsideReason,
    is_within_calling_window,
    next_window_opening,
    outside_window_reason,
    window_closes_at,
)

YEARS = range(2025, 2031)
MINUTE = timedelta(minutes=1)


def _last_sunday(year: int, month: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _clock_change(year: int, month: int) -> datetime:
    # UK clocks change at 01:00 UTC on the last Sunday of March and of October.
    return datetime.combine(_last_sunday(year, month), time(1), tzinfo=UTC)


def _uk_wall_clock(instant: datetime) -> datetime:
    """UK local time worked out from the summer-time rule, not from the zone database."""
    year = instant.year
    summer = _clock_change(year, 3) <= instant < _clock_change(year, 10)
    return (instant + timedelta(hours=1 if summer else 0)).replace(tzinfo=None)


def _inside(instant: datetime, nation: Nation) -> bool:
    local = _uk_wall_clock(instant)
    return (
        local.weekday() < 5
        and not is_bank_holiday(local.date(), nation)
        and time(9) <= local.time() < time(18)
    )


def _anchors() -> list[datetime]:
    """Instants where the window is most likely to go wrong: clock changes and holidays."""
    points = [_clock_change(year, month) for year in YEARS for month in (3, 10)]
    points += [
        datetime.combine(day, time(0), tzinfo=UTC)
        for nation in Nation
        for year in YEARS
        for day in bank_holidays(nation, year)
    ]
    return points


nations = st.sampled_from(list(Nation))
instants = st.one_of(
    st.datetimes(
        min_value=datetime(2025, 1, 1),
        max_value=datetime(2030, 12, 20),
        timezones=st.just(UTC),
    ),
    st.builds(
        lambda anchor, seconds: anchor + timedelta(seconds=seconds),
        st.sampled_from(_anchors()),
        st.integers(min_value=-4 * 86_400, max_value=4 * 86_400),
    ),
)


def _whole_minutes_between(start: datetime, end: datetime) -> list[datetime]:
    first = start.replace(second=0, microsecond=0)
    if first < start:
        first += MINUTE
    count = max(0, int((end - first) / MINUTE) + 1)
    return [first + step * MINUTE for step in range(count) if first + step * MINUTE < end]


@given(instants, nations)
def test_window_agrees_with_an_independent_reading_of_uk_time(
    instant: datetime, nation: Nation
) -> None:
    assert is_within_calling_window(instant, nation) is _inside(instant, nation)


@given(instants, nations)
def test_reason_describes_the_uk_local_day_and_hour(instant: datetime, nation: Nation) -> None:
    reason = outside_window_reason(instant, nation)
    local = _uk_wall_clock(instant)

    if reason is OutsideReason.WEEKEND:
        assert local.weekday() >= 5
    elif reason is OutsideReason.BANK_HOLIDAY:
        assert local.weekday() < 5 and is_bank_holiday(local.date(), nation)
    elif reason is OutsideReason.BEFORE_HOURS:
        assert local.time() < time(9)
    elif reason is OutsideReason.AFTER_HOURS:
        assert local.time() >= time(18)
    else:
        assert _inside(instant, nation)


@settings(max_examples=150, deadline=None)
@given(instants, nations)
def test_next_window_opening_is_the_first_instant_inside(instant: datetime, nation: Nation) -> None:
    opening = next_window_opening(instant, nation)

    assert opening.tzinfo is UTC
    assert opening >= instant
    assert _inside(opening, nation)
    if opening > instant:
        # Windows open on whole minutes, so checking every whole minute in between (and the
        # starting instant itself) is enough to show that nothing earlier was open.
        assert not _inside(instant, nation)
        assert not any(_inside(m, nation) for m in _whole_minutes_between(instant, opening))
        assert _uk_wall_clock(opening).time() == time(9)


@settings(max_examples=150, deadline=None)
@given(instants, nations)
def test_window_closes_at_is_the_end_of_the_open_stretch(instant: datetime, nation: Nation) -> None:
    closes = window_closes_at(instant, nation)

    if not _inside(instant, nation):
        assert closes is None
        return
    assert closes is not None
    assert instant < closes <= instant + timedelta(hours=9)
    assert _uk_wall_clock(closes).time() == time(18)
    assert not _inside(closes, nation)
    assert _inside(closes - timedelta(microseconds=1), nation)
    assert all(_inside(m, nation) for m in _whole_minutes_between(instant, closes))
