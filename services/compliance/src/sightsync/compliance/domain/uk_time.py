"""UK civil time: every calendar rule here is read on Europe/London wall clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

UK_TZ = ZoneInfo("Europe/London")


def as_utc(instant: datetime) -> datetime:
    """The same instant in UTC; naive datetimes are refused because their meaning is a guess."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instants must carry a time zone")
    return instant.astimezone(UTC)


def uk_wall_clock(instant: datetime) -> datetime:
    return as_utc(instant).astimezone(UK_TZ)


def uk_instant(day: date, wall_time: time) -> datetime:
    # The UK changes clocks at 01:00 UTC, so the wall times used here (00:00, 09:00, 18:00)
    # are never skipped or repeated and need no fold handling.
    return datetime.combine(day, wall_time, tzinfo=UK_TZ).astimezone(UTC)


def uk_today(instant: datetime) -> date:
    """The UK calendar date at `instant`; "today" for every date rule."""
    return uk_wall_clock(instant).date()
