"""Patients in MongoDB: one document per practice and E.164 number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.ids import new_id
from sightsync.common.storage import Document, upsert_returning
from sightsync.compliance.adapters.documents import as_utc, date_to_text, text_to_date
from sightsync.compliance.domain.patient import Patient
from sightsync.compliance.domain.recall_interval import RiskCategory

PATIENTS = "patients"
# Stored only where asked for: lists leave the notes in the database.
_WITHOUT_NOTES = {"clinical_notes": 0}


@dataclass(frozen=True)
class PatientDetails:
    """What the practice's system sends; compliance derives and owns everything else."""

    first_name: str
    last_name: str | None
    email: str | None
    risk_category: RiskCategory
    last_eye_test_date: date | None
    next_clinical_due_date: date | None
    clinical_notes: str | None


class MongoPatientRepository:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._patients = db[PATIENTS]

    async def get(
        self, practice_id: str, patient_id: str, session: AsyncClientSession | None
    ) -> Patient | None:
        # The practice is part of the filter: another practice's patient does not exist.
        document = await self._patients.find_one(
            {"_id": patient_id, "practice_id": practice_id}, session=session
        )
        return None if document is None else _from_document(document)

    async def upsert(
        self,
        practice_id: str,
        phone_e164: str,
        details: PatientDetails,
        *,
        now: datetime,
        opted_out: bool,
        tps_registered: bool,
    ) -> Patient:
        """Create or update the practice's patient with this number.

        Opting out only ever switches on: an upsert can set it but never clear it.
        """
        update: dict[str, Any] = {
            "$set": {
                **_details_document(details),
                "tps_registered": tps_registered,
                "updated_at": now,
                **({"opted_out": True} if opted_out else {}),
            },
            "$setOnInsert": {
                "_id": new_id("pat"),
                "created_at": now,
                "recent_calls": [],
                "call_version": 0,
                **({} if opted_out else {"opted_out": False}),
            },
        }
        key = {"practice_id": practice_id, "phone_e164": phone_e164}
        return _from_document(await upsert_returning(self._patients, key, update))

    async def page(
        self,
        practice_id: str,
        *,
        risk_category: RiskCategory | None,
        due_before: date | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Patient], int]:
        """One page by due date (never-tested first) then id, and how many match in all.

        Served by the (practice_id[, risk_category], next_clinical_due_date, _id) indexes.
        """
        query: Document = {"practice_id": practice_id}
        if risk_category is not None:
            query["risk_category"] = risk_category.value
        if due_before is not None:
            query["$or"] = [
                {"next_clinical_due_date": None},
                {"next_clinical_due_date": {"$lt": date_to_text(due_before)}},
            ]
        cursor = (
            self._patients.find(query, _WITHOUT_NOTES)
            .sort([("next_clinical_due_date", ASCENDING), ("_id", ASCENDING)])
            .skip(offset)
            .limit(limit)
        )
        patients = [_from_document(document) async for document in cursor]
        return patients, await self._patients.count_documents(query)

    async def opt_out(
        self,
        query: Document,
        at: datetime,
        session: AsyncClientSession | None,
    ) -> list[Patient]:
        """Opt out every patient matching `query` that has not opted out yet."""
        pending = {**query, "opted_out": {"$ne": True}}
        matched = [
            _from_document(document)
            async for document in self._patients.find(pending, _WITHOUT_NOTES, session=session)
        ]
        if matched:
            await self._patients.update_many(
                {"_id": {"$in": [patient.id for patient in matched]}},
                {"$set": {"opted_out": True, "opted_out_at": at, "updated_at": at}},
                session=session,
            )
        return matched

    async def flag_tps(self, patient_id: str) -> None:
        # Deliberately outside any transaction: the refusal that finds the number on the
        # register aborts its transaction, and the flag must still stick.
        await self._patients.update_one(
            {"_id": patient_id, "tps_registered": {"$ne": True}},
            {"$set": {"tps_registered": True}},
        )

    async def record_call(
        self,
        patient: Patient,
        recent_calls: Sequence[datetime],
        session: AsyncClientSession | None,
    ) -> bool:
        """Store an accepted call unless another decision changed the patient's calls first."""
        result = await self._patients.update_one(
            {"_id": patient.id, "call_version": patient.call_version},
            {
                "$set": {"recent_calls": list(recent_calls), "tps_registered": False},
                "$inc": {"call_version": 1},
            },
            session=session,
        )
        return result.modified_count == 1


def _details_document(details: PatientDetails) -> Document:
    return {
        "first_name": details.first_name,
        "last_name": details.last_name,
        "email": details.email,
        "risk_category": details.risk_category.value,
        "last_eye_test_date": date_to_text(details.last_eye_test_date),
        "next_clinical_due_date": date_to_text(details.next_clinical_due_date),
        "clinical_notes": details.clinical_notes,
    }


def _from_document(document: dict[str, Any]) -> Patient:
    return Patient(
        id=document["_id"],
        practice_id=document["practice_id"],
        first_name=document["first_name"],
        last_name=document.get("last_name"),
        phone_e164=document["phone_e164"],
        email=document.get("email"),
        risk_category=RiskCategory(document["risk_category"]),
        last_eye_test_date=text_to_date(document.get("last_eye_test_date")),
        next_clinical_due_date=text_to_date(document.get("next_clinical_due_date")),
        clinical_notes=document.get("clinical_notes"),
        opted_out=bool(document.get("opted_out", False)),
        tps_registered=bool(document.get("tps_registered", False)),
        recent_calls=tuple(as_utc(call) for call in document.get("recent_calls", [])),
        call_version=int(document.get("call_version", 0)),
        created_at=as_utc(document["created_at"]),
        updated_at=as_utc(document["updated_at"]),
    )
