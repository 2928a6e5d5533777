"""Stored read-model documents, each written only by a fold of more events than it holds."""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sightsync.common.storage import Document
from sightsync.outcomes.domain.events import ReadModel

READ_MODELS: tuple[ReadModel, ...] = ("calls", "appointments", "practices")


class MongoReadModels:
    """Calls, appointments and practices as the API reads them."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    async def save(
        self, model: ReadModel, doc: Document, session: AsyncClientSession | None = None
    ) -> bool:
        """Store `doc` unless the stored one already folds at least as many events.

        The log only grows, so a fold that saw more events saw a superset of them: this
        makes concurrent handlers of one stream converge on the fold of all its events
        without locking, and makes a stale writer harmless.
        """
        try:
            result = await self._db[model].replace_one(
                {"_id": doc["_id"], "event_count": {"$lt": doc["event_count"]}},
                doc,
                upsert=True,
                session=session,
            )
        except DuplicateKeyError:
            # The document exists with at least as many events: ours is not newer.
            return False
        return result.modified_count > 0 or result.upserted_id is not None

    async def get(
        self, model: ReadModel, key: str, session: AsyncClientSession | None = None
    ) -> Document | None:
        return await self._db[model].find_one({"_id": key}, session=session)

    async def clear(self) -> None:
        # delete_many rather than drop keeps the collections' indexes in place.
        for model in READ_MODELS:
            await self._db[model].delete_many({})
