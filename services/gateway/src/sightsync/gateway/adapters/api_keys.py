"""API keys in the gateway's own database, looked up by the SHA-256 of the secret."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.storage import CollectionIndexes, Document
from sightsync.gateway.domain.api_keys import ApiKey

API_KEYS = "api_keys"

API_KEY_INDEXES = CollectionIndexes(
    API_KEYS,
    (
        IndexModel([("key_hash", ASCENDING)], unique=True),
        IndexModel([("practice_id", ASCENDING), ("created_at", ASCENDING)]),
    ),
)


class MongoApiKeyRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._keys = db[API_KEYS]

    async def add(self, key: ApiKey) -> None:
        await self._keys.insert_one(_to_document(key))

    async def by_hash(self, key_hash: str) -> ApiKey | None:
        document = await self._keys.find_one({"key_hash": key_hash})
        return _from_document(document) if document else None

    async def for_practice(self, practice_id: str) -> list[ApiKey]:
        cursor = self._keys.find({"practice_id": practice_id}).sort("created_at", ASCENDING)
        return [_from_document(document) async for document in cursor]

    async def revoke(self, key_id: str, at: datetime) -> ApiKey | None:
        """Revoke once; a second revocation keeps the first instant. None when unknown."""
        document = await self._keys.find_one_and_update(
            {"_id": key_id, "revoked_at": None},
            {"$set": {"revoked_at": at}},
            return_document=ReturnDocument.AFTER,
        )
        if document is None:
            document = await self._keys.find_one({"_id": key_id})
        return _from_document(document) if document else None


def _to_document(key: ApiKey) -> Document:
    return {
        "_id": key.id,
        "practice_id": key.practice_id,
        "key_hash": key.key_hash,
        "hint": key.hint,
        "created_at": key.created_at,
        "revoked_at": key.revoked_at,
    }


def _from_document(document: Document) -> ApiKey:
    return ApiKey(
        id=document["_id"],
        practice_id=document["practice_id"],
        key_hash=document["key_hash"],
        hint=document["hint"],
        created_at=document["created_at"],
        revoked_at=document.get("revoked_at"),
    )
