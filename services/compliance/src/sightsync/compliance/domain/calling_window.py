"""When a practice may ring a patient: weekdays 09:00–18:00 UK time, bank holidays excluded."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sightsync.compliance.domain.bank_holidays import Nation, is_bank_holiday
from sightsync.compliance.domain.uk_time import as_utc, uk_instant, uk_wall_clock

OPENS_AT = time(9, 0)
CLOSES_AT = time(18, 0)

# A run of closed days is at most a weekend plus the Christmas and New Year holidays.
_MAX_CLOSED_DAYS = 14


class OutsideReason(StrEnum):
    WEEKEND = "weekend"
    BANK_HOLIDAY = "bank_holiday"
    BEFORE_HOURS = "before_hours"
    AFTER_HOURS = "after_hours"


def is_calling_day(day: date, nation: Nation) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day, nation)


def outside_window_reason(instant: datetime, nation: Nation) -> OutsideReason | None:
    """Why `instant` is outside the calling window, or None when it is inside."""
    local = uk_wall_clock(instant)
    if local.weekday() >= 5:
        return OutsideReason.WEEKEND
    if is_bank_holiday(local.date(), nation):
        return OutsideReason.BANK_HOLIDAY
    if local.time() < OPENS_AT:
        return OutsideReason.BEFORE_HOURS
    if local.time() >= CLOSES_AT:
        return OutsideReason.AFTER_HOURS
    return None


def is_within_calling_window(instant: datetime, nation: Nation) -> bool:
    return outside_window_reason(instant, nation) is None


def next_window_opening(instant: datetime, nation: Nation) -> datetime:
    """The earliest UTC instant at or after `instant` that is inside the calling window."""
    if is_within_calling_window(instant, nation):
        return as_utc(instant)

    local = uk_wall_clock(instant)
    day = local.date()
    if local.time() >= OPENS_AT:
        day += timedelta(days=1)
    for _ in range(_MAX_CLOSED_DAYS):
        if is_calling_day(day, nation):
            return uk_instant(day, OPENS_AT)
        day += timedelta(days=1)
    raise RuntimeError("no calling day found within two weeks")


def window_closes_at(instant: datetime, nation: Nation) -> datetime | None:
    """When the window `instant` is in closes (UTC), or None when `instant` is outside it."""
    if not is_within_calling_window(instant, nation):
        return None
    return closing_time(instant)


def closing_time(instant: datetime) -> datetime:
    """18:00 UK time (as UTC) on the UK date of `instant`, whether or not that is a calling day."""
    return uk_instant(uk_wall_clock(instant).date(), CLOSES_AT)
