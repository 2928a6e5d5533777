from datetime import UTC, datetime, timedelta, timezone

import pytest

from sightsync.common.clock import FrozenClock
from sightsync.compliance.domain.bank_holidays import Nation
from sightsync.compliance.domain.calling_window import (
    OutsideReason,
    closing_time,
    is_within_calling_window,
    next_window_opening,
    outside_window_reason,
    window_closes_at,
)

ENGLAND = Nation.ENGLAND


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "reason"),
    [
        (utc(2025, 1, 15, 9, 0), None),  # Wednesday in GMT: 09:00 local
        (utc(2025, 1, 15, 8, 59, 59), OutsideReason.BEFORE_HOURS),
        (utc(2025, 1, 15, 17, 59, 59), None),
        (utc(2025, 1, 15, 18, 0), OutsideReason.AFTER_HOURS),  # 18:00 exactly is closed
        (utc(2025, 7, 16, 8, 0), None),  # Wednesday in BST: 09:00 local
        (utc(2025, 7, 16, 7, 59), OutsideReason.BEFORE_HOURS),
        (utc(2025, 7, 16, 16, 59), None),
        (utc(2025, 7, 16, 17, 0), OutsideReason.AFTER_HOURS),  # 18:00 BST
        (utc(2025, 7, 16, 23, 30), OutsideReason.BEFORE_HOURS),  # 00:30 Thursday BST
        (utc(2025, 7, 19, 12, 0), OutsideReason.WEEKEND),
        (utc(2025, 7, 20, 12, 0), OutsideReason.WEEKEND),
        (utc(2025, 12, 25, 12, 0), OutsideReason.BANK_HOLIDAY),
        (utc(2026, 12, 26, 12, 0), OutsideReason.WEEKEND),  # Boxing Day on a Saturday
        (utc(2026, 12, 28, 12, 0), OutsideReason.BANK_HOLIDAY),  # its substitute Monday
    ],
)
def test_reason_an_instant_is_outside_the_window(
    instant: datetime, reason: OutsideReason | None
) -> None:
    assert outside_window_reason(instant, ENGLAND) is reason
    assert is_within_calling_window(instant, ENGLAND) is (reason is None)


def test_local_offsets_are_read_from_any_aware_instant() -> None:
    bst = timezone(timedelta(hours=1))

    assert is_within_calling_window(datetime(2025, 7, 16, 9, 0, tzinfo=bst), ENGLAND)
    assert not is_within_calling_window(datetime(2025, 7, 16, 8, 59, tzinfo=bst), ENGLAND)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        is_within_calling_window(datetime(2025, 7, 16, 12, 0), ENGLAND)


@pytest.mark.parametrize(
    ("nation", "inside"),
    [
        (Nation.ENGLAND, True),
        (Nation.WALES, True),
        (Nation.SCOTLAND, True),
        (Nation.NORTHERN_IRELAND, False),
    ],
)
def test_st_patricks_day_closes_only_northern_ireland(nation: Nation, inside: bool) -> None:
    assert is_within_calling_window(utc(2026, 3, 17, 11, 0), nation) is inside


def test_easter_monday_is_a_calling_day_only_in_scotland() -> None:
    easter_monday = utc(2026, 4, 6, 10, 0)

    assert is_within_calling_window(easter_monday, Nation.SCOTLAND)
    assert outside_window_reason(easter_monday, Nation.WALES) is OutsideReason.BANK_HOLIDAY


def test_scottish_summer_holiday_is_the_first_monday_of_august() -> None:
    assert not is_within_calling_window(utc(2026, 8, 3, 10, 0), Nation.SCOTLAND)
    assert is_within_calling_window(utc(2026, 8, 3, 10, 0), Nation.ENGLAND)
    assert is_within_calling_window(utc(2026, 8, 31, 10, 0), Nation.SCOTLAND)
    assert not is_within_calling_window(utc(2026, 8, 31, 10, 0), Nation.ENGLAND)


@pytest.mark.parametrize(
    ("instant", "nation", "opening"),
    [
        (utc(2025, 1, 15, 10, 0), ENGLAND, utc(2025, 1, 15, 10, 0)),  # inside: unchanged
        (utc(2025, 1, 15, 6, 0), ENGLAND, utc(2025, 1, 15, 9, 0)),
        (utc(2025, 1, 15, 18, 0), ENGLAND, utc(2025, 1, 16, 9, 0)),
        (utc(2025, 1, 17, 18, 0), ENGLAND, utc(2025, 1, 20, 9, 0)),  # Friday evening
        (utc(2025, 1, 18, 3, 0), ENGLAND, utc(2025, 1, 20, 9, 0)),  # Saturday night
        # Friday 28 March 2025 evening (GMT) to Monday 31 March (BST): 09:00 BST is 08:00Z.
        (utc(2025, 3, 28, 18, 30), ENGLAND, utc(2025, 3, 31, 8, 0)),
        # Friday 24 October 2025 evening (BST) to Monday 27 October (GMT).
        (utc(2025, 10, 24, 17, 0), ENGLAND, utc(2025, 10, 27, 9, 0)),
        # Christmas 2026: Thu 24 evening to Tue 29 (25 Fri, 26 Sat, 28 Mon substitute).
        (utc(2026, 12, 24, 18, 0), ENGLAND, utc(2026, 12, 29, 9, 0)),
        # Scotland's New Year 2028: Sat 1, Sun 2, Mon 3 and Tue 4 are all closed.
        (utc(2027, 12, 31, 18, 0), Nation.SCOTLAND, utc(2028, 1, 5, 9, 0)),
        (utc(2027, 12, 31, 18, 0), ENGLAND, utc(2028, 1, 4, 9, 0)),
        # Northern Ireland's Twelfth 2025 falls on a Saturday: Monday 14 July is closed.
        (utc(2025, 7, 11, 17, 0), Nation.NORTHERN_IRELAND, utc(2025, 7, 15, 8, 0)),
        (utc(2025, 7, 11, 17, 0), ENGLAND, utc(2025, 7, 14, 8, 0)),
    ],
)
def test_next_window_opening(instant: datetime, nation: Nation, opening: datetime) -> None:
    assert next_window_opening(instant, nation) == opening


def test_next_window_opening_is_in_utc() -> None:
    local = datetime(2025, 7, 16, 12, 0, tzinfo=timezone(timedelta(hours=1)))

    assert next_window_opening(local, ENGLAND).tzinfo is UTC


def test_window_closes_at_18_00_local_in_gmt_and_bst() -> None:
    assert window_closes_at(utc(2025, 1, 15, 10, 0), ENGLAND) == utc(2025, 1, 15, 18, 0)
    assert window_closes_at(utc(2025, 7, 16, 10, 0), ENGLAND) == utc(2025, 7, 16, 17, 0)


def test_window_closes_at_is_none_outside_the_window() -> None:
    assert window_closes_at(utc(2025, 1, 15, 18, 0), ENGLAND) is None
    assert window_closes_at(utc(2025, 12, 25, 10, 0), ENGLAND) is None


def test_closing_time_on_the_first_bst_weekday() -> None:
    assert closing_time(utc(2025, 3, 31, 8, 0)) == utc(2025, 3, 31, 17, 0)


def test_a_call_started_one_second_before_close_is_still_inside() -> None:
    clock = FrozenClock(utc(2025, 1, 15, 17, 59, 59))

    assert window_closes_at(clock.now(), ENGLAND) == utc(2025, 1, 15, 18, 0)
    clock.set(utc(2025, 1, 15, 18, 0))
    assert window_closes_at(clock.now(), ENGLAND) is None
