"""The PatientOptedOut event: a patient, or a number, is never called again.

An opt-out by number alone (the portal) names no patient, so nobody downstream could tell
a practice which of its patients it was. For each patient it newly opts out, compliance
emits PatientOptOutRecorded through the outbox, in the transaction that marks them.
"""

from __future__ import annotations

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.logging import get_logger
from sightsync.common.messages.patients import PatientOptedOut, PatientOptOutRecorded
from sightsync.common.storage import Document
from sightsync.compliance.domain.phone import UnparseableNumber, check_phone_number
from sightsync.compliance.handlers.ports import OptOutList, PatientRepository

log = get_logger(__name__)


class OptOutHandlers:
    def __init__(self, patients: PatientRepository, opt_outs: OptOutList) -> None:
        self._patients = patients
        self._opt_outs = opt_outs

    async def opted_out(self, event: PatientOptedOut, context: MessageContext) -> None:
        """Opt out the patient, or the number at one practice or every practice; idempotent."""
        query: Document
        if event.patient_id is not None:
            query = {"_id": event.patient_id}
        elif event.phone_number is not None:
            checked = check_phone_number(event.phone_number)
            if isinstance(checked, UnparseableNumber):
                log.warning("opt_out_number_unusable", channel=event.channel, call_id=event.call_id)
                return
            query = {"phone_e164": checked.e164}
            await self._opt_outs.add(
                event.practice_id, checked.e164, event.opted_out_at, event.channel, context.session
            )
        else:
            log.warning("opt_out_without_subject", channel=event.channel, call_id=event.call_id)
            return
        if event.practice_id is not None:
            query["practice_id"] = event.practice_id

        # Only patients not yet opted out come back, so a repeat announces nobody twice.
        patients = await self._patients.opt_out(query, event.opted_out_at, context.session)

        by_number_only = event.patient_id is None
        for patient in patients:
            # The number stays opted out at this practice even if the record is recreated.
            await self._opt_outs.add(
                patient.practice_id,
                patient.phone_e164,
                event.opted_out_at,
                event.channel,
                context.session,
            )
            if by_number_only:
                context.emit(
                    PatientOptOutRecorded(
                        practice_id=patient.practice_id,
                        patient_id=patient.id,
                        channel=event.channel,
                        call_id=event.call_id,
                        opted_out_at=event.opted_out_at,
                    ),
                    practice_id=patient.practice_id,
                )
            log.info(
                "patient_opted_out",
                practice_id=patient.practice_id,
                patient_id=patient.id,
                channel=event.channel,
                call_id=event.call_id,
                announced=by_number_only,
            )
        if not patients:
            log.info("opt_out_already_applied", channel=event.channel, call_id=event.call_id)
