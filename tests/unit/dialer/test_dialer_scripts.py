from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from sightsync.common.clock import FrozenClock
from sightsync.dialer.domain.call_state import Outcome, outcome_for_failure
from sightsync.dialer.domain.conversation import ConversationEngine
from sightsync.dialer.domain.conversation_types import (
    ConversationContext,
    ConversationResult,
    Reply,
)
from sightsync.dialer.domain.risk import RiskCategory
from sightsync.dialer.domain.scripts import (
    PatientMove,
    PatientScript,
    ProviderReport,
    failure_for,
    script_for,
)
from sightsync.dialer.domain.slots import DiarySettings, Slot, earliest_free_slots
from sightsync.dialer.domain.transcript import Speaker

CLOCK = FrozenClock(datetime(2025, 12, 8, 8, 0, tzinfo=UTC))
SLOTS = tuple(earliest_free_slots(DiarySettings(), {}, CLOCK.now(), count=12))
MAX_TURNS = 20


@dataclass
class Diary:
    """Books slots the way the service will: atomically, and sometimes losing a race."""

    lose_first: int = 0
    booked: list[Slot] | None = None

    def book(self, slot: Slot) -> bool:
        if self.lose_first:
            self.lose_first -= 1
            return False
        self.booked = [*(self.booked or []), slot]
        return True


def number(penultimate: int, last: int) -> str:
    return f"+4477009001{penultimate}{last}"


def move(engine: ConversationEngine, patient: PatientMove) -> Reply:
    if patient.digits is not None:
        return engine.on_digits(patient.digits)
    assert patient.text is not None
    return engine.on_utterance(patient.text)


def run_call(script: PatientScript, diary: Diary) -> ConversationResult:
    engine = ConversationEngine()
    reply = engine.start(
        ConversationContext("Sarah", "Bright Eyes Opticians", RiskCategory.STANDARD, SLOTS)
    )
    for _ in range(MAX_TURNS):
        if reply.end_call:
            return engine.result()
        if reply.action is not None:
            slot = reply.action.slot
            ok = diary.book(slot)
            reply = engine.on_booking_result(
                ok, [s for s in SLOTS if s != slot] if not ok else None
            )
            continue
        patient = script.reply_to(reply.text)
        assert patient is not None, f"the patient had no answer to: {reply.text}"
        reply = move(engine, patient)
    raise AssertionError("the conversation did not end")


ANSWERED = ["1", "2", "6", "7", "9", "0"]


@pytest.mark.parametrize("variant", [0, 1])
@pytest.mark.parametrize(
    ("last", "name", "expected"),
    [
        ("1", "books_first", Outcome.BOOKED),
        ("2", "declines", Outcome.DECLINED),
        ("3", "no_answer", Outcome.NO_ANSWER),
        ("4", "busy", Outcome.BUSY),
        ("5", "voicemail", Outcome.VOICEMAIL),
        ("6", "opts_out", Outcome.OPTED_OUT),
        ("7", "call_back", Outcome.CALLBACK_REQUESTED),
        ("8", "carrier_error", Outcome.FAILED),
        ("9", "books_either", Outcome.BOOKED),
        ("0", "books_second", Outcome.BOOKED),
    ],
)
def test_the_last_digit_picks_the_script(
    last: str, name: str, expected: Outcome, variant: int
) -> None:
    script = script_for(number(variant, int(last)))

    assert (script.name, script.expected) == (name, expected)
    assert (script.provider is ProviderReport.ANSWERED) == (last in ANSWERED)


@pytest.mark.parametrize(
    ("last", "report"),
    [
        (3, ProviderReport.NO_ANSWER),
        (4, ProviderReport.BUSY),
        (5, ProviderReport.MACHINE),
        (8, ProviderReport.CARRIER_ERROR),
    ],
)
def test_unanswered_scripts_end_with_their_failure(last: int, report: ProviderReport) -> None:
    script = script_for(number(0, last))
    reason = failure_for(script.provider)

    assert script.provider is report
    assert reason is not None
    assert outcome_for_failure(reason) is script.expected
    assert script.reply_to("Would either of those suit you?") is None


