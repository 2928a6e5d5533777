from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from sightsync.common.clock import FrozenClock
from sightsync.dialer.domain.appointment_type import AppointmentType
from sightsync.dialer.domain.call_state import Outcome
from sightsync.dialer.domain.conversation import MAX_OFFER_ROUNDS, ConversationEngine
from sightsync.dialer.domain.conversation_types import (
    BookSlot,
    ConversationContext,
    ConversationStateError,
    Phase,
    Reply,
    SlotSource,
)
from sightsync.dialer.domain.risk import RiskCategory
from sightsync.dialer.domain.slots import DiarySettings, Slot, earliest_free_slots
from sightsync.dialer.domain.summary import EndReason
from sightsync.dialer.domain.transcript import Speaker
from sightsync.dialer.domain.understanding import Intent, IntentKind

CLOCK = FrozenClock(datetime(2025, 12, 8, 8, 0, tzinfo=UTC))
DIARY = DiarySettings()
SLOTS = earliest_free_slots(DIARY, {}, CLOCK.now(), count=20)
PRACTICE = "Bright Eyes Opticians"


def context(
    risk: RiskCategory = RiskCategory.STANDARD,
    slots: SlotSource = tuple(SLOTS),
    first_name: str = "Sarah",
) -> ConversationContext:
    return ConversationContext(first_name, PRACTICE, risk, slots)


def started(
    risk: RiskCategory = RiskCategory.STANDARD,
    slots: SlotSource = tuple(SLOTS),
    first_name: str = "Sarah",
) -> tuple[ConversationEngine, Reply]:
    engine = ConversationEngine()
    reply = engine.start(context(risk, slots, first_name))
    return engine, reply


def assert_ended(engine: ConversationEngine, reply: Reply, outcome: Outcome) -> None:
    assert reply.end_call
    assert reply.outcome is outcome
    assert engine.finished
    assert engine.result().outcome is outcome


class TestGreeting:
    def test_greets_by_first_name_and_says_why_it_is_calling(self) -> None:
        _, reply = started()

        assert reply.text.startswith("Hello Sarah, this is an automated call from Bright Eyes")
        assert "eye check is now due" in reply.text
        assert not reply.end_call and reply.action is None

    def test_offers_the_two_earliest_slots(self) -> None:
        engine, reply = started()

        assert engine.offered == tuple(SLOTS[:2])
        assert "Tuesday 9 December at 9am or 9:30am" in reply.text
        assert "press 1" in reply.text and "9 to stop" in reply.text

    @pytest.mark.parametrize(
        ("risk", "phrase"),
        [
            (RiskCategory.DIABETIC, "Diabetes can affect the eyes without any symptoms"),
            (RiskCategory.GLAUCOMA_SUSPECT, "Glaucoma can damage sight without you noticing"),
        ],
    )
    def test_explains_why_the_check_matters_for_higher_risk_patients(
        self, risk: RiskCategory, phrase: str
    ) -> None:
        _, reply = started(risk=risk)

        assert phrase in reply.text
        assert "protect your sight" in reply.text

    @pytest.mark.parametrize(
        "risk", [RiskCategory.STANDARD, RiskCategory.CONTACT_LENS, RiskCategory.OTHER_CLINICAL]
    )
    def test_says_nothing_clinical_to_other_patients(self, risk: RiskCategory) -> None:
        _, reply = started(risk=risk)

        assert "protect your sight" not in reply.text

    def test_contact_lens_patients_hear_about_their_lens_check(self) -> None:
        _, reply = started(risk=RiskCategory.CONTACT_LENS)

        assert "contact lens check is now due" in reply.text

    def test_a_child_is_called_about_through_a_parent(self) -> None:
        engine, reply = started(risk=RiskCategory.MYOPIA_CHILD, first_name="Oliver")

        assert "about Oliver's eye check" in reply.text
        assert "Oliver's myopia review is now due" in reply.text
        engine.on_utterance("The first one")
        booked = engine.on_booking_result(ok=True)
        assert "Oliver is booked in for Tuesday 9 December at 9am" in booked.text
        assert engine.result().appointment_type is AppointmentType.MYOPIA_REVIEW

    def test_no_free_slots_apologises_and_asks_for_a_callback(self) -> None:
        engine, reply = started(slots=())

        assert_ended(engine, reply, Outcome.CALLBACK_REQUESTED)
        assert "don't have any free appointments" in reply.text
        assert engine.result().reason is EndReason.NO_SLOTS

    def test_a_lone_free_slot_is_offered_on_its_own(self) -> None:
        engine, reply = started(slots=SLOTS[:1])

        assert "The earliest appointment we have is Tuesday 9 December at 9am" in reply.text
        booking = engine.on_utterance("Yes please")
        assert booking.action == BookSlot(SLOTS[0])


