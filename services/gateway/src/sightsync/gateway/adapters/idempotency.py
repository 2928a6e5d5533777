"""Idempotency records in the gateway's database, kept for a day by a TTL index."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sightsync.common.clock import Clock
from sightsync.common.storage import (
    EXPIRES_AT,
    CollectionIndexes,
    Document,
    expires_after,
    expiry_index,
)
from sightsync.gateway.domain.idempotency import IdempotencyRecord

IDEMPOTENCY_KEYS = "idempotency_keys"

IDEMPOTENCY_INDEXES = CollectionIndexes(IDEMPOTENCY_KEYS, (expiry_index(),))


class MongoIdempotencyStore:
    def __init__(self, db: AsyncDatabase[Document], clock: Clock, retention: timedelta) -> None:
        self._records = db[IDEMPOTENCY_KEYS]
        self._clock = clock
        self._retention = retention

    async def begin(self, scoped_key: str, fingerprint: str) -> IdempotencyRecord | None:
        """Claim the key for this request; None when claimed, else the record already there."""
        for _ in range(2):
            now = self._clock.now()
            try:
                await self._records.insert_one(
                    {
                        "_id": scoped_key,
                        "fingerprint": fingerprint,
                        "started_at": now,
                        "status": None,
                        "body": None,
                        EXPIRES_AT: expires_after(self._retention),
                    }
                )
            except DuplicateKeyError:
                existing = await self._records.find_one({"_id": scoped_key})
                if existing is not None:
                    return _from_document(existing)
                # It expired or was abandoned between the insert and the read: claim again.
                continue
            return None
        raise RuntimeError("idempotency key could not be claimed")

    async def take_over(self, record: IdempotencyRecord) -> bool:
        """Claim a stale in-flight record; False when another retry claimed it first."""
        result = await self._records.update_one(
            {"_id": record.scoped_key, "status": None, "started_at": record.started_at},
            {"$set": {"started_at": self._clock.now()}},
        )
        return result.modified_count == 1

    async def complete(self, scoped_key: str, status: int, body: dict[str, Any]) -> None:
        await self._records.update_one(
            {"_id": scoped_key}, {"$set": {"status": status, "body": body}}
        )

    async def abandon(self, scoped_key: str) -> None:
        """Forget an unanswered request so that a retry runs it again."""
        await self._records.delete_one({"_id": scoped_key, "status": None})


def _from_document(document: Document) -> IdempotencyRecord:
    return IdempotencyRecord(
        scoped_key=document["_id"],
        fingerprint=document["fingerprint"],
        started_at=document["started_at"],
        status=document.get("status"),
        body=document.get("body"),
    )
