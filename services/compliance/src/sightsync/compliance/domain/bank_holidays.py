"""Bank holidays of each UK nation a practice can be in."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import lru_cache

import holidays


class Nation(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"


_SUBDIVISIONS = {
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


@lru_cache(maxsize=256)
def bank_holidays(nation: Nation, year: int) -> frozenset[date]:
    # Building a calendar is slow next to a lookup and the window check runs per call attempt.
    calendar = holidays.country_holidays("GB", subdiv=_SUBDIVISIONS[nation], years=year)
    return frozenset(day for day in calendar if day.year == year)


def is_bank_holiday(day: date, nation: Nation) -> bool:
    return day in bank_holidays(nation, day.year)
