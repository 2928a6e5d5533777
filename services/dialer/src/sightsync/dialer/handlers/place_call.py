"""`call.place`: queue the call in the dialer's own collection; the scheduler dials it.

The handler only records the call, so the bus message is acknowledged at once however long
pacing makes the call wait. The call id is the record's unique key: a redelivered command,
or the same command reaching two replicas, finds the call already there and does nothing.
It runs outside a transaction on purpose: the single insert is the whole effect, and the
scheduler is woken only once the call is visible to it.
"""

from __future__ import annotations

from collections.abc import Callable

from pymongo.errors import DuplicateKeyError

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.logging import get_logger
from sightsync.common.messages.calls import PlaceCall
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.domain.caller_id import normalise_caller_id

log = get_logger(__name__)


class HandlePlaceCall:
    def __init__(self, calls: MongoCallRepository, wake_scheduler: Callable[[], None]) -> None:
        self._calls = calls
        self._wake_scheduler = wake_scheduler

    async def __call__(self, message: PlaceCall, context: MessageContext) -> None:
        calls = self._calls
        now = context.clock.now()
        record = CallRecord(
            id=message.call_id,
            practice_id=message.practice_id,
            patient=message.patient,
            practice_name=message.practice_name,
            caller_id=message.caller_id,
            # The practice's number as of acceptance; placement records the one dialled.
            sender=normalise_caller_id(message.caller_id),
            nation=message.nation,
            accepted_at=message.accepted_at,
            correlation_id=context.envelope.correlation_id,
            causation_id=context.envelope.id,
            created_at=now,
            due_at=now,
        )
        try:
            await calls.add(record, context.session)
        except DuplicateKeyError:
            log.info("call_already_queued", call_id=message.call_id)
            return

        log.info(
            "call_queued",
            call_id=message.call_id,
            practice_id=message.practice_id,
            patient_id=message.patient.patient_id,
        )
        self._wake_scheduler()