class TestBooking:
    def test_choosing_a_slot_asks_the_caller_to_book_it(self) -> None:
        engine, _ = started()

        reply = engine.on_utterance("Tuesday? No, the second one please")

        assert reply.action == BookSlot(SLOTS[1])
        assert not reply.end_call
        assert engine.phase is Phase.BOOKING

    def test_a_successful_booking_is_confirmed_and_ends_the_call(self) -> None:
        engine, _ = started()
        engine.on_utterance("The first one")

        reply = engine.on_booking_result(ok=True)

        assert_ended(engine, reply, Outcome.BOOKED)
        assert "You're booked in for Tuesday 9 December at 9am at Bright Eyes" in reply.text
        assert reply.text.endswith("goodbye.")
        result = engine.result()
        assert result.booked_slot == SLOTS[0]
        assert result.appointment_type is AppointmentType.ROUTINE_EYE_EXAM
        assert result.summary == (
            "The patient booked a routine eye exam for Tuesday 9 December at 9am, "
            "chosen from 2 times offered."
        )

    def test_a_plain_yes_asks_which_and_a_second_yes_asks_again(self) -> None:
        engine, _ = started()

        which = engine.on_utterance("Yeah go on then")
        again = engine.on_utterance("Yes")

        assert "Which would you prefer" in which.text and which.action is None
        assert "Which would you prefer" in again.text and again.action is None
        assert engine.on_utterance("the second one").action == BookSlot(SLOTS[1])

    def test_yes_after_yes_to_which_never_books(self) -> None:
        engine, _ = started()

        replies = [engine.on_utterance(text) for text in ["Yes", "Yes", "Yes please"]]

        assert all(reply.action is None for reply in replies)
        assert_ended(engine, replies[-1], Outcome.CALLBACK_REQUESTED)
        assert engine.result().booked_slot is None

    def test_a_plain_yes_then_a_choice(self) -> None:
        engine, _ = started()
        engine.on_utterance("That'd be lovely")

        assert engine.on_utterance("Hmm... the later one, please").action == BookSlot(SLOTS[1])

    def test_keypad_one_books_the_first_slot(self) -> None:
        engine, _ = started()

        reply = engine.on_digits("1")

        assert reply.action == BookSlot(SLOTS[0])
        assert engine.transcript[1].text == "[pressed 1]"

    def test_other_times_offers_the_next_two(self) -> None:
        engine, _ = started()

        reply = engine.on_utterance("Have you got anything later?")

        assert engine.offered == tuple(SLOTS[2:4])
        assert "The next free ones are Tuesday 9 December at 10am or 10:30am" in reply.text
        assert engine.on_digits("2").text.startswith("The next free ones are")
        assert engine.offered == tuple(SLOTS[4:6])
        assert engine.on_utterance("the first one").action == BookSlot(SLOTS[4])

    def test_slots_can_come_from_a_function(self) -> None:
        asked: list[int] = []

        def free(count: int) -> Sequence[Slot]:
            asked.append(count)
            return earliest_free_slots(DIARY, {}, CLOCK.now(), count)

        engine, _ = started(slots=free)
        engine.on_utterance("other times please")

        assert engine.offered == tuple(SLOTS[2:4])
        assert asked == [2, 4]

    def test_running_out_of_other_times_asks_the_practice_to_call(self) -> None:
        engine, _ = started(slots=SLOTS[:3])
        engine.on_utterance("another time please")
        assert engine.offered == (SLOTS[2],)

        reply = engine.on_utterance("any other times?")

        assert_ended(engine, reply, Outcome.CALLBACK_REQUESTED)
        assert engine.result().reason is EndReason.NO_MORE_SLOTS

    def test_offers_stop_after_a_few_rounds(self) -> None:
        engine, _ = started()
        for _ in range(MAX_OFFER_ROUNDS - 1):
            assert not engine.on_digits("2").end_call

        reply = engine.on_digits("2")

        assert_ended(engine, reply, Outcome.CALLBACK_REQUESTED)
        assert engine.result().reason is EndReason.TOO_MANY_OFFERS
        assert "10 times offered" in engine.result().summary


