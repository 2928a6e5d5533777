"""What outcomes does: project call, appointment and practice events; answer the reads."""

from __future__ import annotations

from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.common.messages.outcomes import (
    GetCall,
    GetUsage,
    ListAppointments,
    ListCalls,
    UpdateAppointmentStatus,
)
from sightsync.outcomes.domain.events import CONSUMED_EVENTS
from sightsync.outcomes.handlers.appointments import AppointmentHandlers
from sightsync.outcomes.handlers.calls import CallHandlers
from sightsync.outcomes.handlers.projection import Projector
from sightsync.outcomes.handlers.usage import UsageHandlers


def build_registry(
    projector: Projector,
    appointments: AppointmentHandlers,
    calls: CallHandlers,
    usage: UsageHandlers,
) -> HandlerRegistry:
    registry = HandlerRegistry()
    for event in CONSUMED_EVENTS:
        # Projection needs neither a transaction nor a dedupe record: the log keeps each
        # envelope once and the save is conditional, so a redelivery changes nothing.
        registry.event(event, projector.project, transactional=False, idempotent=True)
    registry.request(ListAppointments, appointments.list_appointments)
    registry.request(UpdateAppointmentStatus, appointments.update_status, transactional=True)
    registry.request(GetUsage, usage.get_usage)
    registry.request(GetCall, calls.get_call)
    registry.request(ListCalls, calls.list_calls)
    return registry
