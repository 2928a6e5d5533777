"""Mongo storage of call records: a unique call id, conditional claims, versioned saves."""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.storage import CollectionIndexes, Document
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.unit_of_work import StaleRecord

CALLS = "calls"

CALL_INDEXES = CollectionIndexes(
    CALLS,
    (
        # The scheduler's two questions: which queued calls are due, whose claim expired.
        IndexModel([("phase", ASCENDING), ("due_at", ASCENDING)]),
        IndexModel([("phase", ASCENDING), ("claimed_until", ASCENDING)]),
        IndexModel([("provider_call_id", ASCENDING)], sparse=True),
    ),
)


class MongoCallRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._calls = db[CALLS]

    async def get(self, call_id: str, session: AsyncClientSession | None) -> CallRecord | None:
        doc = await self._calls.find_one({"_id": call_id}, session=session)
        return None if doc is None else CallRecord.model_validate(doc)

    async def add(self, record: CallRecord, session: AsyncClientSession | None) -> None:
        """Insert a new call; raises DuplicateKeyError when the call id is already known."""
        await self._calls.insert_one(record.to_doc(), session=session)

    async def save(self, record: CallRecord, session: AsyncClientSession | None) -> CallRecord:
        """Write `record` back if nobody changed it since it was read; else StaleRecord."""
        saved = record.model_copy(update={"version": record.version + 1})
        result = await self._calls.replace_one(
            {"_id": record.id, "version": record.version}, saved.to_doc(), session=session
        )
        if result.matched_count != 1:
            raise StaleRecord(record.id)
        return saved

    async def due(self, now: datetime, limit: int) -> list[CallRecord]:
        cursor = (
            self._calls.find({"phase": "queued", "due_at": {"$lte": now}})
            .sort("due_at", ASCENDING)
            .limit(limit)
        )
        return [CallRecord.model_validate(doc) async for doc in cursor]

    async def next_due_at(self) -> datetime | None:
        doc = await self._calls.find_one(
            {"phase": "queued"}, {"due_at": 1}, sort=[("due_at", ASCENDING)]
        )
        return None if doc is None else doc.get("due_at")

    async def expired_claims(self, now: datetime, limit: int) -> list[CallRecord]:
        cursor = self._calls.find({"phase": "placing", "claimed_until": {"$lt": now}}).limit(limit)
        return [CallRecord.model_validate(doc) async for doc in cursor]

    async def claim(self, call_id: str, now: datetime, lease: timedelta) -> CallRecord | None:
        """Take a due call for this replica, atomically.

        Only one replica's conditional update can match, so only one goes on to the
        provider; the claim is recorded before any request leaves the process.
        """
        doc = await self._calls.find_one_and_update(
            {"_id": call_id, "phase": "queued", "due_at": {"$lte": now}},
            {
                "$set": {"phase": "placing", "claimed_until": now + lease, "placing_at": now},
                "$inc": {"claims": 1, "version": 1},
            },
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else CallRecord.model_validate(doc)

    async def requeue(self, record: CallRecord, due_at: datetime) -> bool:
        """Hand a claimed call back to the queue; False when it moved on meanwhile."""
        result = await self._calls.update_one(
            {"_id": record.id, "phase": "placing", "version": record.version},
            {
                "$set": {"phase": "queued", "due_at": due_at, "claimed_until": None},
                "$inc": {"version": 1},
            },
        )
        return result.modified_count == 1
