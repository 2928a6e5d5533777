"""What a patient's reply means for the recall conversation.

The conversation only depends on the `Understanding` protocol, so a language model can
replace the rule-based reading here without touching the flow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sightsync.dialer.domain import phrases
from sightsync.dialer.domain.slot_reference import choose_slot
from sightsync.dialer.domain.slots import Slot


class IntentKind(StrEnum):
    AFFIRM = "affirm"
    DECLINE = "decline"
    CHOOSE_SLOT = "choose_slot"
    OTHER_TIMES = "other_times"
    CALL_BACK = "call_back"
    OPT_OUT = "opt_out"
    REPEAT = "repeat"
    """The patient asks to hear the question again ("pardon?"); it answers nothing."""
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    slot_index: int | None = None
    """For CHOOSE_SLOT: the index of the chosen slot among those offered."""
    ruled_out: frozenset[int] = frozenset()
    """For OTHER_TIMES: indices of offered slots the patient turned down by name."""

    def __post_init__(self) -> None:
        if (self.kind is IntentKind.CHOOSE_SLOT) != (self.slot_index is not None):
            raise ValueError("a slot index goes with choose_slot and only with it")
        if self.ruled_out and self.kind is not IntentKind.OTHER_TIMES:
            raise ValueError("ruled-out slots go with other_times only")


AFFIRM = Intent(IntentKind.AFFIRM)
DECLINE = Intent(IntentKind.DECLINE)
OTHER_TIMES = Intent(IntentKind.OTHER_TIMES)
CALL_BACK = Intent(IntentKind.CALL_BACK)
OPT_OUT = Intent(IntentKind.OPT_OUT)
REPEAT = Intent(IntentKind.REPEAT)
UNCLEAR = Intent(IntentKind.UNCLEAR)


def choose(index: int) -> Intent:
    return Intent(IntentKind.CHOOSE_SLOT, slot_index=index)


def other_times(ruled_out: frozenset[int] = frozenset()) -> Intent:
    return Intent(IntentKind.OTHER_TIMES, ruled_out=ruled_out)


class Understanding(Protocol):
    def interpret(self, utterance: str, offered_slots: Sequence[Slot]) -> Intent: ...


class RuleBasedUnderstanding:
    """Deterministic reading of everyday British replies, checked in order of precedence.

    Opting out wins over everything: "no, stop calling me" must never book or call back.
    A refused booking ("don't book me in for Tuesday") and a request to hear the offer
    again win over a named slot, which wins over a bare yes or no ("no, the second one").
    """

    def interpret(self, utterance: str, offered_slots: Sequence[Slot]) -> Intent:
        text = phrases.normalise(utterance)
        whole = phrases.plain(text)
        if not whole:
            return UNCLEAR
        if phrases.says_stop(text) or phrases.matches_any(phrases.OPT_OUT, whole):
            return OPT_OUT
        if phrases.matches_any(phrases.CALL_BACK, whole):
            return CALL_BACK
        if phrases.matches_any(phrases.REFUSE, whole):
            return DECLINE
        if phrases.matches_any(phrases.REPEAT, whole):
            return REPEAT
        choice = choose_slot(text, offered_slots)
        if choice.index is not None:
            return choose(choice.index)
        if phrases.matches_any(phrases.WEAK_CALL_BACK, whole):
            return CALL_BACK
        # "Yes but not Tuesday" turns Tuesday down; it is never a yes to it.
        if choice.ruled_out or choice.unoffered or phrases.matches_any(phrases.OTHER_TIMES, whole):
            return other_times(choice.ruled_out)
        if phrases.matches_any(phrases.DECLINE, whole):
            return DECLINE
        if phrases.matches_any(phrases.AFFIRM, whole):
            return AFFIRM
        return UNCLEAR


def interpret_digits(digits: str, offered_slots: Sequence[Slot]) -> Intent:
    """Keypad replies: 1 accepts the first slot offered (or says yes), 2 asks for other
    times, 9 opts out. A 9 anywhere in the presses opts out, so it can never be missed."""
    pressed = "".join(character for character in digits if character.isdigit())
    if "9" in pressed:
        return OPT_OUT
    if pressed.startswith("1"):
        return choose(0) if offered_slots else AFFIRM
    if pressed.startswith("2"):
        return OTHER_TIMES
    return UNCLEAR
