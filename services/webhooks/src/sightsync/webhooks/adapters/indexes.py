"""Every index the webhooks service's queries rely on, declared at start-up."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, IndexModel

from sightsync.common.storage import CollectionIndexes, expiry_index
from sightsync.webhooks.adapters.deliveries import DELIVERIES, EVENTS
from sightsync.webhooks.adapters.endpoints import ENDPOINTS

WEBHOOKS_INDEXES = (
    CollectionIndexes(
        ENDPOINTS,
        (IndexModel([("practice_id", ASCENDING), ("enabled", ASCENDING), ("_id", ASCENDING)]),),
    ),
    CollectionIndexes(
        EVENTS,
        (expiry_index(),),
    ),
    CollectionIndexes(
        DELIVERIES,
        (
            # Fan-out is idempotent: one delivery per event and endpoint, whatever retries.
            IndexModel([("event_id", ASCENDING), ("endpoint_id", ASCENDING)], unique=True),
            # The scheduler's claim: unfinished deliveries, most overdue first.
            IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)]),
            # The delivery log of one endpoint, newest first.
            IndexModel(
                [("practice_id", ASCENDING), ("endpoint_id", ASCENDING), ("_id", DESCENDING)]
            ),
            expiry_index(),
        ),
    ),
)
