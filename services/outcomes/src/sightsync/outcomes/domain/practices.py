"""What outcomes keeps of a practice: its plan and allowance, from the newest revision."""

from __future__ import annotations

from typing import Any

from sightsync.common.messages.practices import PracticeUpdated
from sightsync.outcomes.domain.events import LoggedEvent

Document = dict[str, Any]


def apply_practice_event(doc: Document | None, event: LoggedEvent) -> Document:
    """Take the event's state if its revision is newer than what the document holds."""
    message = event.message
    if not isinstance(message, PracticeUpdated):
        raise TypeError(f"{type(message).__name__} is not a practice event")
    practice: Document = (
        dict(doc) if doc is not None else {"_id": message.practice_id, "revision": -1}
    )

    if message.revision > practice["revision"]:
        practice.update(
            plan=message.plan,
            monthly_limit=message.monthly_limit,
            allow_overage=message.allow_overage,
            status=message.status,
            revision=message.revision,
        )

    practice["event_count"] = practice.get("event_count", 0) + 1
    return practice
