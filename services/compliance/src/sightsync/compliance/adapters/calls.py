"""Accepted recall calls and each practice's calls counted per UK month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sightsync.common.storage import Document
from sightsync.compliance.adapters.documents import as_utc
from sightsync.compliance.domain.idempotency import request_fingerprint

CALLS = "calls"
USAGE = "monthly_usage"


@dataclass(frozen=True)
class AcceptedCall:
    id: str
    practice_id: str
    patient_id: str
    accepted_at: datetime
    month: str
    overage: bool
    idempotency_key: str | None = None
    # What was asked under the key, so a retry that asks something else is told apart.
    request_fingerprint: str | None = None


class MongoCallLedger:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._calls = db[CALLS]
        self._usage = db[USAGE]

    async def find_by_idempotency_key(
        self, practice_id: str, key: str, session: AsyncClientSession | None
    ) -> AcceptedCall | None:
        document = await self._calls.find_one(
            {"practice_id": practice_id, "idempotency_key": key}, session=session
        )
        return None if document is None else _from_document(document)

    async def record(self, call: AcceptedCall, session: AsyncClientSession | None) -> bool:
        """Store an accepted call; False when its idempotency key was taken meanwhile."""
        document: Document = {
            "_id": call.id,
            "practice_id": call.practice_id,
            "patient_id": call.patient_id,
            "accepted_at": call.accepted_at,
            "month": call.month,
            "overage": call.overage,
        }
        if call.idempotency_key is not None:
            # Absent rather than null, so the partial unique index ignores calls without one.
            document["idempotency_key"] = call.idempotency_key
            document["request_fingerprint"] = call.request_fingerprint
        try:
            await self._calls.insert_one(document, session=session)
        except DuplicateKeyError:
            return False
        return True

    async def release_idempotency_key(
        self, call: AcceptedCall, session: AsyncClientSession | None
    ) -> bool:
        """Free the key `call` holds; False when it no longer holds it."""
        # The call stays (it counts against limits and has an outcome); only the key goes,
        # which takes it out of the partial unique index.
        result = await self._calls.update_one(
            {"_id": call.id, "idempotency_key": call.idempotency_key},
            {"$unset": {"idempotency_key": ""}},
            session=session,
        )
        return result.modified_count == 1

    async def calls_used(
        self, practice_id: str, month: str, session: AsyncClientSession | None
    ) -> int:
        document = await self._usage.find_one(
            {"_id": _usage_id(practice_id, month)}, session=session
        )
        return 0 if document is None else int(document["used"])

    async def count_call(
        self,
        practice_id: str,
        month: str,
        limit: int | None,
        session: AsyncClientSession | None,
    ) -> bool:
        """Count one call against the month; False when `limit` was reached meanwhile.

        `limit` None counts beyond the allowance (overage). The guard is what keeps two
        decisions that both saw one call left from both taking it.
        """
        usage_id = _usage_id(practice_id, month)
        guard: Document = {"_id": usage_id}
        if limit is not None:
            guard["used"] = {"$lt": limit}
        result = await self._usage.update_one(guard, {"$inc": {"used": 1}}, session=session)
        if result.matched_count == 1:
            return True
        if limit is not None and limit <= 0:
            return False
        try:
            await self._usage.insert_one(
                {"_id": usage_id, "practice_id": practice_id, "month": month, "used": 1},
                session=session,
            )
        except DuplicateKeyError:
            # The month's counter exists, so the guard missed because the limit is reached.
            return False
        return True


def _usage_id(practice_id: str, month: str) -> str:
    return f"{practice_id}:{month}"


def _from_document(document: Document) -> AcceptedCall:
    key = document.get("idempotency_key")
    fingerprint = document.get("request_fingerprint")
    if key is not None and fingerprint is None:
        # Calls accepted before fingerprints were stored were asked for by patient alone.
        fingerprint = request_fingerprint(document["patient_id"])
    return AcceptedCall(
        id=document["_id"],
        practice_id=document["practice_id"],
        patient_id=document["patient_id"],
        accepted_at=as_utc(document["accepted_at"]),
        month=document["month"],
        overage=bool(document.get("overage", False)),
        idempotency_key=key,
        request_fingerprint=fingerprint,
    )
