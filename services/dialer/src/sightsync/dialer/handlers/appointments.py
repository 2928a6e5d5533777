"""`appointment.updated`: a cancelled appointment gives its diary slot back."""

from __future__ import annotations

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.logging import get_logger
from sightsync.common.messages.appointments import AppointmentUpdated
from sightsync.dialer.adapters.slot_bookings import MongoSlotBook

log = get_logger(__name__)


class HandleAppointmentUpdated:
    def __init__(self, slots: MongoSlotBook) -> None:
        self._slots = slots

    async def __call__(self, message: AppointmentUpdated, context: MessageContext) -> None:
        if message.status != "cancelled":
            return
        # Releasing is keyed on the appointment id, so a repeated cancellation frees nothing.
        freed = await self._slots.release(
            message.practice_id, message.appointment_id, context.session
        )
        log.info(
            "appointment_slot_freed" if freed else "appointment_slot_already_free",
            appointment_id=message.appointment_id,
            practice_id=message.practice_id,
            call_id=message.call_id,
        )
