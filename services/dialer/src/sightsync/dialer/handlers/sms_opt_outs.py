"""A patient texts back to the number that rang them: STOP and its kin opt them out.

The dialer knows who it rang from which number, so a keyword from a patient's number to a
practice's caller id opts that patient out at every practice that rang them from it. The
events, and the record that this message was acted on, commit in one transaction; the
outbox relays them after commit and its sweep recovers them after a crash.

A keyword from a number the dialer never rang from that sender emits nothing: nothing ties
it to a practice, and an opt-out on every practice would let one text silence a number for
all of them. It gets the same confirmation all the same, so the reply never tells a
sender whether a number is on any practice's list (see docs/telephony.md).
"""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from sightsync.common.clock import Clock
from sightsync.common.ids import new_id
from sightsync.common.logging import get_logger
from sightsync.common.messages.patients import PatientOptedOut
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.sms_replies import MongoSmsReplies
from sightsync.dialer.adapters.unit_of_work import Unit, UnitRunner
from sightsync.dialer.domain.caller_id import normalise_caller_id
from sightsync.dialer.domain.sms_opt_out import is_opt_out

log = get_logger(__name__)


class SmsOptOuts:
    def __init__(
        self,
        runner: UnitRunner,
        calls: MongoCallRepository,
        replies: MongoSmsReplies,
        clock: Clock,
    ) -> None:
        self._runner = runner
        self._calls = calls
        self._replies = replies
        self._clock = clock

    async def received(self, message_sid: str, patient_number: str, to: str, body: str) -> bool:
        """Act on one text from `patient_number` to our number `to`; True when it asked to
        stop, and the patient should be told they are opted out."""
        if not is_opt_out(body):
            log.info("sms_reply_ignored", message_sid=message_sid)
            return False
        sender = normalise_caller_id(to) or to

        async def work(unit: Unit) -> None:
            await self._opt_out(unit, message_sid, patient_number.strip(), sender)

        try:
            await self._runner.run(work)
        except DuplicateKeyError:
            # The same message delivered twice at once: the other delivery acted on it.
            log.info("sms_opt_out_repeated", message_sid=message_sid)
        return True

    async def _opt_out(self, unit: Unit, message_sid: str, number: str, sender: str) -> None:
        if await self._replies.seen(message_sid, unit.session):
            unit.note(lambda: log.info("sms_opt_out_repeated", message_sid=message_sid))
            return
        now = self._clock.now()
        called = await self._calls.called_from(number, sender, unit.session)

        unit.correlate(new_id("req"), None)
        for practice_id, patient_id in called:
            unit.emit(
                PatientOptedOut(
                    practice_id=practice_id,
                    patient_id=patient_id,
                    phone_number=number,
                    channel="sms",
                    opted_out_at=now,
                )
            )
        practice_ids = sorted({practice_id for practice_id, _ in called})
        await self._replies.record(message_sid, now, practice_ids, unit.session)

        patient_ids = [patient_id for _, patient_id in called]
        unit.note(
            lambda: log.info(
                "sms_opt_out",
                message_sid=message_sid,
                practice_ids=practice_ids,
                patient_ids=patient_ids,
                matched=bool(called),
            )
        )
