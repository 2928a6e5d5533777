"""The dialer's record of each call, owned by this service alone."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sightsync.common.messages.calls import PatientSnapshot, TranscriptTurn
from sightsync.dialer.domain.call_state import CallState, CallStatus, FailureReason, Outcome

Phase = Literal["queued", "placing", "calling", "ringing", "in_progress", "completed", "failed"]
ACTIVE_PHASES: tuple[Phase, ...] = ("placing", "calling", "ringing", "in_progress")
"""Phases in which the call holds one of its practice's lines."""
LIVE_PHASES: tuple[Phase, ...] = ("calling", "ringing", "in_progress")
"""Phases in which the provider has the call and owes us its end."""


class ConversationRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    slots: list[dict[str, Any]]
    moves: list[dict[str, Any]] = Field(default_factory=list)
    transcript: list[TranscriptTurn] = Field(default_factory=list)
    outcome: str | None = None
    summary: str | None = None
    last_reply: str = ""
    end_call: bool = False


class CallRecord(BaseModel):
    """One call: what to dial, where it stands, and the conversation so far."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(alias="_id")
    practice_id: str
    patient: PatientSnapshot
    practice_name: str
    caller_id: str | None
    sender: str | None = None
    """The number the call is dialled from (E.164), as patients see it and text back to."""
    nation: str
    accepted_at: datetime
    correlation_id: str
    causation_id: str | None = None
    created_at: datetime

    phase: Phase = "queued"
    reason: str | None = None
    detail: str | None = None
    outcome: str | None = None
    due_at: datetime | None = None
    claimed_until: datetime | None = None
    claims: int = 0

    provider: str | None = None
    provider_call_id: str | None = None
    placing_at: datetime | None = None
    placed_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: float | None = None

    conversation: ConversationRecord | None = None
    appointment_id: str | None = None
    opted_out: bool = False
    version: int = 0

    def status(self) -> CallStatus:
        """The provider-facing status; queued and placing calls count as calling."""
        if self.phase in ("queued", "placing", "calling"):
            return CallStatus(CallState.CALLING)
        if self.phase == "failed":
            return CallStatus(CallState.FAILED, reason=FailureReason(self.reason or "canceled"))
        if self.phase == "completed":
            outcome = Outcome(self.outcome) if self.outcome else None
            return CallStatus(CallState.COMPLETED, outcome=outcome)
        return CallStatus(CallState(self.phase))

    def to_doc(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="python")
