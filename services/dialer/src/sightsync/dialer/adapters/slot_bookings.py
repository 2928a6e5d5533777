"""Appointments booked by recall calls, counted per diary slot so a slot never overfills.

Each slot a booking touches has one document: how many appointments it holds and which.
A booking first makes sure the document exists (an upsert that changes nothing when it
does), then increments it with a single conditional update that only matches while the
count is below the practice's clinicians. Both steps are safe inside a transaction, and
two calls racing for the last place cannot both match.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.storage import CollectionIndexes, Document

SLOT_BOOKINGS = "slot_bookings"

SLOT_BOOKING_INDEXES = CollectionIndexes(
    SLOT_BOOKINGS,
    (
        IndexModel([("practice_id", ASCENDING), ("starts_at", ASCENDING)]),
        IndexModel([("appointment_ids", ASCENDING)]),
    ),
)


def slot_key(practice_id: str, starts_at: datetime) -> str:
    return f"{practice_id}|{starts_at.astimezone(UTC).isoformat()}"


class MongoSlotBook:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._slots = db[SLOT_BOOKINGS]

    async def reserve(
        self,
        practice_id: str,
        starts_at: datetime,
        capacity: int,
        appointment_id: str,
        session: AsyncClientSession | None,
    ) -> bool:
        """Book one place in the slot; False when it already holds `capacity` appointments."""
        key = slot_key(practice_id, starts_at)
        await self._slots.update_one(
            {"_id": key},
            {
                "$setOnInsert": {
                    "practice_id": practice_id,
                    "starts_at": starts_at.astimezone(UTC),
                    "count": 0,
                    "appointment_ids": [],
                }
            },
            upsert=True,
            session=session,
        )
        result = await self._slots.update_one(
            {"_id": key, "count": {"$lt": capacity}, "appointment_ids": {"$ne": appointment_id}},
            {"$inc": {"count": 1}, "$push": {"appointment_ids": appointment_id}},
            session=session,
        )
        return result.modified_count == 1

    async def release(
        self, practice_id: str, appointment_id: str, session: AsyncClientSession | None
    ) -> bool:
        """Free the place an appointment held; False (and no change) when it held none."""
        result = await self._slots.update_one(
            {"practice_id": practice_id, "appointment_ids": appointment_id},
            {"$inc": {"count": -1}, "$pull": {"appointment_ids": appointment_id}},
            session=session,
        )
        return result.modified_count == 1

    async def booked_counts(
        self, practice_id: str, after: datetime, session: AsyncClientSession | None
    ) -> dict[datetime, int]:
        """Appointments per slot start, for slots starting after `after`."""
        cursor = self._slots.find(
            {"practice_id": practice_id, "starts_at": {"$gt": after}, "count": {"$gt": 0}},
            session=session,
        )
        return {doc["starts_at"]: doc["count"] async for doc in cursor}
