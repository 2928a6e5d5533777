"""The read side's queries, each shaped to one of the indexes in `indexes.py`."""

from __future__ import annotations

from datetime import date
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.storage import Document
from sightsync.outcomes.domain.uk_time import UkMonth

_BY_DATE = [("appointment_date", ASCENDING), ("appointment_time", ASCENDING), ("_id", ASCENDING)]
_NEWEST = [("sort_at", DESCENDING), ("_id", DESCENDING)]
_USAGE_FIELDS = {"accepted_at": 1, "ended_at": 1, "status": 1}


class MongoOutcomeQueries:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._appointments = db["appointments"]
        self._calls = db["calls"]
        self._practices = db["practices"]

    async def appointments(
        self,
        practice_id: str,
        *,
        limit: int,
        offset: int,
        status: str | None = None,
        patient_id: str | None = None,
        from_date: date | None = None,
        to_date: date | None = None,
    ) -> tuple[list[Document], int]:
        """One page of a practice's appointments by date and time, and the total matching."""
        query: dict[str, Any] = {"practice_id": practice_id, "appointment_date": {"$ne": None}}
        if status is not None:
            query["status"] = status
        if patient_id is not None:
            query["patient_id"] = patient_id
        if from_date is not None:
            query["appointment_date"]["$gte"] = from_date.isoformat()
        if to_date is not None:
            query["appointment_date"]["$lte"] = to_date.isoformat()
        cursor = self._appointments.find(query).sort(_BY_DATE).skip(offset).limit(limit)
        page = [doc async for doc in cursor]
        return page, await self._appointments.count_documents(query)

    async def appointment(self, practice_id: str, appointment_id: str) -> Document | None:
        return await self._appointments.find_one(
            {"_id": appointment_id, "practice_id": practice_id}
        )

    async def calls(
        self,
        practice_id: str,
        *,
        limit: int,
        offset: int,
        status: str | None = None,
        patient_id: str | None = None,
    ) -> tuple[list[Document], int]:
        """One page of a practice's calls, newest first, without transcripts."""
        query: dict[str, Any] = {"practice_id": practice_id}
        if status is not None:
            query["status"] = status
        if patient_id is not None:
            query["patient_id"] = patient_id
        cursor = self._calls.find(query, {"transcript": 0}).sort(_NEWEST).skip(offset).limit(limit)
        page = [doc async for doc in cursor]
        return page, await self._calls.count_documents(query)

    async def call(self, practice_id: str, call_id: str) -> Document | None:
        return await self._calls.find_one({"_id": call_id, "practice_id": practice_id})

    async def calls_touching(self, practice_id: str, month: UkMonth) -> list[Document]:
        """Calls accepted or ended within the month: all that its usage counts."""
        window = {"$gte": month.starts_at, "$lt": month.ends_before}
        cursor = self._calls.find(
            {"practice_id": practice_id, "$or": [{"accepted_at": window}, {"ended_at": window}]},
            _USAGE_FIELDS,
        )
        return [doc async for doc in cursor]

    async def practice(self, practice_id: str) -> Document | None:
        return await self._practices.find_one({"_id": practice_id})
