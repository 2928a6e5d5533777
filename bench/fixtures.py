"""Practices, keys and patients for the benchmarks.

Practices and keys are made as `sightsync-admin` makes them: requests on the bus. Patients
are created through the API, except where a benchmark needs tens of thousands: those are
written straight into compliance's collection, each a copy of a document compliance itself
stored for a patient created through the API, with only the identifying fields changed. A
seeded patient is then read back through compliance's own repository, so a shape that
compliance could not read fails the run instead of skewing it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import aiohttp
from pymongo import AsyncMongoClient

from bench.stack import RunningStack
from sightsync.common.ids import new_id
from sightsync.common.storage import Document
from sightsync.compliance.adapters.patients import PATIENTS, MongoPatientRepository
from sightsync.gateway.entrypoints.admin.client import connect
from sightsync.gateway.settings import GatewaySettings

# Numbers in a UK mobile range every one of which compliance accepts as callable; the
# telephony is simulated, so nobody is ever rung. Each use takes its own block of numbers.
PHONE_PREFIX = "+4478"
# Small enough that a batch retried after a write conflict costs little.
SEED_BATCH = 500
FIRST_NAMES = ("Margaret", "Sam", "Priya", "Tom", "Aisha", "Gareth", "Mei", "Olu")


@dataclass(frozen=True)
class PracticeKey:
    practice_id: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


class PhoneBlocks:
    """Hands out disjoint ranges of numbers, so no two uses collide within a practice."""

    def __init__(self) -> None:
        self._next = 10_000_000

    def take(self, count: int) -> int:
        start = self._next
        self._next += count
        if self._next >= 100_000_000:
            raise RuntimeError("ran out of bench phone numbers")
        return start


def phone_number(number: int) -> str:
    """The E.164 bench number with this index (8 digits after the prefix)."""
    return f"{PHONE_PREFIX}{number:08d}"


def patient_body_template() -> str:
    """A POST /patients body; the load generator puts a running 8-digit number at `{n}`."""
    body = {
        "first_name": "Bench",
        "last_name": "Patient",
        "phone_number": "PHONE",
        "last_eye_test_date": "2023-05-14",
        "risk_category": "standard",
    }
    return json.dumps(body).replace("PHONE", PHONE_PREFIX + "{n}")


async def create_practices(
    stack: RunningStack, count: int, *, with_keys: int = 0, name: str = "Bench Opticians"
) -> list[PracticeKey]:
    """`count` practices on the group plan with room for every recall the bench makes.

    The first `with_keys` get an API key; the others have an empty key.
    """
    made: list[PracticeKey] = []
    settings = GatewaySettings.model_validate(stack.env)
    async with connect(settings, timeout=30) as client:
        for index in range(count):
            practice = await client.create_practice(
                name=f"{name} {index + 1}", plan="group", monthly_limit=1_000_000
            )
            key = ""
            if index < with_keys:
                key = (await client.create_api_key(practice["id"]))["api_key"]
            made.append(PracticeKey(practice_id=practice["id"], api_key=key))
    return made


async def create_patient_via_api(
    stack: RunningStack, practice: PracticeKey, phone: str
) -> dict[str, Any]:
    body = {
        "first_name": "Template",
        "last_name": "Patient",
        "phone_number": phone,
        "email": "template@example.co.uk",
        "last_eye_test_date": "2023-05-14",
        "risk_category": "standard",
        "clinical_notes": "Seeded for benchmarks.",
    }
    async with (
        aiohttp.ClientSession(headers=practice.headers) as session,
        session.post(stack.api("/patients"), json=body) as response,
    ):
        payload: dict[str, Any] = await response.json()
        if response.status != 200:
            raise RuntimeError(f"creating the template patient answered {response.status}")
        return dict(payload["patient"])


class PatientSeeder:
    """Writes patients straight into compliance's collection, shaped by a stored template."""

    def __init__(self, mongo: AsyncMongoClient[Document], stack: RunningStack) -> None:
        self._db = mongo[stack.database("compliance")]
        self._template: Document | None = None

    async def learn_template(self, patient_id: str) -> Document:
        """Take the stored document of a patient compliance created as the template."""
        stored = await self._db[PATIENTS].find_one({"_id": patient_id})
        if stored is None:
            raise RuntimeError("the template patient is not in compliance's collection")
        self._template = stored
        return stored

    async def seed(
        self, practice_id: str, first_number: int, count: int, deadline: float | None = None
    ) -> list[str]:
        """Insert `count` patients numbered from `first_number`; returns their ids."""
        seeded = await self.seed_many([practice_id], first_number, count, deadline)
        return seeded[practice_id]

    async def seed_many(
        self,
        practice_ids: list[str],
        first_number: int,
        count_each: int,
        deadline: float | None = None,
    ) -> dict[str, list[str]]:
        """`count_each` patients for every practice, written in batches that mix practices.

        Numbers run from `first_number`, one per patient, so they never repeat. No batch
        starts after `deadline` (time.monotonic()), so fewer may be written: the ids
        returned are the ones that were.
        """
        if self._template is None:
            raise RuntimeError("learn_template first")
        template = self._template
        documents = (
            seeded_patient(template, practice_id, first_number + row * len(practice_ids) + column)
            for row in range(count_each)
            for column, practice_id in enumerate(practice_ids)
        )
        ids: dict[str, list[str]] = {practice_id: [] for practice_id in practice_ids}
        batch: list[Document] = []
        for document in documents:
            batch.append(document)
            if len(batch) == SEED_BATCH:
                if not await self._insert(batch, ids, deadline):
                    break
                batch = []
        else:
            await self._insert(batch, ids, deadline)
        first = ids[practice_ids[0]]
        if first:
            await self._check_readable(practice_ids[0], first[0])
        return ids

    async def _insert(
        self, batch: list[Document], ids: dict[str, list[str]], deadline: float | None
    ) -> bool:
        """Write one batch unless the deadline has passed; False when it was not written."""
        if not batch:
            return True
        if deadline is not None and time.monotonic() > deadline:
            return False
        await self._db[PATIENTS].insert_many(batch, ordered=False)
        for document in batch:
            ids[document["practice_id"]].append(document["_id"])
        return True

    async def _check_readable(self, practice_id: str, patient_id: str) -> None:
        patient = await MongoPatientRepository(self._db).get(practice_id, patient_id, None)
        if patient is None or patient.practice_id != practice_id:
            raise RuntimeError("compliance cannot read a seeded patient back")


def seeded_patient(template: Document, practice_id: str, number: int) -> Document:
    """A copy of `template` for another patient: new id, practice, number, name and due date.

    Due dates spread over two years (some never tested, as in a real list) so the list's
    sort has real work; every other field keeps the type and form compliance stored.
    """
    document = dict(template)
    spread = number % 730
    due: date | None = None if number % 10 == 0 else date(2025, 1, 1) + timedelta(days=spread)
    document.update(
        {
            "_id": new_id("pat"),
            "practice_id": practice_id,
            "phone_e164": phone_number(number),
            "first_name": FIRST_NAMES[number % len(FIRST_NAMES)],
            "email": None,
            "clinical_notes": None,
            "next_clinical_due_date": None if due is None else due.isoformat(),
            "recent_calls": [],
            "call_version": 0,
        }
    )
    return document
