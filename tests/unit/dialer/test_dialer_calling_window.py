"""The dialer's re-check of the UK calling window at the moment of placing."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sightsync.dialer.domain.calling_window import Closed, check_window

LONDON = ZoneInfo("Europe/London")


def uk(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]


def test_inside_hours_is_open_and_says_when_it_closes() -> None:
    check = check_window(uk(2026, 3, 10, 17, 59, 59), "england")

    assert check.is_open
    assert check.closes_at == datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


def test_closing_time_follows_british_summer_time() -> None:
    check = check_window(uk(2026, 7, 14, 12, 0), "england")

    assert check.closes_at == datetime(2026, 7, 14, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "closed"),
    [
        (uk(2026, 3, 10, 18, 0), Closed.AFTER_HOURS),
        (uk(2026, 3, 14, 11, 0), Closed.WEEKEND),
        (uk(2026, 12, 25, 11, 0), Closed.BANK_HOLIDAY),
    ],
)
def test_closed_for_the_rest_of_the_day(instant: datetime, closed: Closed) -> None:
    check = check_window(instant, "england")

    assert check.closed is closed
    assert check.opens_at is None


def test_before_opening_on_a_calling_day_it_opens_at_nine() -> None:
    check = check_window(uk(2026, 3, 10, 8, 30), "england")

    assert check.closed is Closed.BEFORE_HOURS
    assert check.opens_at == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def test_bank_holidays_differ_by_nation() -> None:
    st_andrews_day = uk(2026, 11, 30, 11, 0)
    st_patricks_day = uk(2026, 3, 17, 11, 0)

    assert check_window(st_andrews_day, "scotland").closed is Closed.BANK_HOLIDAY
    assert check_window(st_andrews_day, "england").is_open
    assert check_window(st_patricks_day, "northern_ireland").closed is (Closed.BANK_HOLIDAY)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        check_window(datetime(2026, 3, 10, 12, 0), "england")
