"""Messages about recall calls: compliance accepts them, the dialer places them."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from sightsync.common.messages.base import Command, Event
from sightsync.common.messages.practices import Nation
from sightsync.common.messages.registry import register

RiskCategory = Literal[
    "standard", "diabetic", "glaucoma_suspect", "myopia_child", "contact_lens", "other_clinical"
]
CallOutcome = Literal[
    "booked",
    "declined",
    "callback_requested",
    "opted_out",
    "no_answer",
    "busy",
    "voicemail",
    "failed",
]
FailureReason = Literal["no_answer", "busy", "voicemail", "carrier_error", "canceled"]


class PatientSnapshot(BaseModel):
    """What the dialer needs to call and greet a patient, as of acceptance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    first_name: str
    last_name: str | None = None
    phone_number: str
    risk_category: RiskCategory


class TranscriptTurn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    speaker: Literal["agent", "patient"]
    text: str
    at: datetime


class PlaceCall(Command):
    """Place an accepted recall call; sent by compliance through its outbox."""

    message_type: ClassVar[str] = "call.place"
    owner: ClassVar[str] = "dialer"

    call_id: str
    practice_id: str
    accepted_at: datetime
    patient: PatientSnapshot
    practice_name: str
    caller_id: str | None
    nation: Nation


class CallAccepted(Event):
    """Compliance accepted a recall: it now counts against quota, spacing and cap."""

    message_type: ClassVar[str] = "call.accepted"

    call_id: str
    practice_id: str
    patient_id: str
    accepted_at: datetime


class CallPlaced(Event):
    """The dialer handed the call to the telephony provider."""

    message_type: ClassVar[str] = "call.placed"

    call_id: str
    practice_id: str
    patient_id: str
    placed_at: datetime
    provider: str
    provider_call_id: str | None = None


class CallAnswered(Event):
    message_type: ClassVar[str] = "call.answered"

    call_id: str
    practice_id: str
    patient_id: str
    answered_at: datetime


class CallCompleted(Event):
    """The conversation ended with an outcome."""

    message_type: ClassVar[str] = "call.completed"

    call_id: str
    practice_id: str
    patient_id: str
    outcome: CallOutcome
    summary: str
    duration_seconds: float
    started_at: datetime | None
    ended_at: datetime
    transcript: list[TranscriptTurn]


class CallFailed(Event):
    """The call never became a conversation, or broke off."""

    message_type: ClassVar[str] = "call.failed"

    call_id: str
    practice_id: str
    patient_id: str
    reason: FailureReason
    detail: str | None = None
    failed_at: datetime


register(PlaceCall, CallAccepted, CallPlaced, CallAnswered, CallCompleted, CallFailed)
