"""Mongo storage of call records: a unique call id, conditional claims, versioned saves."""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.storage import CollectionIndexes, Document
from sightsync.dialer.adapters.call_records import ACTIVE_PHASES, LIVE_PHASES, CallRecord
from sightsync.dialer.adapters.unit_of_work import StaleRecord
from sightsync.dialer.domain.opt_out_register import OptOutScope

CALLS = "calls"
# Far more calls than one number ever gets from one sender; a bound on a webhook's work.
CALLED_FROM_LIMIT = 1000
# Far more unfinished calls than one patient or number ever has; a bound on an opt-out's work.
REACHED_LIMIT = 1000

CALL_INDEXES = CollectionIndexes(
    CALLS,
    (
        # The scheduler's two questions: which queued calls are due, whose claim expired.
        IndexModel([("phase", ASCENDING), ("due_at", ASCENDING)]),
        IndexModel([("phase", ASCENDING), ("claimed_until", ASCENDING)]),
        IndexModel([("provider_call_id", ASCENDING)], sparse=True),
        # A patient's text back: the calls made to their number from the number texted.
        IndexModel([("patient.phone_number", ASCENDING), ("sender", ASCENDING)]),
        # An opt-out by patient id: that patient's calls not yet ended.
        IndexModel([("patient.patient_id", ASCENDING), ("phase", ASCENDING)]),
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

    async def stuck(
        self, rang_before: datetime, answered_before: datetime, limit: int
    ) -> list[CallRecord]:
        """Live calls placed before `rang_before` still unanswered, or answered before
        `answered_before` still going; the phase index narrows this to the few live calls."""
        ringing = [phase for phase in LIVE_PHASES if phase != "in_progress"]
        cursor = self._calls.find(
            {
                "$or": [
                    {"phase": {"$in": ringing}, "placed_at": {"$lt": rang_before}},
                    {"phase": "in_progress", "answered_at": {"$lt": answered_before}},
                ]
            }
        ).limit(limit)
        return [CallRecord.model_validate(doc) async for doc in cursor]

    async def called_from(
        self, phone_number: str, sender: str, session: AsyncClientSession | None
    ) -> list[tuple[str, str]]:
        """(practice id, patient id) of every practice that rang `phone_number` from
        `sender`, each pair once, in a stable order."""
        cursor = self._calls.find(
            {"patient.phone_number": phone_number, "sender": sender, "placed_at": {"$ne": None}},
            {"practice_id": 1, "patient.patient_id": 1},
            session=session,
        ).limit(CALLED_FROM_LIMIT)
        pairs = {(doc["practice_id"], doc["patient"]["patient_id"]) async for doc in cursor}
        return sorted(pairs)

    async def reached_by(
        self, scope: OptOutScope, session: AsyncClientSession | None
    ) -> list[CallRecord]:
        """Calls not yet ended that an opt-out reaches: its patient's or its number's, at
        its practice or at every practice."""
        ways: list[dict[str, str]] = []
        if scope.patient_id:
            ways.append({"patient.patient_id": scope.patient_id})
        if scope.number:
            ways.append({"patient.phone_number": scope.number})
        if not ways:
            return []
        query: dict[str, object] = {"$or": ways, "phase": {"$in": ["queued", *ACTIVE_PHASES]}}
        if scope.practice_id is not None:
            query["practice_id"] = scope.practice_id
        cursor = self._calls.find(query, session=session).limit(REACHED_LIMIT)
        return [CallRecord.model_validate(doc) async for doc in cursor]

    async def claim(
        self,
        call_id: str,
        now: datetime,
        lease: timedelta,
        session: AsyncClientSession | None = None,
    ) -> CallRecord | None:
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
            session=session,
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
