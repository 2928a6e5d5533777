"""How values the database has no type for are stored: dates as ISO strings, UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime


def date_to_text(day: date | None) -> str | None:
    # ISO dates sort as text in date order, and null sorts before every string.
    return None if day is None else day.isoformat()


def text_to_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def as_utc(instant: datetime) -> datetime:
    """The driver hands back its own UTC zone object; callers get the standard one."""
    return instant.astimezone(UTC)
