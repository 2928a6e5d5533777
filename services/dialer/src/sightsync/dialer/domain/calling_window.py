"""When the dialer may still place a call: weekdays 09:00–18:00 UK time, bank holidays off.

Compliance decides whether a recall may be accepted; the dialer checks again at the moment
it dials, because pacing and queues can carry an accepted call past the end of the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

import holidays

UK_TIME: Final = ZoneInfo("Europe/London")
OPENS_AT: Final = time(9, 0)
CLOSES_AT: Final = time(18, 0)

_SUBDIVISIONS: Final = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}


class Closed(StrEnum):
    WEEKEND = "weekend"
    BANK_HOLIDAY = "bank_holiday"
    BEFORE_HOURS = "before_hours"
    AFTER_HOURS = "after_hours"


@dataclass(frozen=True)
class WindowCheck:
    """Whether a call may be placed now; `opens_at` is set when it may be later today."""

    closed: Closed | None
    closes_at: datetime | None = None
    opens_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed is None


@lru_cache(maxsize=64)
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    # Building a holiday calendar is slow next to a set lookup, and this runs per placement.
    subdivision = _SUBDIVISIONS.get(nation, "ENG")
    calendar = holidays.country_holidays("GB", subdiv=subdivision, years=year)
    return frozenset(day for day in calendar if day.year == year)


def is_bank_holiday(day: date, nation: str) -> bool:
    return day in _bank_holidays(nation, day.year)


def warm_up(year: int) -> None:
    """Build this year's and next year's calendars ahead of the first call that needs them."""
    for nation in _SUBDIVISIONS:
        for each in (year, year + 1):
            _bank_holidays(nation, each)


def uk_instant(day: date, wall: time) -> datetime:
    # UK clocks change at 01:00 UTC, so 09:00 and 18:00 are never skipped or repeated.
    return datetime.combine(day, wall, tzinfo=UK_TIME).astimezone(UTC)


def check_window(now: datetime, nation: str) -> WindowCheck:
    """Whether `now` is inside the calling window of a practice in `nation`."""
    if now.tzinfo is None:
        raise ValueError("instants must carry a time zone")
    local = now.astimezone(UK_TIME)
    day = local.date()
    if local.weekday() >= 5:
        return WindowCheck(Closed.WEEKEND)
    if is_bank_holiday(day, nation):
        return WindowCheck(Closed.BANK_HOLIDAY)
    closes_at = uk_instant(day, CLOSES_AT)
    if local.time() < OPENS_AT:
        return WindowCheck(Closed.BEFORE_HOURS, closes_at, uk_instant(day, OPENS_AT))
    if local.time() >= CLOSES_AT:
        return WindowCheck(Closed.AFTER_HOURS)
    return WindowCheck(None, closes_at)
