"""Simulated patients for TELEPHONY=simulated: the number's last digit picks the script.

1, 0 and 9 book; 2 declines; 3 does not answer; 4 is busy; 5 is an answering machine;
6 presses 9 to opt out; 7 asks to be called back; 8 fails in the network. The digit
before the last picks between two phrasings, so repeated demos do not sound identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from sightsync.dialer.domain import prompts
from sightsync.dialer.domain.call_state import FailureReason, Outcome


class ProviderReport(StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    MACHINE = "machine"
    CARRIER_ERROR = "carrier_error"


@dataclass(frozen=True)
class PatientMove:
    """One reply from the simulated patient: words, or keys pressed."""

    text: str | None = None
    digits: str | None = None

    def __post_init__(self) -> None:
        if (self.text is None) == (self.digits is None):
            raise ValueError("a patient move is either speech or keypresses")


def say(text: str) -> PatientMove:
    return PatientMove(text=text)


def press(digits: str) -> PatientMove:
    return PatientMove(digits=digits)


@dataclass(frozen=True)
class PatientScript:
    name: str
    provider: ProviderReport
    expected: Outcome
    on_offer: PatientMove | None = None
    on_which: PatientMove | None = None
    on_other_times: PatientMove | None = None

    def reply_to(self, agent_text: str) -> PatientMove | None:
        """What the patient answers to the agent's turn; None when nothing is asked."""
        if prompts.WHICH_QUESTION in agent_text:
            return self.on_which
        if prompts.OTHER_TIMES_QUESTION in agent_text:
            return self.on_other_times
        if prompts.OFFER_CUE in agent_text:
            return self.on_offer
        return None


def failure_for(report: ProviderReport) -> FailureReason | None:
    """How a provider report ends the call without a conversation; None once answered."""
    return _FAILURES.get(report)


_FAILURES: Final = {
    ProviderReport.NO_ANSWER: FailureReason.NO_ANSWER,
    ProviderReport.BUSY: FailureReason.BUSY,
    ProviderReport.MACHINE: FailureReason.VOICEMAIL,
    ProviderReport.CARRIER_ERROR: FailureReason.CARRIER_ERROR,
}


def _answered(name: str, expected: Outcome, **moves: PatientMove) -> PatientScript:
    return PatientScript(name, ProviderReport.ANSWERED, expected, **moves)


def _unanswered(name: str, report: ProviderReport, expected: Outcome) -> PatientScript:
    return PatientScript(name, report, expected)


_SCRIPTS: Final[dict[str, tuple[PatientScript, PatientScript]]] = {
    "1": (
        _answered(
            "books_first",
            Outcome.BOOKED,
            on_offer=say("Yes, the first one please."),
            on_which=say("The first one, please."),
            on_other_times=say("Yes please."),
        ),
        _answered(
            "books_first",
            Outcome.BOOKED,
            on_offer=say("Yeah, go on then, the first one."),
            on_which=say("The earlier one."),
            on_other_times=say("Go on then."),
        ),
    ),
    "2": (
        _answered(
            "declines",
            Outcome.DECLINED,
            on_offer=say("No thanks, I'm not interested."),
            on_which=say("No thanks."),
            on_other_times=say("No, thank you."),
        ),
        _answered(
            "declines",
            Outcome.DECLINED,
            on_offer=say("Not really, no."),
            on_which=say("Not really."),
            on_other_times=say("No, I'll leave it thanks."),
        ),
    ),
    "3": (_unanswered("no_answer", ProviderReport.NO_ANSWER, Outcome.NO_ANSWER),) * 2,
    "4": (_unanswered("busy", ProviderReport.BUSY, Outcome.BUSY),) * 2,
    "5": (_unanswered("voicemail", ProviderReport.MACHINE, Outcome.VOICEMAIL),) * 2,
    "6": (
        _answered(
            "opts_out",
            Outcome.OPTED_OUT,
            on_offer=press("9"),
            on_which=press("9"),
            on_other_times=press("9"),
        ),
    )
    * 2,
    "7": (
        _answered(
            "call_back",
            Outcome.CALLBACK_REQUESTED,
            on_offer=say("I'm at work, can you ring me later?"),
            on_which=say("Can you call me back later?"),
            on_other_times=say("Can you call me back later?"),
        ),
        _answered(
            "call_back",
            Outcome.CALLBACK_REQUESTED,
            on_offer=say("Sorry, I'm busy right now, call me back another day."),
            on_which=say("Not a good time, sorry, ring me later."),
            on_other_times=say("Not a good time, sorry, ring me later."),
        ),
    ),
    "8": (_unanswered("carrier_error", ProviderReport.CARRIER_ERROR, Outcome.FAILED),) * 2,
    "9": (
        _answered(
            "books_either",
            Outcome.BOOKED,
            on_offer=say("Yes please."),
            on_which=say("Either is fine."),
            on_other_times=say("Yes please."),
        ),
        _answered(
            "books_either",
            Outcome.BOOKED,
            on_offer=say("That'd be lovely."),
            on_which=say("I don't mind, whichever."),
            on_other_times=say("Yes, go on."),
        ),
    ),
    "0": (
        _answered(
            "books_second",
            Outcome.BOOKED,
            on_offer=say("The second one would be lovely."),
            on_which=say("The second one."),
            on_other_times=say("Yes please."),
        ),
        _answered(
            "books_second",
            Outcome.BOOKED,
            on_offer=say("Can I have the second one, please?"),
            on_which=say("The later one, please."),
            on_other_times=press("1"),
        ),
    ),
}


def script_for(e164_number: str) -> PatientScript:
    """The simulated patient behind a phone number; raises ValueError without digits."""
    digits = [character for character in e164_number if character.isdigit()]
    if not digits:
        raise ValueError("a phone number needs at least one digit")
    variant = int(digits[-2]) % 2 if len(digits) > 1 else 0
    return _SCRIPTS[digits[-1]][variant]
