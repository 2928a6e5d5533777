"""Free appointment slots, worked out from a practice's diary settings and its bookings.

Diaries are kept in UK local time (Europe/London); every instant that leaves this module is
UTC-aware. Practices close on the bank holidays of their nation, so those days offer no slots.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sightsync.common.messages.practices import DaySpans
from sightsync.dialer.domain.calling_window import is_bank_holiday

PRACTICE_TIMEZONE: Final = ZoneInfo("Europe/London")
SEARCH_HORIZON_DAYS: Final = 60


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


WEEKDAYS: Final = tuple(Weekday)

# Spelled out rather than taken from strftime, whose names follow the process locale.
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

OpeningSpan = tuple[str, str]


def _default_opening_hours() -> dict[Weekday, list[OpeningSpan]]:
    weekday = [("09:00", "17:30")]
    hours = {day: list(weekday) for day in WEEKDAYS[:5]}
    hours[Weekday.SATURDAY] = [("09:00", "13:00")]
    return hours


class DiarySettings(BaseModel):
    """How a practice's diary is laid out: opening hours, slot length, clinicians in parallel.

    A weekday missing from `opening_hours` is closed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The spans are checked as the shared diary schema checks them (times, order, overlaps);
    # the rules only compliance enforces on the way in are not repeated here.
    opening_hours: dict[Weekday, DaySpans] = Field(default_factory=_default_opening_hours)
    slot_minutes: int = Field(default=30, ge=5, le=240)
    clinicians: int = Field(default=1, ge=1, le=20)
    # A recall call should not book a slot twenty minutes away: by default the earliest
    # offer is on the next day.
    lead_days: int = Field(default=1, ge=0, le=28)

    @field_validator("opening_hours", mode="before")
    @classmethod
    def _lower_case_days(cls, value: object) -> object:
        if isinstance(value, Mapping):
            return {str(day).strip().lower(): spans for day, spans in value.items()}
        return value

    def spans_on(self, day: date) -> list[tuple[time, time]]:
        spans = self.opening_hours.get(WEEKDAYS[day.weekday()], [])
        return [(time.fromisoformat(start), time.fromisoformat(end)) for start, end in spans]


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    local_date: date
    local_time: str
    minutes: int = 30

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def local_hour(self) -> int:
        return int(self.local_time[:2])

    @property
    def local_minute(self) -> int:
        return int(self.local_time[3:])

    @property
    def weekday(self) -> Weekday:
        return WEEKDAYS[self.local_date.weekday()]

    @property
    def day_label(self) -> str:
        """The day as said aloud, e.g. "Tuesday 9 December"."""
        day = self.local_date
        return f"{self.weekday.value.capitalize()} {day.day} {_MONTHS[day.month - 1]}"

    @property
    def time_label(self) -> str:
        return spoken_time(self.local_hour, self.local_minute)

    @property
    def label(self) -> str:
        """How the slot is said aloud, e.g. "Tuesday 9 December at 10:30am"."""
        return f"{self.day_label} at {self.time_label}"


def spoken_time(hour: int, minute: int) -> str:
    """A 24-hour wall time as people say it on the phone: 9am, 2:30pm, 12 noon."""
    if (hour, minute) == (12, 0):
        return "12 noon"
    suffix = "am" if hour < 12 else "pm"
    clock_hour = hour % 12 or 12
    return f"{clock_hour}{suffix}" if minute == 0 else f"{clock_hour}:{minute:02d}{suffix}"


def slot_at(local_day: date, wall_time: time, minutes: int = 30) -> Slot:
    """The slot starting at a UK wall-clock time on a given day."""
    local = datetime.combine(local_day, wall_time, tzinfo=PRACTICE_TIMEZONE)
    return Slot(
        starts_at=local.astimezone(UTC),
        local_date=local_day,
        local_time=f"{wall_time:%H:%M}",
        minutes=minutes,
    )


def earliest_free_slots(
    diary: DiarySettings,
    booked: Mapping[datetime, int] | Iterable[datetime],
    after: datetime,
    count: int,
    skip: int = 0,
    horizon_days: int = SEARCH_HORIZON_DAYS,
    nation: str = "england",
) -> list[Slot]:
    """The `count` earliest free slots after `after`, passing over the first `skip` of them.

    `booked` counts appointments per slot start (a mapping of start to count, or one start
    per appointment); a slot is free while it holds fewer bookings than there are
    clinicians. Appointments that do not begin on a slot boundary are not counted. Days
    that are bank holidays in the practice's `nation` have no slots.
    """
    if after.tzinfo is None:
        raise ValueError("`after` must carry a time zone")
    if count < 0 or skip < 0:
        raise ValueError("count and skip cannot be negative")
    taken = _count_bookings(booked)
    found: list[Slot] = []
    to_skip = skip
    for slot in _candidate_slots(diary, after, horizon_days, nation):
        if len(found) >= count:
            break
        if taken[slot.starts_at] >= diary.clinicians:
            continue
        if to_skip:
            to_skip -= 1
            continue
        found.append(slot)
    return found


def _count_bookings(booked: Mapping[datetime, int] | Iterable[datetime]) -> Counter[datetime]:
    pairs = booked.items() if isinstance(booked, Mapping) else ((start, 1) for start in booked)
    counts: Counter[datetime] = Counter()
    for start, number in pairs:
        if start.tzinfo is None:
            raise ValueError("booked slot starts must carry a time zone")
        counts[start.astimezone(UTC)] += number
    return counts


def _candidate_slots(
    diary: DiarySettings, after: datetime, horizon_days: int, nation: str
) -> Iterator[Slot]:
    after_utc = after.astimezone(UTC)
    today = after.astimezone(PRACTICE_TIMEZONE).date()
    step = timedelta(minutes=diary.slot_minutes)
    for offset in range(diary.lead_days, horizon_days):
        day = today + timedelta(days=offset)
        if is_bank_holiday(day, nation):
            continue
        for opens, closes in diary.spans_on(day):
            start = datetime.combine(day, opens)
            last_start = datetime.combine(day, closes) - step
            while start <= last_start:
                slot = _real_slot(start, diary.slot_minutes)
                if slot is not None and slot.starts_at > after_utc:
                    yield slot
                start += step


def _real_slot(wall: datetime, minutes: int) -> Slot | None:
    # On the spring change the hour from 01:00 does not exist in UK local time; on the
    # autumn change it happens twice and the slot takes the first (BST) occurrence.
    local = wall.replace(tzinfo=PRACTICE_TIMEZONE, fold=0)
    round_trip = local.astimezone(UTC).astimezone(PRACTICE_TIMEZONE)
    if round_trip.replace(tzinfo=None) != wall:
        return None
    return slot_at(wall.date(), wall.time(), minutes)
