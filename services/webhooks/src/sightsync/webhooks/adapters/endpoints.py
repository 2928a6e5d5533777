"""Endpoints in MongoDB, and the per-practice count that caps them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sightsync.common.storage import Document
from sightsync.webhooks.domain.endpoints import MAX_ENDPOINTS_PER_PRACTICE, Endpoint, SealedSecret

ENDPOINTS = "endpoints"
PRACTICE_COUNTS = "practice_endpoint_counts"

Session = AsyncClientSession | None


class MongoEndpointRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._endpoints = db[ENDPOINTS]
        self._counts = db[PRACTICE_COUNTS]

    async def reserve_slot(self, practice_id: str, session: Session = None) -> bool:
        """Count one more endpoint for the practice; False when it already has the maximum."""
        try:
            # Upserting against a full counter collides with it on _id: that is the refusal.
            await self._counts.find_one_and_update(
                {"_id": practice_id, "endpoints": {"$lt": MAX_ENDPOINTS_PER_PRACTICE}},
                {"$inc": {"endpoints": 1}},
                upsert=True,
                session=session,
            )
        except DuplicateKeyError:
            return False
        return True

    async def release_slot(self, practice_id: str, session: Session = None) -> None:
        await self._counts.update_one(
            {"_id": practice_id, "endpoints": {"$gt": 0}},
            {"$inc": {"endpoints": -1}},
            session=session,
        )

    async def add(self, endpoint: Endpoint, session: Session = None) -> None:
        await self._endpoints.insert_one(_document(endpoint), session=session)

    async def get(
        self, practice_id: str, endpoint_id: str, session: Session = None
    ) -> Endpoint | None:
        doc = await self._endpoints.find_one(
            {"_id": endpoint_id, "practice_id": practice_id}, session=session
        )
        return _endpoint(doc) if doc else None

    async def by_id(self, endpoint_id: str) -> Endpoint | None:
        doc = await self._endpoints.find_one({"_id": endpoint_id})
        return _endpoint(doc) if doc else None

    async def for_practice(self, practice_id: str) -> list[Endpoint]:
        cursor = self._endpoints.find({"practice_id": practice_id}).sort("_id", 1)
        return [_endpoint(doc) async for doc in cursor]

    async def subscribed(
        self, practice_id: str, event_type: str, session: Session = None
    ) -> list[Endpoint]:
        cursor = self._endpoints.find(
            {"practice_id": practice_id, "enabled": True, "events": event_type}, session=session
        ).sort("_id", 1)
        return [_endpoint(doc) async for doc in cursor]

    async def change(
        self, practice_id: str, endpoint_id: str, changes: dict[str, Any]
    ) -> Endpoint | None:
        doc = await self._endpoints.find_one_and_update(
            {"_id": endpoint_id, "practice_id": practice_id},
            {"$set": changes},
            return_document=ReturnDocument.AFTER,
        )
        return _endpoint(doc) if doc else None

    async def set_secrets(
        self,
        practice_id: str,
        endpoint_id: str,
        expected: tuple[SealedSecret, ...],
        secrets: tuple[SealedSecret, ...],
        now: datetime,
    ) -> Endpoint | None:
        """Replace the secrets unless someone rotated them meanwhile (then None)."""
        doc = await self._endpoints.find_one_and_update(
            {
                "_id": endpoint_id,
                "practice_id": practice_id,
                "secrets.0.sealed": expected[0].sealed,
            },
            {"$set": {"secrets": [_secret_document(s) for s in secrets], "updated_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        return _endpoint(doc) if doc else None

    async def delete(self, practice_id: str, endpoint_id: str, session: Session = None) -> bool:
        result = await self._endpoints.delete_one(
            {"_id": endpoint_id, "practice_id": practice_id}, session=session
        )
        return result.deleted_count == 1

    async def note_failure(self, endpoint_id: str, now: datetime) -> Endpoint | None:
        """Start (or continue) the endpoint's failure streak; the endpoint as it now is."""
        await self._endpoints.update_one(
            {"_id": endpoint_id, "failing_since": None}, {"$set": {"failing_since": now}}
        )
        doc = await self._endpoints.find_one_and_update(
            {"_id": endpoint_id},
            {"$inc": {"consecutive_failures": 1}},
            return_document=ReturnDocument.AFTER,
        )
        return _endpoint(doc) if doc else None

    async def note_success(self, endpoint_id: str) -> None:
        # Filtered on the streak, so a healthy endpoint costs no write per delivery.
        await self._endpoints.update_one(
            {"_id": endpoint_id, "failing_since": {"$ne": None}},
            {"$set": {"failing_since": None, "consecutive_failures": 0}},
        )

    async def disable(self, endpoint_id: str, reason: str, now: datetime) -> bool:
        """Disable an enabled endpoint; False when it was already disabled or is gone."""
        result = await self._endpoints.update_one(
            {"_id": endpoint_id, "enabled": True},
            {
                "$set": {
                    "enabled": False,
                    "disabled_reason": reason,
                    "disabled_at": now,
                    "updated_at": now,
                }
            },
        )
        return result.modified_count == 1


def _secret_document(secret: SealedSecret) -> Document:
    return {
        "sealed": secret.sealed,
        "created_at": secret.created_at,
        "expires_at": secret.expires_at,
    }


def _document(endpoint: Endpoint) -> Document:
    return {
        "_id": endpoint.id,
        "practice_id": endpoint.practice_id,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
        "disabled_at": endpoint.disabled_at,
        "secrets": [_secret_document(s) for s in endpoint.secrets],
        "failing_since": endpoint.failing_since,
        "consecutive_failures": endpoint.consecutive_failures,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }


def _endpoint(doc: Document) -> Endpoint:
    return Endpoint(
        id=doc["_id"],
        practice_id=doc["practice_id"],
        url=doc["url"],
        events=tuple(doc["events"]),
        description=doc.get("description"),
        enabled=doc["enabled"],
        secrets=tuple(
            SealedSecret(s["sealed"], s["created_at"], s.get("expires_at")) for s in doc["secrets"]
        ),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        disabled_reason=doc.get("disabled_reason"),
        disabled_at=doc.get("disabled_at"),
        failing_since=doc.get("failing_since"),
        consecutive_failures=doc.get("consecutive_failures", 0),
    )
