"""What the dialer does, read from one place."""

from __future__ import annotations

from collections.abc import Callable

from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.common.messages.appointments import AppointmentUpdated
from sightsync.common.messages.calls import PlaceCall
from sightsync.common.messages.patients import PatientOptedOut
from sightsync.common.messages.practices import PracticeUpdated
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.opt_out_register import MongoOptOutRegister
from sightsync.dialer.adapters.practice_lines import MongoPracticeLines
from sightsync.dialer.adapters.practices import MongoPracticeDirectory
from sightsync.dialer.adapters.slot_bookings import MongoSlotBook
from sightsync.dialer.handlers.appointments import HandleAppointmentUpdated
from sightsync.dialer.handlers.opt_outs import HandlePatientOptedOut
from sightsync.dialer.handlers.place_call import HandlePlaceCall
from sightsync.dialer.handlers.practices import HandlePracticeUpdated


def build_registry(
    calls: MongoCallRepository,
    practices: MongoPracticeDirectory,
    slots: MongoSlotBook,
    register: MongoOptOutRegister,
    lines: MongoPracticeLines,
    wake_scheduler: Callable[[], None],
) -> HandlerRegistry:
    registry = HandlerRegistry()
    registry.command(PlaceCall, HandlePlaceCall(calls, wake_scheduler), transactional=False)
    registry.event(PracticeUpdated, HandlePracticeUpdated(practices))
    registry.event(AppointmentUpdated, HandleAppointmentUpdated(slots))
    registry.event(PatientOptedOut, HandlePatientOptedOut(calls, register, lines))
    return registry
