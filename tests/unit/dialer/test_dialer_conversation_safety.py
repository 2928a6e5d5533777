"""Replies where a misreading harms the patient: a refusal booked, an opt-out missed, a
slot booked that was turned down, or a call ended because the patient asked "pardon?"."""

from datetime import date, time

import pytest

from sightsync.dialer.domain.call_state import Outcome
from sightsync.dialer.domain.conversation import ConversationEngine
from sightsync.dialer.domain.conversation_types import BookSlot, ConversationContext, Phase, Reply
from sightsync.dialer.domain.risk import RiskCategory
from sightsync.dialer.domain.slots import Slot, slot_at
from sightsync.dialer.domain.summary import EndReason

TUESDAY = slot_at(date(2025, 12, 9), time(10, 30))
WEDNESDAY = slot_at(date(2025, 12, 10), time(14, 0))
THURSDAY = slot_at(date(2025, 12, 11), time(9, 0))
FRIDAY = slot_at(date(2025, 12, 12), time(9, 0))
DAYS = (TUESDAY, WEDNESDAY, THURSDAY, FRIDAY)


def started(slots: tuple[Slot, ...] = DAYS) -> ConversationEngine:
    engine = ConversationEngine()
    engine.start(ConversationContext("Sarah", "Bright Eyes", RiskCategory.STANDARD, slots))
    return engine


def assert_ended(engine: ConversationEngine, reply: Reply, outcome: Outcome) -> None:
    assert reply.end_call and reply.action is None
    assert engine.result().outcome is outcome


OPT_OUTS = [
    "stop, stop",
    "STOP STOP STOP",
    "just stop",
    "stop it please",
    "please stop, thanks",
    "you can stop now",
    "I said stop",
    "ok stop",
    "yes stop",
    "Yes. Stop.",
    "no, and stop",
    "quit calling me",
    "I want to be removed",
    "take me off your list",
    "remove me",
    "I don't want you to call me",
    "I don't want to be called",
    "don't call me again",
    "please stop calling me",
]


@pytest.mark.parametrize("before", [[], ["Yes"], ["No thanks"], ["Not Tuesday"]])
@pytest.mark.parametrize("utterance", OPT_OUTS)
def test_an_opt_out_is_honoured_at_once(before: list[str], utterance: str) -> None:
    engine = started()
    for text in before:
        engine.on_utterance(text)

    reply = engine.on_utterance(utterance)

    assert_ended(engine, reply, Outcome.OPTED_OUT)
    assert engine.result().reason is EndReason.OPTED_OUT


REFUSALS = [
    "please don't book it",
    "don't book me in",
    "Don't book me in for Tuesday",
    "No, don't book that",
    "I don't want to book",
    "Please don't",
    "Don't go ahead",
]


@pytest.mark.parametrize("slots", [DAYS, DAYS[:1]], ids=["two offered", "one offered"])
@pytest.mark.parametrize("utterance", REFUSALS)
def test_a_refused_booking_books_nothing(slots: tuple[Slot, ...], utterance: str) -> None:
    engine = started(slots)

    question = engine.on_utterance(utterance)
    reply = engine.on_utterance("No thanks")

    assert question.action is None and engine.result().booked_slot is None
    assert_ended(engine, reply, Outcome.DECLINED)


def test_yes_to_other_times_after_asking_which_still_offers_more() -> None:
    engine = started()
    engine.on_utterance("Yes")
    engine.on_utterance("No thanks")

    reply = engine.on_utterance("Yes please")

    assert engine.offered == (THURSDAY, FRIDAY) and reply.action is None


def test_asking_to_be_called_on_a_day_is_a_call_back_not_a_booking() -> None:
    engine = started()

    reply = engine.on_utterance("can you call me on Wednesday instead")

    assert_ended(engine, reply, Outcome.CALLBACK_REQUESTED)
    assert engine.result().reason is EndReason.CALL_BACK_ASKED


@pytest.mark.parametrize(
    ("utterance", "left"),
    [
        ("Tuesday doesn't work for me", WEDNESDAY),
        ("not tuesday", WEDNESDAY),
        ("yes but not tuesday", WEDNESDAY),
        ("Yes, but not Wednesday", TUESDAY),
        ("I'm not interested in the Tuesday", WEDNESDAY),
        ("The afternoon's no good", TUESDAY),
    ],
)
def test_turning_one_slot_down_offers_the_other(utterance: str, left: Slot) -> None:
    engine = started()

    reply = engine.on_utterance(utterance)

    assert reply.action is None and engine.phase is Phase.OFFERING
    assert engine.offered == (left,)
    assert f"That leaves {left.label}. Would that suit you?" in reply.text
    assert engine.on_utterance("Yes").action == BookSlot(left)


def test_turning_down_what_is_left_offers_new_times() -> None:
    engine = started()
    engine.on_utterance("not Tuesday")

    reply = engine.on_utterance("Wednesday doesn't work either")

    assert reply.action is None
    assert engine.offered == (THURSDAY, FRIDAY)


def test_turning_down_the_only_slot_offered_looks_for_new_times() -> None:
    engine = started((TUESDAY,))

    reply = engine.on_utterance("yes but not tuesday")

    assert_ended(engine, reply, Outcome.CALLBACK_REQUESTED)
    assert engine.result().reason is EndReason.NO_MORE_SLOTS


@pytest.mark.parametrize(
    "utterance",
    ["pardon", "sorry?", "can you repeat that", "what were the times again", "say that again"],
)
def test_asking_to_hear_the_offer_again_repeats_it(utterance: str) -> None:
    engine = started()
    engine.on_utterance("hmm")

    reply = engine.on_utterance(utterance)

    assert not reply.end_call and reply.action is None
    assert f"{TUESDAY.label} or {WEDNESDAY.label}. Would either of those suit you?" in reply.text
    assert engine.offered == DAYS[:2]
    assert engine.on_utterance("the second one").action == BookSlot(WEDNESDAY)


def test_a_repeat_between_unclear_turns_does_not_end_the_call() -> None:
    engine = started()

    replies = [engine.on_utterance(text) for text in ["Pardon?", "", "Sorry?"]]

    assert not any(reply.end_call for reply in replies)


def test_repeats_are_bounded() -> None:
    engine = started()

    replies = [engine.on_utterance("Pardon?") for _ in range(4)]

    assert not any(reply.end_call for reply in replies[:3])
    assert_ended(engine, replies[-1], Outcome.CALLBACK_REQUESTED)
    assert engine.result().reason is EndReason.NOT_UNDERSTOOD


def test_a_repeat_after_which_asks_which_again() -> None:
    engine = started()
    engine.on_utterance("Yes please")

    reply = engine.on_utterance("Sorry, say that again?")

    assert "Which would you prefer" in reply.text and reply.action is None


def test_a_repeat_while_asking_about_other_times_asks_that_again() -> None:
    engine = started()
    engine.on_utterance("No thanks")

    reply = engine.on_utterance("Pardon?")

    assert "Would you like me to look for some other times" in reply.text
    assert engine.phase is Phase.ASKING_OTHER_TIMES
