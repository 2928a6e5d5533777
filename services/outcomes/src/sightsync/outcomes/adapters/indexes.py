"""Every index outcomes' queries rely on, declared at start-up."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from sightsync.common.storage import CollectionIndexes
from sightsync.outcomes.adapters.event_log import EVENT_LOG

_BY_DATE = [("appointment_date", ASCENDING), ("appointment_time", ASCENDING), ("_id", ASCENDING)]
_NEWEST = [("sort_at", DESCENDING), ("_id", DESCENDING)]

OUTCOMES_INDEXES = (
    CollectionIndexes(
        EVENT_LOG,
        (
            IndexModel(
                [
                    ("model", ASCENDING),
                    ("key", ASCENDING),
                    ("occurred_at", ASCENDING),
                    ("_id", ASCENDING),
                ]
            ),
        ),
    ),
    CollectionIndexes(
        "appointments",
        (
            IndexModel([("practice_id", ASCENDING), *_BY_DATE]),
            IndexModel([("practice_id", ASCENDING), ("status", ASCENDING), *_BY_DATE]),
            IndexModel([("practice_id", ASCENDING), ("patient_id", ASCENDING), *_BY_DATE]),
        ),
    ),
    CollectionIndexes(
        "calls",
        (
            IndexModel([("practice_id", ASCENDING), *_NEWEST]),
            IndexModel([("practice_id", ASCENDING), ("patient_id", ASCENDING), *_NEWEST]),
            IndexModel([("practice_id", ASCENDING), ("status", ASCENDING), *_NEWEST]),
            # Usage counts a month's calls by acceptance and by when they ended.
            IndexModel([("practice_id", ASCENDING), ("accepted_at", DESCENDING)]),
            IndexModel([("practice_id", ASCENDING), ("ended_at", DESCENDING)]),
        ),
    ),
)
