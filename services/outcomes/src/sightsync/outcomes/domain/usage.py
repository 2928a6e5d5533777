"""Monthly usage: what compliance counted against the plan, and how each UK day went."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sightsync.outcomes.domain.uk_time import UkMonth, uk_day

Document = dict[str, Any]


def summarize_usage(
    month: UkMonth, practice: Document | None, calls: Iterable[Document]
) -> dict[str, Any]:
    """Usage for `month` from the practice's plan and its call documents (JSON-ready).

    A call counts as used in the month it was accepted, as compliance counted it; it
    counts as completed or failed on the UK day it ended. Without a `practice.updated`
    yet, plan, status, limit and remaining are null.
    """
    accepted: Counter[str] = Counter()
    completed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for call in calls:
        accepted_at = call.get("accepted_at")
        if accepted_at is not None and month.contains(accepted_at):
            accepted[uk_day(accepted_at).isoformat()] += 1
        ended_at = call.get("ended_at")
        if ended_at is not None and month.contains(ended_at):
            if call.get("status") == "completed":
                completed[uk_day(ended_at).isoformat()] += 1
            elif call.get("status") == "failed":
                failed[uk_day(ended_at).isoformat()] += 1

    used = sum(accepted.values())
    limit = practice.get("monthly_limit") if practice else None
    days = sorted(set(accepted) | set(completed) | set(failed))
    return {
        "period": {
            "start": month.first_day.isoformat(),
            "end": month.last_day.isoformat(),
            "time_zone": "Europe/London",
        },
        "plan": practice.get("plan") if practice else None,
        "status": practice.get("status") if practice else None,
        "allow_overage": practice.get("allow_overage") if practice else None,
        "calls": {
            "used": used,
            "limit": limit,
            "remaining": None if limit is None else max(limit - used, 0),
            "overage": 0 if limit is None else max(used - limit, 0),
        },
        "daily": [
            {
                "date": day,
                "total": accepted[day],
                "completed": completed[day],
                "failed": failed[day],
            }
            for day in days
        ],
    }
