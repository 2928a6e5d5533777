"""Field types every request model shares, stricter than pydantic's defaults where it matters."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

# Pages start at most this far in: MongoDB's skip takes a 64-bit integer, and no practice
# holds anywhere near this many records.
MAX_OFFSET = 1_000_000

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    # pydantic would read "0" as 1970-01-01 (a Unix timestamp) and take a date with a time
    # in a query; the API takes a calendar date written one way only. Parsed here, so strict
    # models (which refuse a str once it has left the JSON parser) get a date.
    if not isinstance(value, str):
        return value
    if not _ISO_DATE.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return date.fromisoformat(value)


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
