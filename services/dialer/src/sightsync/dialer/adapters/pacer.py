"""The account-wide call rate, shared by every replica through one document."""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sightsync.common.storage import Document
from sightsync.dialer.domain.pacing import PaceDecision, interval_for, take_token

PACING = "pacing"
ACCOUNT_BUCKET = "account"
_CAS_ATTEMPTS = 20


class MongoPacer:
    """A token bucket whose state is swapped with compare-and-set, so replicas share it."""

    def __init__(self, db: AsyncDatabase[Document], calls_per_second: float, burst: int = 1):
        self._pacing = db[PACING]
        self._interval = interval_for(calls_per_second)
        self._burst = burst

    async def take(self, now: datetime) -> PaceDecision:
        """Take a token at `now`, or say when one will be free."""
        for _ in range(_CAS_ATTEMPTS):
            doc = await self._pacing.find_one({"_id": ACCOUNT_BUCKET})
            stored = None if doc is None else doc["next_free"]
            decision = take_token(now, stored, self._interval, self._burst)
            if not decision.allowed:
                return decision
            if await self._swap(stored, decision.next_free):
                return decision
        # Lost every race: other replicas are placing calls right now, so wait a beat.
        return PaceDecision(allowed=False, next_free=now, retry_at=now + self._interval)

    async def _swap(self, expected: datetime | None, new: datetime) -> bool:
        if expected is None:
            try:
                await self._pacing.insert_one({"_id": ACCOUNT_BUCKET, "next_free": new})
            except DuplicateKeyError:
                return False
            return True
        result = await self._pacing.update_one(
            {"_id": ACCOUNT_BUCKET, "next_free": expected}, {"$set": {"next_free": new}}
        )
        return result.modified_count == 1
