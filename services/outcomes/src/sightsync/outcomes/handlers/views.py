"""Read-model documents as the JSON replies the gateway relays."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sightsync.common.clock import isoformat_z
from sightsync.common.storage import Document

_CALL_INSTANTS = ("accepted_at", "placed_at", "answered_at", "started_at", "ended_at")


def appointment_view(doc: Document) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "patient_id": doc["patient_id"],
        "patients": doc["patients"],
        "call_id": doc["call_id"],
        "appointment_date": doc["appointment_date"],
        "appointment_time": doc["appointment_time"],
        "appointment_type": doc["appointment_type"],
        "status": doc["status"],
        "starts_at": _instant(doc["starts_at"]),
        "created_at": _instant(doc["created_at"]),
        "updated_at": _instant(doc["updated_at"]),
    }


def call_view(doc: Document, *, with_transcript: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": doc["_id"],
        "patient_id": doc["patient_id"],
        "status": doc["status"],
        "outcome": doc["outcome"],
        "failure_reason": doc["failure_reason"],
        "summary": doc["summary"],
        "duration_seconds": doc["duration_seconds"],
        **{field: _instant(doc[field]) for field in _CALL_INSTANTS},
    }
    if with_transcript:
        view["transcript"] = [
            {**turn, "at": _instant(turn["at"])} for turn in doc.get("transcript", [])
        ]
    return view


def _instant(value: datetime | None) -> str | None:
    return None if value is None else isoformat_z(value)
