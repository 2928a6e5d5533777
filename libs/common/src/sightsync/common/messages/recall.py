"""Requests to compliance about recall calls: the decision and when a patient may be rung."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from sightsync.common.messages.base import Request
from sightsync.common.messages.registry import register


class RequestRecall(Request):
    """Decide, atomically, whether a recall call may ring now; accept it or refuse.

    Replies RecallAccepted. Refusals carry the status the API answers with (404, 402, 409,
    422, 451, 425, 429) and the fields it lists (`reason`, `next_allowed_at`, `calls_used`,
    `monthly_limit`). `idempotency_key` (already scoped to the API key) makes a retry for
    the same patient within 24 h return the call first accepted under it; the same key for
    another patient is refused (422), and after 24 h the key is free again.
    """

    message_type: ClassVar[str] = "recall.request"
    owner: ClassVar[str] = "compliance"

    practice_id: str
    patient_id: str
    idempotency_key: str | None = None


class RecallAccepted(BaseModel):
    model_config = ConfigDict(frozen=True)

    call_id: str
    patient_id: str
    status: Literal["calling"] = "calling"
    accepted_at: datetime


class GetRecallEligibility(Request):
    """When the patient may next be rung under every time-based rule.

    Replies {"patient_id", "next_allowed_at": ISO 8601 UTC}; 404 for another practice's.
    """

    message_type: ClassVar[str] = "recall.eligibility"
    owner: ClassVar[str] = "compliance"

    practice_id: str
    patient_id: str


register(RequestRecall, GetRecallEligibility)
