"""What the handlers need from storage; the Mongo adapters implement these."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from pymongo.asynchronous.client_session import AsyncClientSession

from sightsync.common.storage import Document
from sightsync.compliance.adapters.calls import AcceptedCall
from sightsync.compliance.adapters.patients import PatientDetails
from sightsync.compliance.domain.patient import Patient
from sightsync.compliance.domain.practice import Practice
from sightsync.compliance.domain.recall_interval import RiskCategory

Session = AsyncClientSession | None


class PracticeRepository(Protocol):
    async def add(self, practice: Practice, session: Session) -> None: ...

    async def get(self, practice_id: str, session: Session) -> Practice | None: ...

    async def list_all(self) -> list[Practice]: ...

    async def save_changes(self, practice: Practice, session: Session) -> Practice | None: ...


class PatientRepository(Protocol):
    async def get(self, practice_id: str, patient_id: str, session: Session) -> Patient | None: ...

    async def upsert(
        self,
        practice_id: str,
        phone_e164: str,
        details: PatientDetails,
        *,
        now: datetime,
        opted_out: bool,
        tps_registered: bool,
    ) -> Patient: ...

    async def page(
        self,
        practice_id: str,
        *,
        risk_category: RiskCategory | None,
        due_before: date | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Patient], int]: ...

    async def opt_out(self, query: Document, at: datetime, session: Session) -> list[Patient]: ...

    async def flag_tps(self, patient_id: str) -> None: ...

    async def record_call(
        self, patient: Patient, recent_calls: Sequence[datetime], session: Session
    ) -> bool: ...


class CallLedger(Protocol):
    async def find_by_idempotency_key(
        self, practice_id: str, key: str, session: Session
    ) -> AcceptedCall | None: ...

    async def record(self, call: AcceptedCall, session: Session) -> bool: ...

    async def release_idempotency_key(self, call: AcceptedCall, session: Session) -> bool: ...

    async def calls_used(self, practice_id: str, month: str, session: Session) -> int: ...

    async def count_call(
        self, practice_id: str, month: str, limit: int | None, session: Session
    ) -> bool: ...


class TpsRegister(Protocol):
    async def active_version(self, session: Session = None) -> str: ...

    async def contains(self, phone_e164: str, session: Session = None) -> bool: ...

    async def add(self, version: str, numbers: Sequence[str]) -> int: ...

    async def remove(self, numbers: Sequence[str]) -> int: ...

    async def size(self, version: str) -> int: ...

    async def activate(self, version: str) -> str | None: ...

    async def discard(self, version: str) -> int: ...


class OptOutList(Protocol):
    async def add(
        self,
        practice_id: str | None,
        phone_e164: str,
        at: datetime,
        channel: str,
        session: Session,
    ) -> None: ...

    async def covers(self, practice_id: str, phone_e164: str) -> bool: ...
