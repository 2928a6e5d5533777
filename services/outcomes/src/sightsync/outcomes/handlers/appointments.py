"""Listing appointments, and the status changes a practice makes to them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.clock import isoformat_z
from sightsync.common.logging import get_logger
from sightsync.common.messages.appointments import AppointmentUpdated
from sightsync.common.messages.base import Refusal
from sightsync.common.messages.outcomes import ListAppointments, UpdateAppointmentStatus
from sightsync.outcomes.adapters.event_log import MongoEventLog
from sightsync.outcomes.adapters.queries import MongoOutcomeQueries
from sightsync.outcomes.adapters.read_models import MongoReadModels
from sightsync.outcomes.domain.appointments import StatusChange, judge_status_change
from sightsync.outcomes.domain.events import Stream
from sightsync.outcomes.domain.projection import fold
from sightsync.outcomes.handlers.views import appointment_view

# Two changes in the same instant would leave "which came last" to a tie-break; each
# change is stamped at least this long after the one before, as stored time resolution.
_AFTER_PREVIOUS_CHANGE = timedelta(milliseconds=1)

log = get_logger(__name__)


class AppointmentHandlers:
    def __init__(
        self,
        queries: MongoOutcomeQueries,
        event_log: MongoEventLog,
        read_models: MongoReadModels,
    ) -> None:
        self._queries = queries
        self._log = event_log
        self._read_models = read_models

    async def list_appointments(
        self, message: ListAppointments, context: MessageContext
    ) -> dict[str, Any]:
        page, total = await self._queries.appointments(
            message.practice_id,
            limit=message.limit,
            offset=message.offset,
            status=message.status,
            patient_id=message.patient_id,
            from_date=message.from_date,
            to_date=message.to_date,
        )
        return {
            "appointments": [appointment_view(doc) for doc in page],
            "total": total,
            "limit": message.limit,
            "offset": message.offset,
        }

    async def update_status(
        self, message: UpdateAppointmentStatus, context: MessageContext
    ) -> dict[str, Any]:
        session = context.session
        stream = Stream("appointments", message.appointment_id)
        current = fold("appointments", await self._log.stream(stream, session))
        if (
            current is None
            or current["practice_id"] != message.practice_id
            or current["appointment_date"] is None
        ):
            raise Refusal("appointment_not_found", "Appointment not found", 404)

        now = context.clock.now()
        change = judge_status_change(current["status"], message.status, current["starts_at"], now)
        if change is StatusChange.UNCHANGED:
            log.info(
                "appointment_status_unchanged",
                appointment_id=message.appointment_id,
                status=message.status,
            )
            return {"appointment": appointment_view(current)}
        if change is StatusChange.NOT_ALLOWED:
            raise Refusal(
                "invalid_status_transition",
                f"Cannot change an appointment from {current['status']} to {message.status}",
                409,
                current_status=current["status"],
                requested_status=message.status,
            )
        if change is StatusChange.NOT_STARTED:
            raise Refusal(
                "appointment_not_started",
                "Cannot mark a no-show: the appointment has not started yet",
                409,
                starts_at=isoformat_z(current["starts_at"]),
            )

        if current["status_changed_at"] is not None:
            now = max(now, current["status_changed_at"] + _AFTER_PREVIOUS_CHANGE)
        event = AppointmentUpdated(
            appointment_id=message.appointment_id,
            practice_id=message.practice_id,
            patient_id=current["patient_id"],
            call_id=current["call_id"],
            starts_at=current["starts_at"],
            previous_status=current["status"],
            status=message.status,
            updated_at=now,
        )
        envelope = context.emit(event, practice_id=message.practice_id)
        await self._log.append(envelope, event, session)
        updated = fold("appointments", await self._log.stream(stream, session))
        assert updated is not None

        if not await self._read_models.save("appointments", updated, session):
            # Another change committed since we read: the caller retries against it.
            raise Refusal(
                "appointment_changed",
                "The appointment changed while updating it; fetch it and try again",
                409,
            )
        log.info(
            "appointment_status_changed",
            appointment_id=message.appointment_id,
            previous_status=current["status"],
            status=message.status,
        )
        return {"appointment": appointment_view(updated)}
