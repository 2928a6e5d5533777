"""recall.request and recall.eligibility: whether, and when, a patient may be rung.

A recall is decided inside one transaction. The decision reads a snapshot; the writes that
make it count are conditional (the patient's call version, the month's `used < limit`), so
a concurrent decision that committed first makes them conflict or miss, and this one is
rerun on what the winner left behind. The outbox entries for CallAccepted and PlaceCall
commit in the same transaction, so an accepted call and its dialer command never split.

An idempotency key is held by the call accepted under it for a day: a retry asking the same
replays that call, one asking something else is refused, and after a day the key is taken
off the old call in the same transaction that accepts the new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.clock import isoformat_z
from sightsync.common.ids import new_id
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Refusal
from sightsync.common.messages.calls import CallAccepted, PatientSnapshot, PlaceCall
from sightsync.common.messages.recall import (
    GetRecallEligibility,
    RecallAccepted,
    RequestRecall,
)
from sightsync.compliance.adapters.calls import AcceptedCall
from sightsync.compliance.domain.idempotency import KeyVerdict, judge_key, request_fingerprint
from sightsync.compliance.domain.patient import Patient, calls_after_accepting
from sightsync.compliance.domain.plans import usage_month
from sightsync.compliance.domain.practice import Practice
from sightsync.compliance.domain.recall_decision import (
    RecallRejected,
    RecallRequest,
    RejectionRule,
    decide_recall,
    earliest_allowed_at,
)
from sightsync.compliance.handlers.common import (
    DecisionRaced,
    current_instant,
    patient_not_found,
    practice_not_found,
)
from sightsync.compliance.handlers.ports import (
    CallLedger,
    PatientRepository,
    PracticeRepository,
    Session,
    TpsRegister,
)
from sightsync.compliance.handlers.recall_refusals import idempotency_key_reused, refusal_for
from sightsync.compliance.metrics import RECALL_DECISIONS

log = get_logger(__name__)


class RecallHandlers:
    def __init__(
        self,
        practices: PracticeRepository,
        patients: PatientRepository,
        calls: CallLedger,
        register: TpsRegister,
    ) -> None:
        self._practices = practices
        self._patients = patients
        self._calls = calls
        self._register = register

    async def request(self, message: RequestRecall, context: MessageContext) -> RecallAccepted:
        session = context.session
        now = current_instant(context)
        fingerprint = request_fingerprint(message.patient_id)
        if message.idempotency_key is not None:
            earlier = await self._holder_of_key(
                message.practice_id, message.idempotency_key, fingerprint, now, session
            )
            if earlier is not None:
                return _accepted(earlier)

        patient = await self._patients.get(message.practice_id, message.patient_id, session)
        practice = await self._practices.get(message.practice_id, session)
        if patient is None:
            _count("patient_not_found")
            raise patient_not_found()
        if practice is None:
            raise practice_not_found()

        month = usage_month(now)
        on_register = await self._register.contains(patient.phone_e164, session)
        used = await self._calls.calls_used(practice.id, month, session)
        decision = decide_recall(_recall_request(practice, patient, now, used, on_register))

        if isinstance(decision, RecallRejected):
            raise await self._refused(decision, patient)
        call = AcceptedCall(
            id=new_id("c"),
            practice_id=practice.id,
            patient_id=patient.id,
            accepted_at=now,
            month=month,
            overage=decision.overage,
            idempotency_key=message.idempotency_key,
            request_fingerprint=fingerprint if message.idempotency_key is not None else None,
        )

        await self._count_against_limits(call, practice, patient, context)

        context.emit(
            CallAccepted(
                call_id=call.id, practice_id=practice.id, patient_id=patient.id, accepted_at=now
            ),
            practice_id=practice.id,
        )
        context.emit(_place_call(call, practice, patient), practice_id=practice.id)
        context.after_commit(lambda: _report_acceptance(call))
        return _accepted(call)

    async def eligibility(
        self, message: GetRecallEligibility, context: MessageContext
    ) -> dict[str, Any]:
        patient = await self._patients.get(message.practice_id, message.patient_id, None)
        practice = await self._practices.get(message.practice_id, None)
        if patient is None or practice is None:
            raise patient_not_found()
        next_allowed = earliest_allowed_at(
            context.clock.now(), practice.nation, patient.recent_calls
        )
        return {"patient_id": patient.id, "next_allowed_at": isoformat_z(next_allowed)}

    async def _holder_of_key(
        self, practice_id: str, key: str, fingerprint: str, now: datetime, session: Session
    ) -> AcceptedCall | None:
        """The call to replay for this key, None when the key is free; refuses a reused key."""
        earlier = await self._calls.find_by_idempotency_key(practice_id, key, session)
        if earlier is None:
            return None
        assert earlier.request_fingerprint is not None
        verdict = judge_key(earlier.request_fingerprint, earlier.accepted_at, fingerprint, now)
        if verdict is KeyVerdict.REPLAY:
            log.info("recall_replayed", call_id=earlier.id, patient_id=earlier.patient_id)
            return earlier
        if verdict is KeyVerdict.MISMATCH:
            _count("idempotency_key_mismatch")
            log.info(
                "recall_refused",
                rule="idempotency_key_mismatch",
                practice_id=practice_id,
                call_id=earlier.id,
            )
            raise idempotency_key_reused()
        # Released in this transaction, so the key is never free without the new call
        # holding it on commit; a refused decision rolls the release back with it.
        if not await self._calls.release_idempotency_key(earlier, session):
            raise DecisionRaced("the idempotency key")
        log.info("idempotency_key_released", call_id=earlier.id, practice_id=practice_id)
        return None

    async def _refused(self, decision: RecallRejected, patient: Patient) -> Refusal:
        if decision.rule is RejectionRule.TPS_REGISTERED and not patient.tps_registered:
            await self._patients.flag_tps(patient.id)
        _count(decision.rule.value)
        log.info(
            "recall_refused",
            rule=decision.rule.value,
            practice_id=patient.practice_id,
            patient_id=patient.id,
        )
        return refusal_for(decision)

    async def _count_against_limits(
        self, call: AcceptedCall, practice: Practice, patient: Patient, context: MessageContext
    ) -> None:
        """The decisive writes; any that misses reruns the whole decision."""
        session = context.session
        if not await self._calls.record(call, session):
            raise DecisionRaced("the idempotency key")
        recent = calls_after_accepting(patient.recent_calls, call.accepted_at)
        if not await self._patients.record_call(patient, recent, session):
            raise DecisionRaced("the patient's recent calls")
        limit = None if practice.allow_overage else practice.monthly_limit
        if not await self._calls.count_call(practice.id, call.month, limit, session):
            raise DecisionRaced("the month's call count")


def _recall_request(
    practice: Practice, patient: Patient, now: datetime, used: int, on_register: bool
) -> RecallRequest:
    return RecallRequest(
        now=now,
        nation=practice.nation,
        subscription_status=practice.status,
        plan=practice.plan,
        calls_used_this_month=used,
        overage_allowed=practice.allow_overage,
        opted_out=patient.opted_out,
        tps_registered=on_register,
        phone_e164=patient.phone_e164,
        previous_call_instants=patient.recent_calls,
        monthly_limit=practice.monthly_limit,
    )


def _place_call(call: AcceptedCall, practice: Practice, patient: Patient) -> PlaceCall:
    return PlaceCall(
        call_id=call.id,
        practice_id=practice.id,
        accepted_at=call.accepted_at,
        patient=PatientSnapshot(
            patient_id=patient.id,
            first_name=patient.first_name,
            last_name=patient.last_name,
            phone_number=patient.phone_e164,
            risk_category=patient.risk_category.value,
        ),
        practice_name=practice.name,
        caller_id=practice.caller_id,
        nation=practice.nation.value,
    )


def _accepted(call: AcceptedCall) -> RecallAccepted:
    return RecallAccepted(call_id=call.id, patient_id=call.patient_id, accepted_at=call.accepted_at)


def _count(rule: str) -> None:
    RECALL_DECISIONS.labels(rule).inc()


def _report_acceptance(call: AcceptedCall) -> None:
    _count("accepted")
    log.info(
        "recall_accepted",
        call_id=call.id,
        practice_id=call.practice_id,
        patient_id=call.patient_id,
        overage=call.overage,
    )
