"""What a webhook says about each bus event: ids and the least a practice needs to act.

No transcript, no clinical notes, no patient name or phone number: the practice already
holds those under `patient_id`, and a webhook body ends up in the receiver's logs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sightsync.common.clock import isoformat_z
from sightsync.common.messages.appointments import AppointmentBooked, AppointmentUpdated
from sightsync.common.messages.base import Envelope, Message
from sightsync.common.messages.calls import CallCompleted, CallFailed
from sightsync.common.messages.patients import PatientOptedOut, PatientOptOutRecorded

PING = "ping"
# Practices subscribe to what happened, not to how the bus learnt it: an opt-out compliance
# matched to a patient from a number alone is the same `patient.opted_out` to a receiver.
WEBHOOK_TYPES: dict[type[Message], str] = {PatientOptOutRecorded: PatientOptedOut.message_type}


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    practice_id: str
    created_at: datetime
    data: dict[str, Any]

    def body(self) -> str:
        """The exact JSON that is signed and sent, the same on every attempt."""
        document = {
            "id": self.id,
            "type": self.type,
            "created_at": isoformat_z(self.created_at),
            "data": self.data,
        }
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def event_id_for(envelope: Envelope) -> str:
    """The webhook event id of a bus message: the same ULID, so redelivery maps to one id."""
    return "evt_" + envelope.id.split("_", 1)[1]


def webhook_event(message: Message, envelope: Envelope) -> WebhookEvent | None:
    """The webhook for a bus event, or None when it names no practice or no patient."""
    data = _data(message)
    practice_id = getattr(message, "practice_id", None)
    if data is None or not practice_id:
        return None
    return WebhookEvent(
        id=event_id_for(envelope),
        type=WEBHOOK_TYPES.get(type(message), message.message_type),
        practice_id=practice_id,
        created_at=envelope.occurred_at,
        data=data,
    )


def ping_event(event_id: str, practice_id: str, endpoint_id: str, at: datetime) -> WebhookEvent:
    return WebhookEvent(
        id=event_id,
        type=PING,
        practice_id=practice_id,
        created_at=at,
        data={"endpoint_id": endpoint_id},
    )


def _data(message: Message) -> dict[str, Any] | None:
    match message:
        case CallCompleted():
            return {
                "call_id": message.call_id,
                "patient_id": message.patient_id,
                "outcome": message.outcome,
                "summary": message.summary,
                "duration_seconds": message.duration_seconds,
                "started_at": _instant(message.started_at),
                "ended_at": _instant(message.ended_at),
            }
        case CallFailed():
            # `detail` is the carrier's free text and may quote the number; `reason` suffices.
            return {
                "call_id": message.call_id,
                "patient_id": message.patient_id,
                "reason": message.reason,
                "failed_at": _instant(message.failed_at),
            }
        case AppointmentBooked():
            return {
                "appointment_id": message.appointment_id,
                "call_id": message.call_id,
                "patient_id": message.patient.patient_id,
                "appointment_date": message.appointment_date.isoformat(),
                "appointment_time": message.appointment_time,
                "appointment_type": message.appointment_type,
                "starts_at": _instant(message.starts_at),
                "booked_at": _instant(message.booked_at),
            }
        case AppointmentUpdated():
            return {
                "appointment_id": message.appointment_id,
                "call_id": message.call_id,
                "patient_id": message.patient_id,
                "starts_at": _instant(message.starts_at),
                "previous_status": message.previous_status,
                "status": message.status,
                "updated_at": _instant(message.updated_at),
            }
        case PatientOptedOut() | PatientOptOutRecorded():
            # Known only by number, it would need the number in the body; compliance follows
            # it with PatientOptOutRecorded, by id, for each patient the number matched.
            if message.patient_id is None:
                return None
            return {
                "patient_id": message.patient_id,
                "channel": message.channel,
                "call_id": message.call_id,
                "opted_out_at": _instant(message.opted_out_at),
            }
    return None


def _instant(value: datetime | None) -> str | None:
    return isoformat_z(value) if value is not None else None
