"""UK calendar periods: usage is counted by Europe/London months and days, not UTC ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK_TZ = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class UkMonth:
    """A UK calendar month: its first and last day, and the UTC instants that bound it."""

    first_day: date
    last_day: date
    starts_at: datetime
    ends_before: datetime

    def contains(self, instant: datetime) -> bool:
        return self.starts_at <= instant < self.ends_before


def uk_day(instant: datetime) -> date:
    """The Europe/London calendar day an instant falls on."""
    if instant.tzinfo is None:
        raise ValueError("instants must carry a time zone")
    return instant.astimezone(UK_TZ).date()


def uk_month(instant: datetime) -> UkMonth:
    """The UK calendar month containing `instant`."""
    first = uk_day(instant).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return UkMonth(
        first_day=first,
        last_day=following - timedelta(days=1),
        starts_at=_uk_midnight(first),
        ends_before=_uk_midnight(following),
    )


def _uk_midnight(day: date) -> datetime:
    # UK clocks change at 01:00 UTC, never at local midnight, so midnight is never ambiguous.
    return datetime.combine(day, time(0), tzinfo=UK_TZ).astimezone(UTC)
