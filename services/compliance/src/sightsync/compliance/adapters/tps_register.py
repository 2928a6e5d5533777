"""The TPS/CTPS register: versions of the whole list and a pointer to the active one.

Adding and removing change the active version in place. A full replacement is staged as a
new version, batch by batch, and becomes active with one write to the pointer document, so
a recall decision sees either the old register or the new one, never half of each.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import DeleteOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from sightsync.common.storage import Document

NUMBERS = "tps_numbers"
STATE = "tps_register"
_POINTER = "active"
# The version in use before any full replacement was ever imported.
_FIRST_VERSION = "initial"
_DUPLICATE_KEY = 11000


def staging_version(import_id: str) -> str:
    return f"import:{import_id}"


class MongoTpsRegister:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._numbers = db[NUMBERS]
        self._state = db[STATE]

    async def active_version(self, session: AsyncClientSession | None = None) -> str:
        pointer = await self._state.find_one({"_id": _POINTER}, session=session)
        return _FIRST_VERSION if pointer is None else str(pointer["version"])

    async def contains(self, phone_e164: str, session: AsyncClientSession | None = None) -> bool:
        version = await self.active_version(session)
        found = await self._numbers.find_one(
            {"version": version, "number": phone_e164}, {"_id": 1}, session=session
        )
        return found is not None

    async def add(self, version: str, numbers: Sequence[str]) -> int:
        """Add numbers to a version; returns how many were new. Safe to repeat.

        The unique index turns numbers already there into per-document errors, which is
        cheaper than looking them up first in a register of millions.
        """
        if not numbers:
            return 0
        try:
            await self._numbers.insert_many(
                [{"version": version, "number": number} for number in numbers], ordered=False
            )
        except BulkWriteError as error:
            if any(item.get("code") != _DUPLICATE_KEY for item in error.details["writeErrors"]):
                raise
            return int(error.details.get("nInserted", 0))
        return len(numbers)

    async def remove(self, numbers: Sequence[str]) -> int:
        if not numbers:
            return 0
        version = await self.active_version()
        # One indexed delete per number: a huge $in is slow on some stores and gains nothing.
        result = await self._numbers.bulk_write(
            [DeleteOne({"version": version, "number": number}) for number in numbers],
            ordered=False,
        )
        return result.deleted_count

    async def size(self, version: str) -> int:
        return await self._numbers.count_documents({"version": version})

    async def activate(self, version: str) -> str | None:
        """Make `version` the register; returns the version it replaced, if another."""
        previous = await self._state.find_one_and_update(
            {"_id": _POINTER},
            {"$set": {"version": version}},
            upsert=True,
        )
        replaced = _FIRST_VERSION if previous is None else str(previous["version"])
        return None if replaced == version else replaced

    async def discard(self, version: str) -> int:
        result = await self._numbers.delete_many({"version": version})
        return result.deleted_count
