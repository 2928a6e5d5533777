"""Numbers that asked never to be called, kept apart from patients so they hold for good.

A patient created later with an opted-out number starts opted out. A scope of `*` covers
every practice (channels that only know the number); otherwise it is one practice's id.
"""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.storage import Document

OPT_OUTS = "opted_out_numbers"
EVERY_PRACTICE = "*"


class MongoOptOutList:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._opt_outs = db[OPT_OUTS]

    async def add(
        self,
        practice_id: str | None,
        phone_e164: str,
        at: datetime,
        channel: str,
        session: AsyncClientSession | None,
    ) -> None:
        scope = practice_id or EVERY_PRACTICE
        await self._opt_outs.update_one(
            {"_id": f"{scope}:{phone_e164}"},
            {"$setOnInsert": {"scope": scope, "opted_out_at": at, "channel": channel}},
            upsert=True,
            session=session,
        )

    async def covers(self, practice_id: str, phone_e164: str) -> bool:
        ids = [f"{practice_id}:{phone_e164}", f"{EVERY_PRACTICE}:{phone_e164}"]
        found = await self._opt_outs.find_one({"_id": {"$in": ids}}, {"_id": 1})
        return found is not None
