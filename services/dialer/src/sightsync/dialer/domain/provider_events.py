"""What a telephony provider can tell us about a call, and where each report moves it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from sightsync.dialer.domain.call_state import CallState, CallStatus, FailureReason


class ProviderEventKind(StrEnum):
    INITIATED = "initiated"
    RINGING = "ringing"
    ANSWERED = "answered"
    COMPLETED = "completed"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    CANCELED = "canceled"
    MACHINE = "machine"


@dataclass(frozen=True)
class ProviderEvent:
    kind: ProviderEventKind
    provider_call_id: str | None = None
    duration_seconds: float | None = None


_FAILURES: Final = {
    ProviderEventKind.NO_ANSWER: FailureReason.NO_ANSWER,
    ProviderEventKind.BUSY: FailureReason.BUSY,
    ProviderEventKind.FAILED: FailureReason.CARRIER_ERROR,
    ProviderEventKind.CANCELED: FailureReason.CANCELED,
    ProviderEventKind.MACHINE: FailureReason.VOICEMAIL,
}


def target_status(kind: ProviderEventKind, current: CallStatus) -> CallStatus | None:
    """The status a report asks for; None when it changes nothing (such as "initiated").

    A call that completes without ever being answered rang out: it is a no-answer. A call
    that ends while answered finishes its conversation; the caller fills in the outcome.
    """
    if kind is ProviderEventKind.INITIATED:
        return None
    if kind is ProviderEventKind.RINGING:
        return CallStatus(CallState.RINGING)
    if kind is ProviderEventKind.ANSWERED:
        return CallStatus(CallState.IN_PROGRESS)
    if kind is ProviderEventKind.COMPLETED:
        if current.state in (CallState.CALLING, CallState.RINGING):
            return CallStatus(CallState.FAILED, reason=FailureReason.NO_ANSWER)
        return CallStatus(CallState.COMPLETED)
    return CallStatus(CallState.FAILED, reason=_FAILURES[kind])


# Twilio's CallStatus values, as sent to status callbacks.
TWILIO_STATUSES: Final = {
    "queued": ProviderEventKind.INITIATED,
    "initiated": ProviderEventKind.INITIATED,
    "ringing": ProviderEventKind.RINGING,
    "in-progress": ProviderEventKind.ANSWERED,
    "answered": ProviderEventKind.ANSWERED,
    "completed": ProviderEventKind.COMPLETED,
    "busy": ProviderEventKind.BUSY,
    "no-answer": ProviderEventKind.NO_ANSWER,
    "failed": ProviderEventKind.FAILED,
    "canceled": ProviderEventKind.CANCELED,
}

# AnsweredBy values of answering-machine detection that mean nobody is listening.
MACHINE_ANSWERS: Final = frozenset(
    {"machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax"}
)
