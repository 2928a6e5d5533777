"""Request counters shared by every gateway replica: one document per key and window."""

from __future__ import annotations

from datetime import timedelta

from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.clock import Clock
from sightsync.common.storage import (
    EXPIRES_AT,
    CollectionIndexes,
    Document,
    expires_after,
    expiry_index,
    upsert_returning,
)
from sightsync.gateway.domain.rate_limit import RateLimitPolicy, RateLimitStatus

RATE_LIMIT_WINDOWS = "rate_limit_windows"

# Windows are read only while current; the TTL monitor clears them a little later.
RATE_LIMIT_INDEXES = CollectionIndexes(RATE_LIMIT_WINDOWS, (expiry_index(),))


class MongoRateLimiter:
    def __init__(self, db: AsyncDatabase[Document], policy: RateLimitPolicy, clock: Clock) -> None:
        self._windows = db[RATE_LIMIT_WINDOWS]
        self.policy = policy
        self._clock = clock

    async def hit(self, subject: str) -> RateLimitStatus:
        """Count one request by `subject` in the current window, atomically across replicas."""
        now = self._clock.now()
        start = self.policy.window_start(now)
        end = self.policy.window_end(now)
        window_id = f"{subject}:{int(start.timestamp())}"
        update = {
            "$inc": {"count": 1},
            # Kept two windows from now, whatever the deployment clock says: a window is
            # only read while current, and deleting one mid-window would reset its count.
            "$setOnInsert": {
                EXPIRES_AT: expires_after(timedelta(seconds=2 * self.policy.window_seconds))
            },
        }
        document = await upsert_returning(self._windows, {"_id": window_id}, update)
        return RateLimitStatus(policy=self.policy, used=document["count"], now=now, reset_at=end)
