"""How many calls each practice has in flight, capped atomically across replicas.

One document per practice lists the calls holding a line. Taking a line is a single
conditional update that only matches while the list is shorter than the cap, so two
replicas can never both take the last line.
"""

from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sightsync.common.storage import Document

PRACTICE_LINES = "practice_lines"


class MongoPracticeLines:
    def __init__(self, db: AsyncDatabase[Document], max_per_practice: int) -> None:
        self._lines = db[PRACTICE_LINES]
        self._max = max_per_practice

    async def acquire(self, practice_id: str, call_id: str) -> bool:
        """Take a line for `call_id` (idempotently); False when every line is busy."""
        held = await self._lines.find_one({"_id": practice_id, "calls": call_id})
        if held is not None:
            return True
        try:
            doc = await self._lines.find_one_and_update(
                {"_id": practice_id, f"calls.{self._max - 1}": {"$exists": False}},
                {"$addToSet": {"calls": call_id}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            # The practice's document exists and is full, so the upsert tried to insert it.
            return False
        return doc is not None

    async def release(
        self, practice_id: str, call_id: str, session: AsyncClientSession | None = None
    ) -> None:
        """Give the line back; harmless when the call holds none."""
        await self._lines.update_one(
            {"_id": practice_id}, {"$pull": {"calls": call_id}}, session=session
        )

    async def in_use(self, practice_id: str) -> int:
        doc = await self._lines.find_one({"_id": practice_id})
        return 0 if doc is None else len(doc.get("calls", []))
