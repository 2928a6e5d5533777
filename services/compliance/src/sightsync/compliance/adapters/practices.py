"""Practices in MongoDB, one document each, with a revision bumped on every change."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.storage import Document
from sightsync.compliance.adapters.documents import as_utc
from sightsync.compliance.domain.bank_holidays import Nation
from sightsync.compliance.domain.plans import Plan, SubscriptionStatus
from sightsync.compliance.domain.practice import Practice

PRACTICES = "practices"


class MongoPracticeRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._practices = db[PRACTICES]

    async def add(self, practice: Practice, session: AsyncClientSession | None) -> None:
        await self._practices.insert_one(_to_document(practice), session=session)

    async def get(self, practice_id: str, session: AsyncClientSession | None) -> Practice | None:
        document = await self._practices.find_one({"_id": practice_id}, session=session)
        return None if document is None else _from_document(document)

    async def list_all(self) -> list[Practice]:
        # Operators list practices rarely and there are few; ids sort by creation time.
        cursor = self._practices.find({}).sort("_id", ASCENDING)
        return [_from_document(document) async for document in cursor]

    async def save_changes(
        self, practice: Practice, session: AsyncClientSession | None
    ) -> Practice | None:
        """Store `practice`'s fields over the stored ones and bump the revision."""
        fields = _to_document(practice)
        for fixed in ("_id", "created_at", "revision"):
            fields.pop(fixed)
        document = await self._practices.find_one_and_update(
            {"_id": practice.id},
            {"$set": fields, "$inc": {"revision": 1}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return None if document is None else _from_document(document)


def _to_document(practice: Practice) -> Document:
    return {
        "_id": practice.id,
        "name": practice.name,
        "plan": practice.plan.value,
        "limit_override": practice.limit_override,
        "allow_overage": practice.allow_overage,
        "status": practice.status.value,
        "nation": practice.nation.value,
        "caller_id": practice.caller_id,
        "diary": practice.diary,
        "revision": practice.revision,
        "created_at": practice.created_at,
        "updated_at": practice.updated_at,
    }


def _from_document(document: dict[str, Any]) -> Practice:
    return Practice(
        id=document["_id"],
        name=document["name"],
        plan=Plan(document["plan"]),
        limit_override=document.get("limit_override"),
        allow_overage=document["allow_overage"],
        status=SubscriptionStatus(document["status"]),
        nation=Nation(document["nation"]),
        caller_id=document.get("caller_id"),
        diary=document.get("diary"),
        revision=document["revision"],
        created_at=as_utc(document["created_at"]),
        updated_at=as_utc(document["updated_at"]),
    )
