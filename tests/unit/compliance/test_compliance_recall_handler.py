"""The recall handler with in-memory storage: what it writes, emits, and when it reruns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.clock import FrozenClock
from sightsync.common.messages.base import Envelope, Refusal
from sightsync.common.messages.calls import CallAccepted, PlaceCall
from sightsync.common.messages.recall import RequestRecall
from sightsync.compliance.adapters.calls import AcceptedCall
from sightsync.compliance.domain.bank_holidays import Nation
from sightsync.compliance.domain.patient import Patient
from sightsync.compliance.domain.plans import Plan, SubscriptionStatus
from sightsync.compliance.domain.practice import Practice
from sightsync.compliance.domain.recall_interval import RiskCategory
from sightsync.compliance.handlers.common import DecisionRaced
from sightsync.compliance.handlers.ports import Session
from sightsync.compliance.handlers.recall import RecallHandlers

NOW = datetime(2025, 6, 11, 10, 0, tzinfo=UTC)

PRACTICE = Practice(
    id="prac_1",
    name="Clearview",
    plan=Plan.STARTER,
    limit_override=None,
    allow_overage=False,
    status=SubscriptionStatus.ACTIVE,
    nation=Nation.WALES,
    caller_id="+442920180001",
    diary=None,
    revision=1,
    created_at=NOW,
    updated_at=NOW,
)
PATIENT = Patient(
    id="pat_1",
    practice_id="prac_1",
    first_name="Ada",
    last_name=None,
    phone_e164="+447700900123",
    email=None,
    risk_category=RiskCategory.DIABETIC,
    last_eye_test_date=None,
    next_clinical_due_date=None,
    clinical_notes="never sent to the dialer",
    opted_out=False,
    tps_registered=False,
    recent_calls=(),
    call_version=0,
    created_at=NOW,
    updated_at=NOW,
)


class FakePractices:
    async def get(self, practice_id: str, session: Session) -> Practice | None:
        return PRACTICE if practice_id == PRACTICE.id else None


@dataclass
class FakePatients:
    patient: Patient = PATIENT
    # Another decision bumps the version between our read and our write.
    raced: bool = False
    flagged: list[str] = field(default_factory=list)

    async def get(self, practice_id: str, patient_id: str, session: Session) -> Patient | None:
        matches = (self.patient.practice_id, self.patient.id) == (practice_id, patient_id)
        return self.patient if matches else None

    async def flag_tps(self, patient_id: str) -> None:
        self.flagged.append(patient_id)

    async def record_call(
        self, patient: Patient, recent_calls: Sequence[datetime], session: Session
    ) -> bool:
        if self.raced:
            return False
        self.patient = replace(
            patient, recent_calls=tuple(recent_calls), call_version=patient.call_version + 1
        )
        return True


@dataclass
class FakeLedger:
    used: int = 0
    calls: list[AcceptedCall] = field(default_factory=list)

    async def find_by_idempotency_key(
        self, practice_id: str, key: str, session: Session
    ) -> AcceptedCall | None:
        return next((call for call in self.calls if call.idempotency_key == key), None)

    async def record(self, call: AcceptedCall, session: Session) -> bool:
        self.calls.append(call)
        return True

    async def release_idempotency_key(self, call: AcceptedCall, session: Session) -> bool:
        index = self.calls.index(call)
        self.calls[index] = replace(call, idempotency_key=None)
        return True

    async def calls_used(self, practice_id: str, month: str, session: Session) -> int:
        return self.used

    async def count_call(
        self, practice_id: str, month: str, limit: int | None, session: Session
    ) -> bool:
        if limit is not None and self.used >= limit:
            return False
        self.used += 1
        return True


@dataclass
class FakeRegister:
    numbers: set[str] = field(default_factory=set)

    async def contains(self, phone_e164: str, session: Session = None) -> bool:
        return phone_e164 in self.numbers


def _context(message: RequestRecall, now: datetime = NOW) -> MessageContext:
    envelope = Envelope.wrap(message, occurred_at=now, correlation_id="corr")
    return MessageContext(envelope=envelope, clock=FrozenClock(now))


def _handlers(
    patients: FakePatients, ledger: FakeLedger, register: FakeRegister | None = None
) -> RecallHandlers:
    return RecallHandlers(FakePractices(), patients, ledger, register or FakeRegister())  # type: ignore[arg-type]  # fakes implement only what recall uses


REQUEST = RequestRecall(practice_id="prac_1", patient_id="pat_1", idempotency_key="k1")


async def test_acceptance_counts_the_call_and_emits_the_command_and_event() -> None:
    patients, ledger = FakePatients(), FakeLedger()
    context = _context(REQUEST)

    accepted = await _handlers(patients, ledger).request(REQUEST, context)

    assert accepted.accepted_at == NOW
    assert ledger.used == 1
    assert patients.patient.recent_calls == (NOW,)
    assert [envelope.type for envelope in context.emitted] == [
        CallAccepted.message_type,
        PlaceCall.message_type,
    ]
    command = PlaceCall.model_validate(context.emitted[1].payload)
    assert (command.call_id, command.nation, command.caller_id) == (
        accepted.call_id,
        "wales",
        "+442920180001",
    )
    assert "clinical" not in context.emitted[1].model_dump_json()
    assert {envelope.practice_id for envelope in context.emitted} == {"prac_1"}


async def test_a_retry_with_the_same_key_returns_the_first_call_and_emits_nothing() -> None:
    patients, ledger = FakePatients(), FakeLedger()
    handlers = _handlers(patients, ledger)
    first = await handlers.request(REQUEST, _context(REQUEST))

    context = _context(REQUEST)
    again = await handlers.request(REQUEST, context)

    assert again == first
    assert context.emitted == []
    assert ledger.used == 1


async def test_the_same_key_for_another_patient_is_422_and_accepts_nothing() -> None:
    other = replace(PATIENT, id="pat_2")
    patients, ledger = FakePatients(), FakeLedger()
    await _handlers(patients, ledger).request(REQUEST, _context(REQUEST))
    patients.patient = other
    asked = RequestRecall(practice_id="prac_1", patient_id="pat_2", idempotency_key="k1")
    context = _context(asked, NOW + timedelta(hours=23))

    with pytest.raises(Refusal) as raised:
        await _handlers(patients, ledger).request(asked, context)

    assert (raised.value.detail.status, raised.value.detail.code) == (
        422,
        "idempotency_key_mismatch",
    )
    assert raised.value.detail.message == (
        "Idempotency-Key was already used with a different request body"
    )
    assert context.emitted == []
    assert (len(ledger.calls), ledger.used) == (1, 1)


async def test_a_key_a_day_old_is_released_and_accepts_a_new_call() -> None:
    patients, ledger = FakePatients(), FakeLedger()
    handlers = _handlers(patients, ledger)
    first = await handlers.request(REQUEST, _context(REQUEST))

    context = _context(REQUEST, NOW + timedelta(days=1))
    again = await handlers.request(REQUEST, context)

    assert again.call_id != first.call_id
    assert [call.idempotency_key for call in ledger.calls] == [None, "k1"]
    assert len(context.emitted) == 2


async def test_a_key_taken_meanwhile_reruns_the_decision() -> None:
    class RacedLedger(FakeLedger):
        async def release_idempotency_key(self, call: AcceptedCall, session: Session) -> bool:
            return False

    ledger = RacedLedger()
    handlers = _handlers(FakePatients(), ledger)
    await handlers.request(REQUEST, _context(REQUEST))

    with pytest.raises(DecisionRaced):
        await handlers.request(REQUEST, _context(REQUEST, NOW + timedelta(days=1)))


async def test_a_missed_guard_reruns_the_transaction_instead_of_refusing() -> None:
    context = _context(REQUEST)

    with pytest.raises(DecisionRaced) as raised:
        await _handlers(FakePatients(raced=True), FakeLedger()).request(REQUEST, context)

    assert raised.value.has_error_label("TransientTransactionError")
    assert context.emitted == []


async def test_a_number_on_the_register_is_refused_and_the_patient_flagged() -> None:
    patients = FakePatients()
    register = FakeRegister({PATIENT.phone_e164})

    with pytest.raises(Refusal) as raised:
        await _handlers(patients, FakeLedger(), register).request(REQUEST, _context(REQUEST))

    assert (raised.value.detail.status, raised.value.detail.code) == (451, "tps_registered")
    assert patients.flagged == ["pat_1"]


async def test_a_full_month_refuses_with_the_counts() -> None:
    with pytest.raises(Refusal) as raised:
        await _handlers(FakePatients(), FakeLedger(used=300)).request(REQUEST, _context(REQUEST))

    assert raised.value.detail.status == 429
    assert raised.value.detail.details == {"calls_used": 300, "monthly_limit": 300}
