"""The opt-out register and the claim: who an opt-out bars, and that a barred call is never
handed to the provider, whether the opt-out came before the claim or after it."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from sightsync.common.clock import FrozenClock
from sightsync.common.messages.base import Message
from sightsync.common.messages.calls import CallFailed, PatientSnapshot
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.telephony.base import Placement
from sightsync.dialer.adapters.unit_of_work import Unit
from sightsync.dialer.domain.opt_out_register import (
    OPTED_OUT_DETAIL,
    OptOutEntry,
    OptOutScope,
    keys_barring,
)
from sightsync.dialer.domain.pacing import PaceDecision
from sightsync.dialer.entrypoints.scheduler import PlacementScheduler
from sightsync.dialer.handlers.placement_claims import PlacementClaims

T = TypeVar("T")
# A Tuesday morning in March (GMT): the calling window is open.
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
PRACTICE, OTHER_PRACTICE = "prac_a", "prac_b"
PATIENT, OTHER_PATIENT = "pat_1", "pat_2"
NUMBER, OTHER_NUMBER = "+447700900123", "+447700900999"


def call(
    practice_id: str = PRACTICE, patient_id: str = PATIENT, number: str = NUMBER
) -> CallRecord:
    return CallRecord(
        id=f"c_{practice_id}_{patient_id}",
        practice_id=practice_id,
        patient=PatientSnapshot(
            patient_id=patient_id,
            first_name="Sam",
            phone_number=number,
            risk_category="standard",
        ),
        practice_name="High Street Opticians",
        caller_id="+441632960000",
        nation="england",
        accepted_at=NOW,
        correlation_id="req_1",
        created_at=NOW,
        due_at=NOW,
    )


# ----- the register's keys ------------------------------------------------------------


def test_an_opt_out_names_its_patient_and_its_number_at_its_practice() -> None:
    scope = OptOutScope(PRACTICE, PATIENT, f" {NUMBER} ")

    assert scope.entries() == (
        OptOutEntry(f"patient|{PRACTICE}|{PATIENT}", PRACTICE, patient_id=PATIENT),
        OptOutEntry(f"number|{PRACTICE}|{NUMBER}", PRACTICE, phone_number=NUMBER),
    )


def test_a_number_without_a_practice_is_opted_out_everywhere() -> None:
    (entry,) = OptOutScope(None, None, NUMBER).entries()

    assert entry == OptOutEntry(f"number|*|{NUMBER}", None, phone_number=NUMBER)
    assert entry.key in keys_barring(OTHER_PRACTICE, OTHER_PATIENT, NUMBER)


def test_an_opt_out_naming_nobody_has_no_entries() -> None:
    scope = OptOutScope(PRACTICE, None, "")

    assert not scope.names_anyone
    assert scope.entries() == ()


SCOPES = [
    OptOutScope(practice, patient, number)
    for practice, patient, number in itertools.product(
        (PRACTICE, None), (PATIENT, None), (NUMBER, None)
    )
    if patient or number
]
CALLS = list(
    itertools.product((PRACTICE, OTHER_PRACTICE), (PATIENT, OTHER_PATIENT), (NUMBER, OTHER_NUMBER))
)


@pytest.mark.parametrize("scope", SCOPES, ids=str)
def test_the_register_bars_exactly_the_calls_the_opt_out_reaches(scope: OptOutScope) -> None:
    held = {entry.key for entry in scope.entries()}

    for practice_id, patient_id, number in CALLS:
        barred = bool(held & set(keys_barring(practice_id, patient_id, number)))
        assert barred == scope.reaches(practice_id, patient_id, number), (
            practice_id,
            patient_id,
            number,
        )


def test_an_opt_out_at_one_practice_leaves_the_others_calls() -> None:
    scope = OptOutScope(PRACTICE, PATIENT, NUMBER)

    assert scope.reaches(PRACTICE, OTHER_PATIENT, NUMBER)
    assert not scope.reaches(OTHER_PRACTICE, PATIENT, NUMBER)


# ----- the claim, with in-memory stand-ins --------------------------------------------


class MemoryRunner:
    def __init__(self) -> None:
        self.emitted: list[Message] = []

    async def run(self, work: Callable[[Unit], Awaitable[T]]) -> T:
        unit = Unit(session=None)
        result = await work(unit)
        self.emitted.extend(unit.emitted)
        for note in unit.notes:
            note()
        return result


class MemoryCalls:
    def __init__(self, *records: CallRecord) -> None:
        self.records = {record.id: record for record in records}

    async def get(self, call_id: str, session: Any) -> CallRecord | None:
        record = self.records.get(call_id)
        return None if record is None else record.model_copy(deep=True)

    async def save(self, record: CallRecord, session: Any) -> CallRecord:
        self.records[record.id] = record
        return record

    async def claim(
        self, call_id: str, now: datetime, lease: timedelta, session: Any = None
    ) -> CallRecord | None:
        record = self.records[call_id]
        if record.phase != "queued":
            return None
        record.phase, record.claimed_until, record.placing_at = "placing", now + lease, now
        return record.model_copy(deep=True)

    async def expired_claims(self, now: datetime, limit: int) -> list[CallRecord]:
        return []

    async def due(self, now: datetime, limit: int) -> list[CallRecord]:
        return [record for record in self.records.values() if record.phase == "queued"]


class MemoryRegister:
    def __init__(self) -> None:
        self.keys: set[str] = set()

    def opt_out(self, scope: OptOutScope) -> None:
        self.keys |= {entry.key for entry in scope.entries()}

    async def bars(self, record: CallRecord, session: Any) -> bool:
        patient = record.patient
        keys = keys_barring(record.practice_id, patient.patient_id, patient.phone_number)
        return bool(self.keys & set(keys))


class MemoryLines:
    def __init__(self) -> None:
        self.released: list[str] = []

    async def acquire(self, practice_id: str, call_id: str) -> bool:
        return True

    async def release(self, practice_id: str, call_id: str, session: Any = None) -> None:
        self.released.append(call_id)


def claims_over(
    calls: MemoryCalls, register: MemoryRegister
) -> tuple[PlacementClaims, MemoryRunner, MemoryLines]:
    runner, lines = MemoryRunner(), MemoryLines()
    claims = PlacementClaims(runner, calls, register, lines)  # type: ignore[arg-type]
    return claims, runner, lines


async def test_a_call_nobody_opted_out_of_is_claimed() -> None:
    calls, register = MemoryCalls(call()), MemoryRegister()
    register.opt_out(OptOutScope(OTHER_PRACTICE, PATIENT, None))
    claims, runner, _ = claims_over(calls, register)

    claimed = await claims.claim(call().id, NOW, LEASE)

    assert claimed is not None and claimed.phase == "placing"
    assert runner.emitted == []


@pytest.mark.parametrize(
    "scope",
    [OptOutScope(PRACTICE, PATIENT, None), OptOutScope(None, None, NUMBER)],
    ids=["patient at the practice", "number everywhere"],
)
async def test_a_barred_call_is_canceled_in_the_claim_and_never_claimed(
    scope: OptOutScope,
) -> None:
    calls, register = MemoryCalls(call()), MemoryRegister()
    register.opt_out(scope)
    claims, runner, lines = claims_over(calls, register)

    claimed = await claims.claim(call().id, NOW, LEASE)

    assert claimed is None
    stored = calls.records[call().id]
    assert (stored.phase, stored.reason, stored.detail) == ("failed", "canceled", OPTED_OUT_DETAIL)
    (failed,) = runner.emitted
    assert isinstance(failed, CallFailed)
    assert (failed.reason, failed.detail) == ("canceled", OPTED_OUT_DETAIL)
    assert lines.released == [call().id]


async def test_a_call_already_ended_or_not_yet_due_is_left_alone() -> None:
    ended = call().model_copy(update={"phase": "failed"})
    later = call(patient_id=OTHER_PATIENT).model_copy(update={"due_at": NOW + LEASE})
    calls, register = MemoryCalls(ended, later), MemoryRegister()
    register.opt_out(OptOutScope(None, None, NUMBER))
    claims, runner, _ = claims_over(calls, register)

    assert await claims.claim(ended.id, NOW, LEASE) is None
    assert await claims.claim(later.id, NOW, LEASE) is None
    assert runner.emitted == []
    assert calls.records[later.id].phase == "queued"


# ----- the look right before dialling -------------------------------------------------


class MemoryPacer:
    """Grants every token; `on_take` lets an opt-out land between claim and dial."""

    def __init__(self, on_take: Callable[[], None] = lambda: None) -> None:
        self._on_take = on_take

    async def take(self, now: datetime) -> PaceDecision:
        self._on_take()
        return PaceDecision(allowed=True, next_free=now, retry_at=now)


class NoPractices:
    async def get(self, practice_id: str) -> None:
        return None


class RecordingTelephony:
    name = "recording"

    def __init__(self) -> None:
        self.placed: list[str] = []

    async def place(self, placement: Placement) -> str:
        self.placed.append(placement.call_id)
        return f"sim_{placement.call_id}"


class RecordingDesk:
    def __init__(self) -> None:
        self.gave_up: list[tuple[str, str]] = []
        self.dialled: list[str] = []

    async def give_up(self, call_id: str, detail: str, *_: Any) -> None:
        self.gave_up.append((call_id, detail))

    async def placed(self, call_id: str, provider_call_id: str, sender: str | None = None) -> None:
        self.dialled.append(call_id)


def scheduler_over(
    calls: MemoryCalls, register: MemoryRegister, pacer: MemoryPacer
) -> tuple[PlacementScheduler, RecordingTelephony, RecordingDesk]:
    claims, _, lines = claims_over(calls, register)
    telephony, desk = RecordingTelephony(), RecordingDesk()
    scheduler = PlacementScheduler(
        calls,  # type: ignore[arg-type]
        claims,
        NoPractices(),  # type: ignore[arg-type]
        lines,  # type: ignore[arg-type]
        pacer,  # type: ignore[arg-type]
        telephony,  # type: ignore[arg-type]
        desk,  # type: ignore[arg-type]
        FrozenClock(NOW),
        poll_seconds=1,
        lease_seconds=LEASE.total_seconds(),
    )
    return scheduler, telephony, desk


async def test_an_opt_out_landing_after_the_claim_stops_the_dial() -> None:
    calls, register = MemoryCalls(call()), MemoryRegister()

    def arrives() -> None:
        register.opt_out(OptOutScope(PRACTICE, PATIENT, NUMBER))

    scheduler, telephony, desk = scheduler_over(calls, register, MemoryPacer(arrives))

    await scheduler.run_once()

    assert telephony.placed == []
    assert desk.gave_up == [(call().id, OPTED_OUT_DETAIL)]


async def test_without_an_opt_out_the_call_is_dialled() -> None:
    calls, register = MemoryCalls(call()), MemoryRegister()
    scheduler, telephony, desk = scheduler_over(calls, register, MemoryPacer())

    await scheduler.run_once()

    assert telephony.placed == [call().id]
    assert desk.dialled == [call().id]
    assert desk.gave_up == []
