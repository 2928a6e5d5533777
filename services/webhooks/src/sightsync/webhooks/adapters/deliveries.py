"""Events and their deliveries in MongoDB: the durable state the scheduler works from.

A delivery is claimable while `next_attempt_at` has passed. Claiming pushes that instant
a lease ahead, so a worker that dies mid-attempt leaves a delivery someone claims again
once the lease runs out; nothing is held in memory or on the broker meanwhile.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.ids import new_id
from sightsync.common.storage import EXPIRES_AT, Document, expires_after, upsert_returning
from sightsync.webhooks.domain.events import WebhookEvent

EVENTS = "events"
DELIVERIES = "deliveries"
ATTEMPT_LOG_LENGTH = 25
UNFINISHED = ["pending", "delivering"]
# Events and the delivery log are kept for 30 days; the retry schedule ends after about 3.
RETENTION = timedelta(days=30)

Session = AsyncClientSession | None


@dataclass(frozen=True)
class ClaimedDelivery:
    id: str
    endpoint_id: str
    practice_id: str
    event_id: str
    event_type: str
    attempt: int
    max_attempts: int
    lease_token: str


@dataclass(frozen=True)
class AttemptRecord:
    attempt: int
    started_at: datetime
    outcome: str
    status_code: int | None
    latency_ms: float
    error: str | None


class MongoDeliveryRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._events = db[EVENTS]
        self._deliveries = db[DELIVERIES]

    async def store_event(
        self, event: WebhookEvent, now: datetime, session: Session = None
    ) -> None:
        await self._events.update_one(
            {"_id": event.id},
            {
                "$setOnInsert": {
                    "practice_id": event.practice_id,
                    "type": event.type,
                    "body": event.body(),
                    "created_at": event.created_at,
                    "stored_at": now,
                    EXPIRES_AT: expires_after(RETENTION),
                }
            },
            upsert=True,
            session=session,
        )

    async def add(
        self,
        event: WebhookEvent,
        endpoint_id: str,
        now: datetime,
        max_attempts: int,
        session: Session = None,
    ) -> str:
        """One delivery per (event, endpoint): adding it twice returns the first one's id."""
        doc = await upsert_returning(
            self._deliveries,
            {"event_id": event.id, "endpoint_id": endpoint_id},
            {
                "$setOnInsert": {
                    "_id": new_id("dlv", now),
                    "practice_id": event.practice_id,
                    "event_type": event.type,
                    "status": "pending",
                    "attempts": 0,
                    "max_attempts": max_attempts,
                    "next_attempt_at": now,
                    "last_status_code": None,
                    "last_latency_ms": None,
                    "last_error": None,
                    "attempt_log": [],
                    "created_at": now,
                    "updated_at": now,
                    EXPIRES_AT: expires_after(RETENTION),
                }
            },
            projection={"_id": 1},
            session=session,
        )
        delivery_id: str = doc["_id"]
        return delivery_id

    async def event_body(self, event_id: str) -> str | None:
        doc = await self._events.find_one({"_id": event_id}, projection={"body": 1})
        return doc["body"] if doc else None

    async def claim(
        self,
        now: datetime,
        lease: timedelta,
        busy_endpoints: Collection[str] = (),
        busy_practices: Collection[str] = (),
    ) -> ClaimedDelivery | None:
        """The most overdue delivery not to a busy endpoint or practice, leased to the caller."""
        query: Document = {"status": {"$in": UNFINISHED}, "next_attempt_at": {"$lte": now}}
        if busy_endpoints:
            query["endpoint_id"] = {"$nin": list(busy_endpoints)}
        if busy_practices:
            query["practice_id"] = {"$nin": list(busy_practices)}
        token = secrets.token_hex(8)
        doc = await self._deliveries.find_one_and_update(
            query,
            {
                "$set": {
                    "status": "delivering",
                    "next_attempt_at": now + lease,
                    "lease_token": token,
                    "updated_at": now,
                }
            },
            sort=[("next_attempt_at", 1)],
            return_document=ReturnDocument.AFTER,
            projection={"attempt_log": 0},
        )
        if doc is None:
            return None
        return ClaimedDelivery(
            id=doc["_id"],
            endpoint_id=doc["endpoint_id"],
            practice_id=doc["practice_id"],
            event_id=doc["event_id"],
            event_type=doc["event_type"],
            attempt=doc["attempts"] + 1,
            max_attempts=doc["max_attempts"],
            lease_token=token,
        )

    async def record(
        self,
        claimed: ClaimedDelivery,
        attempt: AttemptRecord,
        next_attempt_at: datetime | None,
        now: datetime,
    ) -> bool:
        """Log the attempt and settle what comes next; False when the lease was lost."""
        if attempt.outcome == "succeeded":
            status = "succeeded"
        else:
            status = "pending" if next_attempt_at is not None else "failed"
        result = await self._deliveries.update_one(
            {"_id": claimed.id, "lease_token": claimed.lease_token},
            {
                "$set": {
                    "status": status,
                    "next_attempt_at": next_attempt_at,
                    "last_status_code": attempt.status_code,
                    "last_latency_ms": attempt.latency_ms,
                    "last_error": attempt.error,
                    "updated_at": now,
                },
                "$inc": {"attempts": 1},
                "$unset": {"lease_token": ""},
                "$push": {
                    "attempt_log": {
                        "$each": [_attempt_document(attempt)],
                        "$slice": -ATTEMPT_LOG_LENGTH,
                    }
                },
            },
        )
        return result.modified_count == 1

    async def give_up(self, claimed: ClaimedDelivery, reason: str, now: datetime) -> None:
        """End a claimed delivery without an attempt (its endpoint is gone or disabled)."""
        await self._deliveries.update_one(
            {"_id": claimed.id, "lease_token": claimed.lease_token},
            {
                "$set": {
                    "status": "failed",
                    "next_attempt_at": None,
                    "last_error": reason,
                    "updated_at": now,
                },
                "$unset": {"lease_token": ""},
            },
        )

    async def abandon_pending(
        self, endpoint_id: str, reason: str, now: datetime, session: Session = None
    ) -> int:
        """Fail the endpoint's waiting deliveries; one being attempted settles itself."""
        result = await self._deliveries.update_many(
            {"endpoint_id": endpoint_id, "status": "pending"},
            {
                "$set": {
                    "status": "failed",
                    "next_attempt_at": None,
                    "last_error": reason,
                    "updated_at": now,
                }
            },
            session=session,
        )
        return result.modified_count

    async def page(
        self, practice_id: str, endpoint_id: str, limit: int, before: str | None
    ) -> list[Document]:
        query: Document = {"practice_id": practice_id, "endpoint_id": endpoint_id}
        if before is not None:
            query["_id"] = {"$lt": before}
        cursor = self._deliveries.find(query).sort("_id", -1).limit(limit)
        return [doc async for doc in cursor]

    async def get(self, practice_id: str, endpoint_id: str, delivery_id: str) -> Document | None:
        return await self._deliveries.find_one(
            {"_id": delivery_id, "practice_id": practice_id, "endpoint_id": endpoint_id}
        )

    async def retry_now(self, delivery: Document, now: datetime) -> Document | None:
        """Make a settled or waiting delivery due now, with one more attempt allowed."""
        max_attempts = delivery["max_attempts"]
        if delivery["status"] != "pending":
            max_attempts = max(max_attempts, delivery["attempts"] + 1)
        return await self._deliveries.find_one_and_update(
            {
                "_id": delivery["_id"],
                "status": delivery["status"],
                "attempts": delivery["attempts"],
            },
            {
                "$set": {
                    "status": "pending",
                    "next_attempt_at": now,
                    "max_attempts": max_attempts,
                    "updated_at": now,
                }
            },
            return_document=ReturnDocument.AFTER,
        )


def _attempt_document(attempt: AttemptRecord) -> Document:
    return {
        "attempt": attempt.attempt,
        "started_at": attempt.started_at,
        "outcome": attempt.outcome,
        "status_code": attempt.status_code,
        "latency_ms": attempt.latency_ms,
        "error": attempt.error,
    }


def delivery_view(doc: Document) -> dict[str, Any]:
    """A delivery as the API shows it (WebhookDeliveryView's fields)."""
    return {
        "id": doc["_id"],
        "endpoint_id": doc["endpoint_id"],
        "event_id": doc["event_id"],
        "event_type": doc["event_type"],
        "status": doc["status"],
        "attempts": doc["attempts"],
        "last_status_code": doc.get("last_status_code"),
        "last_latency_ms": doc.get("last_latency_ms"),
        "last_error": doc.get("last_error"),
        "next_attempt_at": doc.get("next_attempt_at") if doc["status"] == "pending" else None,
        "created_at": doc["created_at"],
        "updated_at": doc["updated_at"],
        "attempt_log": doc.get("attempt_log", []),
    }
