"""The AsyncAPI 3 document of every event SightSync publishes, generated from the models.

`python -m sightsync.common.asyncapi` prints it; `docs/asyncapi.json` is the committed copy
and a test fails when a model changes without it.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel

from sightsync.common.bus import topology
from sightsync.common.messages import Envelope, Event
from sightsync.common.messages.appointments import AppointmentBooked, AppointmentUpdated
from sightsync.common.messages.calls import (
    CallAccepted,
    CallAnswered,
    CallCompleted,
    CallFailed,
    CallPlaced,
    PatientSnapshot,
    TranscriptTurn,
)
from sightsync.common.messages.patients import PatientOptedOut, PatientOptOutRecorded
from sightsync.common.messages.practices import PracticeUpdated

SCHEMA_REF = "#/components/schemas/{model}"
_AT = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
_PATIENT = PatientSnapshot(
    patient_id="pat_01JNQ8ZK3M4V6T1Y2X9B0C7D5E",
    first_name="Alex",
    last_name="Example",
    phone_number="+447700900123",
    risk_category="diabetic",
)
_IDS = {
    "practice_id": "prac_01JNQ8Y1G2H3J4K5M6N7P8Q9R0",
    "patient_id": _PATIENT.patient_id,
    "call_id": "c_01JNQ9A2B3C4D5E6F7G8H9J0K1",
}

EXAMPLES: tuple[Event, ...] = (
    PracticeUpdated(
        practice_id=_IDS["practice_id"],
        name="High Street Opticians",
        plan="practice",
        monthly_limit=750,
        allow_overage=False,
        status="active",
        nation="england",
        caller_id="+442079460000",
        revision=3,
    ),
    CallAccepted(**_IDS, accepted_at=_AT),
    CallPlaced(**_IDS, placed_at=_AT, provider="twilio", provider_call_id="CA" + "0" * 32),
    CallAnswered(**_IDS, answered_at=_AT),
    CallCompleted(
        **_IDS,
        outcome="booked",
        summary="Booked a diabetic eye exam for Tuesday 10 March at 10:30am.",
        duration_seconds=74.5,
        started_at=_AT,
        ended_at=_AT,
        transcript=[
            TranscriptTurn(index=0, speaker="agent", text="Hello, this is ...", at=_AT),
            TranscriptTurn(index=1, speaker="patient", text="[pressed 1]", at=_AT),
        ],
    ),
    CallFailed(**_IDS, reason="no_answer", failed_at=_AT),
    AppointmentBooked(
        appointment_id="apt_01JNQ9C4D5E6F7G8H9J0K1M2N3",
        practice_id=_IDS["practice_id"],
        call_id=_IDS["call_id"],
        patient=_PATIENT,
        starts_at=datetime(2026, 3, 10, 10, 30, tzinfo=UTC),
        appointment_date=date(2026, 3, 10),
        appointment_time="10:30",
        appointment_type="diabetic_eye_exam",
        booked_at=_AT,
    ),
    AppointmentUpdated(
        appointment_id="apt_01JNQ9C4D5E6F7G8H9J0K1M2N3",
        practice_id=_IDS["practice_id"],
        patient_id=_IDS["patient_id"],
        call_id=_IDS["call_id"],
        starts_at=datetime(2026, 3, 10, 10, 30, tzinfo=UTC),
        previous_status="booked",
        status="confirmed",
        updated_at=_AT,
    ),
    PatientOptedOut(
        practice_id=_IDS["practice_id"],
        patient_id=_IDS["patient_id"],
        channel="call",
        call_id=_IDS["call_id"],
        opted_out_at=_AT,
    ),
    PatientOptOutRecorded(
        practice_id=_IDS["practice_id"],
        patient_id=_IDS["patient_id"],
        channel="portal",
        opted_out_at=_AT,
    ),
)


def build_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document describing every published event."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Envelope": _envelope_schema()}
    for example in sorted(EXAMPLES, key=lambda e: e.message_type):
        cls = type(example)
        name = cls.__name__
        channel_id = cls.message_type.replace(".", "_")
        schema = cls.model_json_schema(ref_template=SCHEMA_REF, mode="serialization")
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schema
        messages[name] = {
            "name": name,
            "title": name,
            "summary": (cls.__doc__ or name).strip().splitlines()[0],
            "contentType": "application/json",
            "headers": {
                "type": "object",
                "properties": {
                    "message_id": {"type": "string", "description": "equals the envelope id"},
                    "type": {"const": cls.message_type},
                },
            },
            "payload": {
                "allOf": [
                    {"$ref": SCHEMA_REF.format(model="Envelope")},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": cls.message_type},
                            "version": {"const": cls.version},
                            "payload": {"$ref": SCHEMA_REF.format(model=name)},
                        },
                    },
                ]
            },
            "examples": [{"name": "example", "payload": _example_envelope(example)}],
        }
        channels[channel_id] = {
            "address": cls.message_type,
            "title": cls.message_type,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {
                        "name": topology.EVENTS_EXCHANGE,
                        "type": "topic",
                        "durable": True,
                        "autoDelete": False,
                        "vhost": "/",
                    },
                    "bindingVersion": "0.3.0",
                }
            },
        }
        operations[f"publish_{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{name}"}],
            "bindings": {"amqp": {"deliveryMode": 2, "mandatory": True, "bindingVersion": "0.3.0"}},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "SightSync events",
            "version": "1.0.0",
            "description": (
                "Domain events on the `sightsync.events` topic exchange. Bind a queue of "
                "your own with the routing keys you need (`call.*`, `#`). Every message is "
                "an envelope; `payload` holds the event. Delivery is at least once: dedupe "
                "on the envelope `id`."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "production": {
                "host": "rabbitmq:5672",
                "protocol": "amqp",
                "protocolVersion": "0-9-1",
                "description": "The deployment's RabbitMQ (quorum queues).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _envelope_schema() -> dict[str, Any]:
    schema = Envelope.model_json_schema(ref_template=SCHEMA_REF, mode="serialization")
    schema.pop("$defs", None)
    return schema


def _example_envelope(event: Event) -> dict[str, Any]:
    envelope = Envelope.wrap(
        event,
        occurred_at=_AT,
        correlation_id="req_01JNQ9E6F7G8H9J0K1M2N3P4Q5",
        practice_id=getattr(event, "practice_id", None),
    ).model_copy(update={"id": "msg_01JNQ9F7G8H9J0K1M2N3P4Q5R6"})
    dumped: dict[str, Any] = json.loads(envelope.model_dump_json())
    return dumped


def render() -> str:
    """The document as stable, indented JSON."""
    return json.dumps(build_document(), indent=2, sort_keys=True) + "\n"


def _emitted_event_types() -> set[str]:
    return {type(example).message_type for example in EXAMPLES}


def undocumented_events(registered: dict[str, type[BaseModel]]) -> set[str]:
    """Registered product event types the document does not describe yet."""
    events = {
        key
        for key, cls in registered.items()
        if issubclass(cls, Event) and cls.__module__.startswith("sightsync.")
    }
    return events - _emitted_event_types()


if __name__ == "__main__":
    sys.stdout.write(render())