class TestSlotTaken:
    def test_a_taken_slot_is_apologised_for_and_the_next_free_ones_offered(self) -> None:
        engine, _ = started()
        engine.on_utterance("The first one")

        reply = engine.on_booking_result(ok=False, next_slots=SLOTS[1:])

        assert reply.text.startswith("I'm so sorry, Tuesday 9 December at 9am has just been taken")
        assert engine.offered == tuple(SLOTS[1:3])
        assert engine.phase is Phase.OFFERING
        assert engine.on_utterance("The first one then").action == BookSlot(SLOTS[1])
        assert engine.on_booking_result(ok=True).outcome is Outcome.BOOKED
        result = engine.result()
        assert result.booked_slot == SLOTS[1]
        assert "An earlier choice had just been taken" in result.summary

    def test_without_fresh_slots_the_taken_one_is_left_out(self) -> None:
        engine, _ = started()
        engine.on_utterance("the second one")

        engine.on_booking_result(ok=False)

        assert engine.offered == (SLOTS[0], SLOTS[2])

    def test_nothing_else_free_ends_with_a_callback(self) -> None:
        engine, _ = started()
        engine.on_utterance("the first one")

        reply = engine.on_booking_result(ok=False, next_slots=[])

        assert_ended(engine, reply, Outcome.CALLBACK_REQUESTED)
        assert engine.result().reason is EndReason.SLOT_TAKEN

    def test_repeatedly_losing_the_race_ends_with_a_callback(self) -> None:
        engine, _ = started()
        outcomes = []
        for _ in range(3):
            engine.on_digits("1")
            outcomes.append(engine.on_booking_result(ok=False).outcome)

        assert outcomes == [None, None, Outcome.CALLBACK_REQUESTED]
        assert engine.finished


class TestEndings:
    @pytest.mark.parametrize("turns_before", [0, 1, 2])
    @pytest.mark.parametrize("opt_out", ["Take me off your list", "stop calling me", "9"])
    def test_opting_out_is_honoured_at_any_point(self, turns_before: int, opt_out: str) -> None:
        engine, _ = started()
        for reply_text in ["Yes", "No thanks"][:turns_before]:
            engine.on_utterance(reply_text)

        reply = engine.on_digits(opt_out) if opt_out.isdigit() else engine.on_utterance(opt_out)

        assert_ended(engine, reply, Outcome.OPTED_OUT)
        assert "you won't receive any more" in reply.text

    def test_a_callback_request_is_acknowledged(self) -> None:
        engine, _ = started()

        reply = engine.on_utterance("I'm at work, ring me later")

        assert_ended(engine, reply, Outcome.CALLBACK_REQUESTED)
        assert "call you back at a better time" in reply.text
        assert engine.result().summary == "The patient asked to be called back at a better time."

    def test_a_no_asks_once_about_other_times_before_ending(self) -> None:
        engine, _ = started()

        question = engine.on_utterance("No thanks")
        reply = engine.on_utterance("No, I'll leave it thanks")

        assert "other times" in question.text and not question.end_call
        assert engine.phase is Phase.ENDED
        assert_ended(engine, reply, Outcome.DECLINED)
        assert "If you change your mind" in reply.text

    @pytest.mark.parametrize("yes", ["Yes please", "go on then", "1", "2"])
    def test_yes_to_other_times_offers_more(self, yes: str) -> None:
        engine, _ = started()
        engine.on_utterance("not really")

        reply = engine.on_digits(yes) if yes.isdigit() else engine.on_utterance(yes)

        assert engine.offered == tuple(SLOTS[2:4])
        assert "The next free ones are" in reply.text

    def test_a_choice_after_a_no_still_books(self) -> None:
        engine, _ = started()
        engine.on_utterance("nope")

        assert engine.on_utterance("actually, the Tuesday at half nine").action == BookSlot(
            SLOTS[1]
        )

    def test_two_unclear_turns_in_a_row_hand_over_to_the_practice(self) -> None:
        engine, _ = started()

        first = engine.on_utterance("Hmm")
        second = engine.on_utterance("")

        assert "Sorry, I didn't quite catch that" in first.text and not first.end_call
        assert_ended(engine, second, Outcome.CALLBACK_REQUESTED)
        assert engine.result().reason is EndReason.NOT_UNDERSTOOD
        assert engine.transcript[3].text == "[silence]"

    def test_an_understood_turn_resets_the_unclear_count(self) -> None:
        engine, _ = started()

        engine.on_utterance("hmm")
        engine.on_utterance("have you got anything later?")
        reply = engine.on_digits("5")

        assert not reply.end_call
        assert "Sorry, I didn't quite catch that" in reply.text

    def test_unclear_while_asking_about_other_times_repeats_that_question(self) -> None:
        engine, _ = started()
        engine.on_utterance("no")

        reply = engine.on_utterance("what?")

        assert "Would you like me to look for some other times?" in reply.text

    def test_hanging_up_mid_offer_is_recorded_as_declined(self) -> None:
        engine, _ = started()

        engine.on_hangup()
        engine.on_hangup()

        assert engine.result().outcome is Outcome.DECLINED
        assert engine.result().reason is EndReason.HUNG_UP
        assert [turn.text for turn in engine.transcript][-1] == "[hung up]"

    def test_hanging_up_while_booking_keeps_the_booking(self) -> None:
        engine, _ = started()
        engine.on_digits("1")
        engine.on_hangup()

        reply = engine.on_booking_result(ok=True)

        assert reply.outcome is Outcome.BOOKED and reply.text == ""
        assert engine.result().booked_slot == SLOTS[0]

    def test_hanging_up_while_a_taken_slot_is_booked_asks_for_a_callback(self) -> None:
        engine, _ = started()
        engine.on_digits("1")
        engine.on_hangup()

        reply = engine.on_booking_result(ok=False)

        assert reply.outcome is Outcome.CALLBACK_REQUESTED
        assert engine.result().reason is EndReason.SLOT_TAKEN


