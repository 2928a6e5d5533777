from datetime import date, timedelta

import pytest

from sightsync.compliance.domain.bank_holidays import Nation, bank_holidays, is_bank_holiday

YEARS = range(2025, 2031)

# One-off proclamations cannot be derived from the standing rules.
_SPECIAL_DAYS = {Nation.SCOTLAND: {date(2026, 6, 15)}}  # the FIFA World Cup holiday


def _easter_sunday(year: int) -> date:
    # The anonymous Gregorian computus, written out so the check does not lean on the library.
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    next_first = date(year + month // 12, month % 12 + 1, 1)
    last = next_first - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _with_substitutes(fixed: list[date], moveable: set[date]) -> set[date]:
    # A fixed holiday on a weekend is made up on the next weekday that is not already one.
    days = set(moveable)
    for day in sorted(fixed):
        days.add(day)
        if day.weekday() >= 5:
            substitute = day
            while substitute.weekday() >= 5 or substitute in days:
                substitute += timedelta(days=1)
            days.add(substitute)
    return days


def expected_bank_holidays(nation: Nation, year: int) -> set[date]:
    easter = _easter_sunday(year)
    moveable = {
        easter - timedelta(days=2),
        _first_monday(year, 5),
        _last_monday(year, 5),
    }
    fixed = [date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)]
    if nation is Nation.SCOTLAND:
        moveable.add(_first_monday(year, 8))
        fixed += [date(year, 1, 2), date(year, 11, 30)]
    else:
        moveable |= {easter + timedelta(days=1), _last_monday(year, 8)}
    if nation is Nation.NORTHERN_IRELAND:
        fixed += [date(year, 3, 17), date(year, 7, 12)]
    return _with_substitutes(fixed, moveable) | {
        day for day in _SPECIAL_DAYS.get(nation, set()) if day.year == year
    }


@pytest.mark.parametrize("nation", list(Nation))
@pytest.mark.parametrize("year", YEARS)
def test_library_calendar_matches_the_statutory_rules(nation: Nation, year: int) -> None:
    assert bank_holidays(nation, year) == expected_bank_holidays(nation, year)


# Weekday bank holidays as published for 2025 and 2026, the days the window must close.
_PUBLISHED = {
    Nation.ENGLAND: [
        "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
        "2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
        "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
    ],
    Nation.SCOTLAND: [
        "2025-01-01", "2025-01-02", "2025-04-18", "2025-05-05", "2025-05-26", "2025-08-04",
        "2025-12-01", "2025-12-25", "2025-12-26", "2026-01-01", "2026-01-02", "2026-04-03",
        "2026-05-04", "2026-05-25", "2026-06-15", "2026-08-03", "2026-11-30", "2026-12-25",
        "2026-12-28",
    ],
    Nation.NORTHERN_IRELAND: [
        "2025-01-01", "2025-03-17", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26",
        "2025-07-14", "2025-08-25", "2025-12-25", "2025-12-26", "2026-01-01", "2026-03-17",
        "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-07-13", "2026-08-31",
        "2026-12-25", "2026-12-28",
    ],
}  # fmt: skip
_PUBLISHED[Nation.WALES] = _PUBLISHED[Nation.ENGLAND]


@pytest.mark.parametrize("nation", list(Nation))
def test_weekday_bank_holidays_match_the_published_lists(nation: Nation) -> None:
    published = {date.fromisoformat(day) for day in _PUBLISHED[nation]}
    found = {
        day for year in (2025, 2026) for day in bank_holidays(nation, year) if day.weekday() < 5
    }

    assert found == published


@pytest.mark.parametrize(
    ("day", "nations"),
    [
        (date(2026, 3, 17), {Nation.NORTHERN_IRELAND}),  # St Patrick's Day
        (date(2028, 7, 12), {Nation.NORTHERN_IRELAND}),  # Battle of the Boyne
        (date(2029, 3, 19), {Nation.NORTHERN_IRELAND}),  # St Patrick's Day on a Saturday
        (date(2027, 1, 4), {Nation.SCOTLAND}),  # 2 January on a Saturday
        (date(2028, 1, 4), {Nation.SCOTLAND}),  # 1 and 2 January on a weekend
        (date(2030, 12, 2), {Nation.SCOTLAND}),  # St Andrew's Day on a Saturday
        (date(2027, 8, 2), {Nation.SCOTLAND}),  # Scotland's summer holiday
        (date(2027, 8, 30), {Nation.ENGLAND, Nation.WALES, Nation.NORTHERN_IRELAND}),
        (date(2027, 3, 29), {Nation.ENGLAND, Nation.WALES, Nation.NORTHERN_IRELAND}),  # Easter Mon
        (date(2028, 1, 3), set(Nation)),
        (date(2027, 12, 28), set(Nation)),
    ],
)
def test_regional_days_close_only_their_nations(day: date, nations: set[Nation]) -> None:
    assert {nation for nation in Nation if is_bank_holiday(day, nation)} == nations


def test_nations_read_from_their_wire_names() -> None:
    assert Nation("northern_ireland") is Nation.NORTHERN_IRELAND
    assert {nation.value for nation in Nation} == {
        "england",
        "wales",
        "scotland",
        "northern_ireland",
    }
