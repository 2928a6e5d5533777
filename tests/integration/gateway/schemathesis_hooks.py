"""Schemathesis hooks for the contract test, loaded by the schemathesis process.

Some rules relate a value to another value or to today, which JSON Schema cannot say, and
the API rightly answers 400 when they are broken: from_date after to_date, or a last eye
test in the future. Requests that break them are not generated; every other one is.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import schemathesis

# The deployment's UK date, set by the test that starts schemathesis.
TODAY = date.fromisoformat(os.environ.get("CONTRACT_TODAY", "2026-03-03"))


@schemathesis.hook
def filter_query(context: Any, query: dict[str, Any] | None) -> bool:
    if not isinstance(query, dict) or context.operation.path != "/appointments":
        return True
    start, end = _date(query.get("from_date")), _date(query.get("to_date"))
    return start is None or end is None or start <= end


@schemathesis.hook
def filter_body(context: Any, body: Any) -> bool:
    if not isinstance(body, dict) or context.operation.path != "/patients":
        return True
    tested = _date(body.get("last_eye_test_date"))
    return tested is None or tested <= TODAY


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
