"""Mongo storage of the dialer's opt-out register: one document per thing an opt-out names.

Entries are keyed by what they name (domain/opt_out_register.py), so recording the same
opt-out twice changes nothing, and checking a call is one `_id` lookup. An opt-out holds
for good, so entries never expire.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.storage import Document
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.domain.opt_out_register import OptOutEntry, keys_barring

OPT_OUTS = "opted_out"


class MongoOptOutRegister:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._entries = db[OPT_OUTS]

    async def record(
        self,
        entries: Sequence[OptOutEntry],
        opted_out_at: datetime,
        channel: str,
        session: AsyncClientSession | None,
    ) -> int:
        """Add each entry not yet held; returns how many were new."""
        added = 0
        for entry in entries:
            result = await self._entries.update_one(
                {"_id": entry.key},
                {
                    "$setOnInsert": {
                        "practice_id": entry.practice_id,
                        "patient_id": entry.patient_id,
                        "phone_number": entry.phone_number,
                        "channel": channel,
                        "opted_out_at": opted_out_at,
                    }
                },
                upsert=True,
                session=session,
            )
            added += 1 if result.upserted_id is not None else 0
        return added

    async def bars(self, record: CallRecord, session: AsyncClientSession | None) -> bool:
        """True when an opt-out covers this call's patient or number at its practice."""
        patient = record.patient
        keys = keys_barring(record.practice_id, patient.patient_id, patient.phone_number)
        found = await self._entries.find_one(
            {"_id": {"$in": list(keys)}}, {"_id": 1}, session=session
        )
        return found is not None