def test_an_answered_call_has_no_failure() -> None:
    assert failure_for(ProviderReport.ANSWERED) is None


@pytest.mark.parametrize("variant", [0, 1])
@pytest.mark.parametrize("last", [int(digit) for digit in ANSWERED])
def test_every_answered_script_reaches_its_outcome(last: int, variant: int) -> None:
    script = script_for(number(variant, last))
    diary = Diary()

    result = run_call(script, diary)

    assert result.outcome is script.expected
    assert result.summary
    assert "07700" not in result.summary and "Sarah" not in result.summary
    turns = result.transcript
    assert turns[0].speaker is Speaker.AGENT and turns[-1].speaker is Speaker.AGENT
    assert [turn.index for turn in turns] == list(range(len(turns)))
    if script.expected is Outcome.BOOKED:
        assert diary.booked == [result.booked_slot]
        assert result.booked_slot in SLOTS[:2]
    else:
        assert diary.booked is None and result.booked_slot is None


EXPECTED_CONVERSATIONS: dict[str, list[str]] = {
    "+447700900101": ["Yes, the first one please.", "Great, one moment", "That's all booked."],
    "+447700900111": ["Yeah, go on then, the first one.", "Great, one moment", "That's all"],
    "+447700900102": ["No thanks, I'm not interested.", "No problem.", "No, thank you.", "That's"],
    "+447700900112": ["Not really, no.", "No problem.", "No, I'll leave it thanks.", "That's"],
    "+447700900106": ["[pressed 9]", "Of course."],
    "+447700900107": ["I'm at work, can you ring me later?", "No problem, I'll ask"],
    "+447700900117": ["Sorry, I'm busy right now, call me back another day.", "No problem"],
    "+447700900109": ["Yes please.", "Lovely. Which", "Either is fine.", "Great, one", "That's"],
    "+447700900119": [
        "That'd be lovely.",
        "Lovely. Which",
        "I don't mind, whichever.",
        "Great",
        "That's",
    ],
    "+447700900100": ["The second one would be lovely.", "Great, one moment", "That's all"],
    "+447700900110": ["Can I have the second one, please?", "Great, one moment", "That's all"],
}


@pytest.mark.parametrize(("phone", "after_greeting"), EXPECTED_CONVERSATIONS.items())
def test_scripted_transcripts(phone: str, after_greeting: list[str]) -> None:
    result = run_call(script_for(phone), Diary())

    said = [turn.text for turn in result.transcript[1:]]
    assert len(said) == len(after_greeting)
    for text, start in zip(said, after_greeting, strict=True):
        assert text.startswith(start)


def test_a_scripted_patient_books_again_after_losing_the_slot() -> None:
    diary = Diary(lose_first=1)

    result = run_call(script_for("+447700900101"), diary)

    assert result.outcome is Outcome.BOOKED
    assert result.booked_slot == SLOTS[1]
    texts = [turn.text for turn in result.transcript]
    assert any(
        text.startswith("I'm so sorry, Tuesday 9 December at 9am has just") for text in texts
    )
    assert texts.count("Yes, the first one please.") == 2
    assert "An earlier choice had just been taken" in result.summary


@pytest.mark.parametrize("phone", ["+447700900121", "07700 900 131", "1", "+44 (0)7700-900-101"])
def test_numbers_in_any_layout(phone: str) -> None:
    assert script_for(phone).name == "books_first"


def test_a_number_without_digits_is_refused() -> None:
    with pytest.raises(ValueError, match="digit"):
        script_for("+")


def test_a_move_is_speech_or_keys_never_both() -> None:
    with pytest.raises(ValueError, match="either"):
        PatientMove(text="yes", digits="1")
    with pytest.raises(ValueError, match="either"):
        PatientMove()


def test_scripts_answer_only_questions() -> None:
    script = script_for("+447700900101")

    assert script.reply_to("Great, one moment while I book it for you.") is None
    assert script.reply_to("That's all booked. Thank you, and goodbye.") is None
    assert script.reply_to("Sorry, I didn't quite catch that. Would 9am suit you?") is not None
