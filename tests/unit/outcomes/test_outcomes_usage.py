"""Usage by UK month and UK day, across both clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sightsync.outcomes.domain.practices import apply_practice_event
from sightsync.outcomes.domain.uk_time import uk_day, uk_month
from sightsync.outcomes.domain.usage import summarize_usage
from tests.unit.outcomes.events import logged, practice_updated


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_months_begin_at_uk_midnight_in_winter_and_summer() -> None:
    march = uk_month(utc(2025, 3, 15, 12))
    assert (march.first_day, march.last_day) == (date(2025, 3, 1), date(2025, 3, 31))
    assert march.starts_at == utc(2025, 3, 1, 0)
    # Clocks went forward on 30 March, so April begins at 23:00 UTC on 31 March.
    assert march.ends_before == utc(2025, 3, 31, 23)

    october = uk_month(utc(2025, 10, 31, 23, 30))
    assert october.starts_at == utc(2025, 9, 30, 23)
    assert october.ends_before == utc(2025, 11, 1, 0)


def test_late_utc_evening_in_summer_is_the_next_uk_day_and_month() -> None:
    assert uk_day(utc(2025, 6, 30, 23, 30)) == date(2025, 7, 1)
    assert uk_month(utc(2025, 6, 30, 23, 30)).first_day == date(2025, 7, 1)
    assert uk_day(utc(2025, 12, 31, 23, 30)) == date(2025, 12, 31)


def call(
    accepted_at: datetime | None, status: str, ended_at: datetime | None = None
) -> dict[str, Any]:
    return {"accepted_at": accepted_at, "status": status, "ended_at": ended_at}


def test_usage_counts_acceptances_by_uk_month_and_outcomes_by_uk_day() -> None:
    month = uk_month(utc(2025, 3, 31, 12))
    practice = apply_practice_event(None, logged(practice_updated(revision=1, monthly_limit=2)))
    calls = [
        # 00:30 BST on 31 March: the last day of March.
        call(utc(2025, 3, 30, 23, 30), "completed", utc(2025, 3, 30, 23, 40)),
        call(utc(2025, 3, 31, 9), "failed", utc(2025, 3, 31, 9, 1)),
        call(utc(2025, 3, 31, 10), "ringing"),
        # 00:10 BST on 1 April: counted next month, not this one.
        call(utc(2025, 3, 31, 23, 10), "calling"),
        # Accepted in February, ended in March: not used this month, but it ended here.
        call(utc(2025, 2, 28, 23, 59), "completed", utc(2025, 3, 1, 0, 5)),
    ]

    usage = summarize_usage(month, practice, calls)

    assert usage["period"] == {
        "start": "2025-03-01",
        "end": "2025-03-31",
        "time_zone": "Europe/London",
    }
    assert (usage["plan"], usage["status"]) == ("starter", "active")
    assert usage["calls"] == {"used": 3, "limit": 2, "remaining": 0, "overage": 1}
    assert usage["daily"] == [
        {"date": "2025-03-01", "total": 0, "completed": 1, "failed": 0},
        {"date": "2025-03-31", "total": 3, "completed": 1, "failed": 1},
    ]


def test_usage_before_the_practice_is_known_has_no_limit() -> None:
    usage = summarize_usage(uk_month(utc(2025, 1, 5)), None, [])
    assert usage["calls"] == {"used": 0, "limit": None, "remaining": None, "overage": 0}
    assert usage["plan"] is None and usage["daily"] == []


def test_an_older_practice_revision_changes_nothing() -> None:
    newer = apply_practice_event(
        None, logged(practice_updated(revision=3, monthly_limit=500, plan="practice"))
    )
    after_older = apply_practice_event(
        newer, logged(practice_updated(revision=2, monthly_limit=100))
    )
    assert (after_older["plan"], after_older["monthly_limit"], after_older["revision"]) == (
        "practice",
        500,
        3,
    )
    assert after_older["event_count"] == 2
