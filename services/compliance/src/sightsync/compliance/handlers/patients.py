"""patient.upsert / list / get: the practice's patients, keyed by their E.164 number."""

from __future__ import annotations

from typing import Any

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Refusal
from sightsync.common.messages.patients import GetPatient, ListPatients, UpsertPatient
from sightsync.compliance.adapters.patients import PatientDetails
from sightsync.compliance.domain.patient import is_in_future
from sightsync.compliance.domain.phone import (
    CallableNumber,
    UnparseableNumber,
    check_phone_number,
)
from sightsync.compliance.domain.recall_interval import RiskCategory, next_clinical_due_date
from sightsync.compliance.domain.uk_time import uk_today
from sightsync.compliance.handlers.common import (
    current_instant,
    patient_not_found,
    practice_not_found,
)
from sightsync.compliance.handlers.ports import (
    OptOutList,
    PatientRepository,
    PracticeRepository,
    TpsRegister,
)
from sightsync.compliance.handlers.views import patient_view

log = get_logger(__name__)


class PatientHandlers:
    def __init__(
        self,
        practices: PracticeRepository,
        patients: PatientRepository,
        register: TpsRegister,
        opt_outs: OptOutList,
    ) -> None:
        self._practices = practices
        self._patients = patients
        self._register = register
        self._opt_outs = opt_outs

    async def upsert(self, message: UpsertPatient, context: MessageContext) -> dict[str, Any]:
        phone_e164 = _callable_e164(message.phone_number)
        now = current_instant(context)
        if message.last_eye_test_date is not None and is_in_future(message.last_eye_test_date, now):
            raise Refusal(
                "invalid_field",
                "last_eye_test_date cannot be in the future",
                400,
                field="last_eye_test_date",
            )
        if await self._practices.get(message.practice_id, None) is None:
            raise practice_not_found()

        risk = RiskCategory(message.risk_category)
        details = PatientDetails(
            first_name=message.first_name,
            last_name=message.last_name,
            email=message.email,
            risk_category=risk,
            last_eye_test_date=message.last_eye_test_date,
            next_clinical_due_date=next_clinical_due_date(message.last_eye_test_date, risk),
            clinical_notes=message.clinical_notes,
        )
        # The register decides every recall; the flag mirrors it as of this upsert.
        on_register = await self._register.contains(phone_e164)
        opted_out = await self._opt_outs.covers(message.practice_id, phone_e164)

        patient = await self._patients.upsert(
            message.practice_id,
            phone_e164,
            details,
            now=now,
            opted_out=opted_out,
            tps_registered=on_register,
        )

        log.info(
            "patient_upserted",
            practice_id=patient.practice_id,
            patient_id=patient.id,
            created=patient.created_at == now,
            opted_out=patient.opted_out,
            tps_registered=patient.tps_registered,
        )
        return {"patient": patient_view(patient, with_notes=False).model_dump(mode="json")}

    async def list(self, message: ListPatients, context: MessageContext) -> dict[str, Any]:
        due_before = uk_today(context.clock.now()) if message.overdue_only else None
        patients, total = await self._patients.page(
            message.practice_id,
            risk_category=None
            if message.risk_category is None
            else RiskCategory(message.risk_category),
            due_before=due_before,
            limit=message.limit,
            offset=message.offset,
        )
        return {
            "patients": [
                patient_view(patient, with_notes=False).model_dump(mode="json")
                for patient in patients
            ],
            "total": total,
            "limit": message.limit,
            "offset": message.offset,
        }

    async def get(self, message: GetPatient, context: MessageContext) -> dict[str, Any]:
        patient = await self._patients.get(message.practice_id, message.patient_id, None)
        if patient is None:
            raise patient_not_found()
        return {"patient": patient_view(patient, with_notes=True).model_dump(mode="json")}


def _callable_e164(raw: str) -> str:
    checked = check_phone_number(raw)
    if isinstance(checked, UnparseableNumber):
        raise Refusal("invalid_phone_number", checked.message, 422, field="phone_number")
    if not isinstance(checked, CallableNumber):
        raise Refusal("phone_number_not_callable", checked.message, 422, field="phone_number")
    return checked.e164