class TestTranscriptAndSummary:
    def test_every_turn_is_kept_in_order_with_its_speaker(self) -> None:
        engine, _ = started()
        engine.on_utterance("  Yes please ")
        engine.on_digits("1")
        engine.on_booking_result(ok=True)

        turns = engine.result().transcript

        assert [turn.index for turn in turns] == list(range(len(turns)))
        assert [turn.speaker for turn in turns] == [
            Speaker.AGENT, Speaker.PATIENT, Speaker.AGENT, Speaker.PATIENT,
            Speaker.AGENT, Speaker.AGENT,
        ]  # fmt: skip
        assert turns[1].text == "Yes please"
        assert turns[3].text == "[pressed 1]"

    def test_the_summary_never_repeats_what_the_patient_said(self) -> None:
        engine, _ = started()
        engine.on_utterance("Sarah here, ring me back on 07700 900123 later")

        summary = engine.result().summary

        assert "07700" not in summary and "Sarah" not in summary
        assert len([part for part in summary.split(". ") if part]) <= 2

    @pytest.mark.parametrize(
        ("replies", "expected"),
        [
            (["no", "no"], "The patient declined a routine eye exam after being offered 2 times."),
            (["9"], "The patient asked not to be called again and has been opted out."),
            (["eh?", "what?"], "The patient's replies could not be understood"),
        ],
    )
    def test_summaries_say_what_happened(self, replies: list[str], expected: str) -> None:
        engine, _ = started()
        for text in replies:
            engine.on_digits(text) if text.isdigit() else engine.on_utterance(text)

        assert engine.result().summary.startswith(expected)


class TestContract:
    def test_events_out_of_turn_are_refused(self) -> None:
        engine = ConversationEngine()
        with pytest.raises(ConversationStateError):
            engine.on_utterance("yes")
        with pytest.raises(ConversationStateError):
            engine.result()
        engine.start(context())
        with pytest.raises(ConversationStateError):
            engine.start(context())
        with pytest.raises(ConversationStateError):
            engine.on_booking_result(ok=True)
        engine.on_digits("1")
        with pytest.raises(ConversationStateError):
            engine.on_utterance("stop calling me")
        engine.on_booking_result(ok=True)
        with pytest.raises(ConversationStateError):
            engine.on_digits("9")

    def test_hanging_up_before_the_start_is_ignored(self) -> None:
        engine = ConversationEngine()

        engine.on_hangup()

        assert engine.phase is Phase.NOT_STARTED

    def test_any_understanding_can_drive_the_flow(self) -> None:
        class AlwaysSecond:
            def __init__(self) -> None:
                self.heard: list[tuple[str, int]] = []

            def interpret(self, utterance: str, offered_slots: Sequence[Slot]) -> Intent:
                self.heard.append((utterance, len(offered_slots)))
                return Intent(IntentKind.CHOOSE_SLOT, slot_index=1)

        understanding = AlwaysSecond()
        engine = ConversationEngine(understanding)
        engine.start(context())

        reply = engine.on_utterance("gibberish")

        assert reply.action == BookSlot(SLOTS[1])
        assert understanding.heard == [("gibberish", 2)]
