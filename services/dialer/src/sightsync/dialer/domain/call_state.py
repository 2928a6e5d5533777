"""The lifecycle of one outbound call, as the telephony provider reports it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class CallState(StrEnum):
    CALLING = "calling"
    RINGING = "ringing"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"


class FailureReason(StrEnum):
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    CARRIER_ERROR = "carrier_error"
    CANCELED = "canceled"


class Outcome(StrEnum):
    BOOKED = "booked"
    DECLINED = "declined"
    CALLBACK_REQUESTED = "callback_requested"
    OPTED_OUT = "opted_out"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    FAILED = "failed"


class Verdict(StrEnum):
    ADVANCE = "advance"
    NO_OP = "no_op"
    OVERTAKEN = "overtaken"
    ILLEGAL = "illegal"


class IllegalTransitionError(ValueError):
    def __init__(self, current: CallStatus, target: CallStatus) -> None:
        super().__init__(f"call cannot move from {current} to {target}")
        self.current = current
        self.target = target


@dataclass(frozen=True)
class CallStatus:
    """Where a call stands; `reason` belongs to failed calls, `outcome` to completed ones."""

    state: CallState
    reason: FailureReason | None = None
    outcome: Outcome | None = None

    def __post_init__(self) -> None:
        if (self.state is CallState.FAILED) != (self.reason is not None):
            raise ValueError("a failure reason goes with the failed state and only with it")
        if self.outcome is not None and self.state is not CallState.COMPLETED:
            raise ValueError("only a completed call carries a conversation outcome")

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def final_outcome(self) -> Outcome | None:
        if self.reason is not None:
            return outcome_for_failure(self.reason)
        return self.outcome

    def __str__(self) -> str:
        return self.state.value if self.reason is None else f"{self.state}({self.reason})"


FINAL_STATES: Final = frozenset({CallState.COMPLETED, CallState.FAILED})

# Providers may drop or reorder the "ringing" callback, so a call that was only accepted may
# report that it was answered, or that it failed, without ringing first. Voicemail needs an
# answer (a machine picked up), so it is only reachable from in_progress, and only while the
# patient has not yet spoken (see check_transition).
_NEXT_STATES: Final[dict[CallState, frozenset[CallState]]] = {
    CallState.CALLING: frozenset({CallState.RINGING, CallState.IN_PROGRESS, CallState.FAILED}),
    CallState.RINGING: frozenset({CallState.IN_PROGRESS, CallState.FAILED}),
    CallState.IN_PROGRESS: frozenset({CallState.COMPLETED, CallState.FAILED}),
    CallState.COMPLETED: frozenset(),
    CallState.FAILED: frozenset(),
}

_FAILURES_FROM: Final[dict[CallState, frozenset[FailureReason]]] = {
    CallState.CALLING: frozenset(
        {
            FailureReason.NO_ANSWER,
            FailureReason.BUSY,
            FailureReason.CARRIER_ERROR,
            FailureReason.CANCELED,
        }
    ),
    CallState.RINGING: frozenset(
        {
            FailureReason.NO_ANSWER,
            FailureReason.BUSY,
            FailureReason.CARRIER_ERROR,
            FailureReason.CANCELED,
        }
    ),
    CallState.IN_PROGRESS: frozenset({FailureReason.VOICEMAIL, FailureReason.CARRIER_ERROR}),
}

_OUTCOME_FOR_FAILURE: Final[dict[FailureReason, Outcome]] = {
    FailureReason.NO_ANSWER: Outcome.NO_ANSWER,
    FailureReason.BUSY: Outcome.BUSY,
    FailureReason.VOICEMAIL: Outcome.VOICEMAIL,
    FailureReason.CARRIER_ERROR: Outcome.FAILED,
    FailureReason.CANCELED: Outcome.FAILED,
}


def check_transition(
    current: CallStatus, target: CallStatus, *, patient_engaged: bool = False
) -> Verdict:
    """Whether moving from `current` to `target` advances the call, repeats it, is overtaken
    by the conversation, or is illegal.

    `patient_engaged` is true once the patient has taken a turn or the conversation has
    reached an outcome.
    """
    if (current.state, current.reason) == (target.state, target.reason):
        # Providers retry their callbacks, so hearing the same status twice must be harmless;
        # the first outcome recorded for a completed call stands.
        return Verdict.NO_OP
    if target.reason is FailureReason.VOICEMAIL and patient_engaged:
        # Asynchronous machine detection can report long after a person answered; by then
        # the conversation is the better evidence, and a booking may already be announced.
        return Verdict.OVERTAKEN
    if target.state not in _NEXT_STATES[current.state]:
        return Verdict.ILLEGAL
    if target.reason is not None and target.reason not in _FAILURES_FROM[current.state]:
        return Verdict.ILLEGAL
    return Verdict.ADVANCE


def advance(
    current: CallStatus, target: CallStatus, *, patient_engaged: bool = False
) -> CallStatus:
    """The status after applying `target`; raises IllegalTransitionError when not allowed."""
    verdict = check_transition(current, target, patient_engaged=patient_engaged)
    if verdict is Verdict.ILLEGAL:
        raise IllegalTransitionError(current, target)
    return target if verdict is Verdict.ADVANCE else current


def outcome_for_failure(reason: FailureReason) -> Outcome:
    """The recall outcome recorded for a call that ended without a conversation."""
    return _OUTCOME_FOR_FAILURE[reason]
