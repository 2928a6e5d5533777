"""`patient.opted_out`: never ring the patient again, starting with calls still queued.

Whichever channel the opt-out came by (a keypress on a call, a text, the portal), the
dialer records it in its own register, which the scheduler reads in the same transaction
as every claim, and cancels each queued call it reaches, emitting `call.failed` with the
state change. A call being placed is left to the scheduler, which looks at the register
again right before the provider request. A call already ringing or answered is left to
run: the patient is on the line, and the conversation honours what they say.

Idempotent: register entries are keyed by what they name, and a canceled call is no
longer queued, so the same opt-out heard twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.logging import get_logger
from sightsync.common.messages.patients import PatientOptedOut
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.opt_out_register import MongoOptOutRegister
from sightsync.dialer.adapters.practice_lines import MongoPracticeLines
from sightsync.dialer.adapters.unit_of_work import Unit
from sightsync.dialer.domain.call_state import FailureReason
from sightsync.dialer.domain.opt_out_register import OPTED_OUT_DETAIL, OptOutScope
from sightsync.dialer.handlers import lifecycle

log = get_logger(__name__)


class HandlePatientOptedOut:
    def __init__(
        self,
        calls: MongoCallRepository,
        register: MongoOptOutRegister,
        lines: MongoPracticeLines,
    ) -> None:
        self._calls = calls
        self._register = register
        self._lines = lines

    async def __call__(self, message: PatientOptedOut, context: MessageContext) -> None:
        scope = OptOutScope(message.practice_id, message.patient_id, message.phone_number)
        if not scope.names_anyone:
            log.warning("opt_out_names_nobody", practice_id=message.practice_id)
            return
        # A unit of our own: its events and notes are handed over once every write has gone
        # through, so an attempt aborted by a write conflict (and retried) logs nothing.
        session, now = context.session, context.clock.now()
        unit = Unit(session=session)

        added = await self._register.record(
            scope.entries(), message.opted_out_at, message.channel, session
        )
        reached = await self._calls.reached_by(scope, session)

        canceled: list[str] = []
        for record in reached:
            if record.phase != "queued":
                unit.note(_during_call(record.id, record.practice_id, record.phase))
                continue
            lifecycle.mark_failed(record, FailureReason.CANCELED, now, unit, OPTED_OUT_DETAIL)
            await self._lines.release(record.practice_id, record.id, session)
            await self._calls.save(record, session)
            canceled.append(record.id)

        for event in unit.emitted:
            context.emit(event, practice_id=getattr(event, "practice_id", None))
        for note in unit.notes:
            note()
        log.info(
            "opt_out_registered",
            practice_id=message.practice_id,
            patient_id=message.patient_id,
            channel=message.channel,
            new_entries=added,
            canceled_call_ids=canceled,
        )


def _during_call(call_id: str, practice_id: str, phase: str) -> Callable[[], None]:
    # Being placed (the scheduler looks again before dialling) or already live: left alone.
    return lambda: log.info(
        "opt_out_during_call", call_id=call_id, practice_id=practice_id, phase=phase
    )
