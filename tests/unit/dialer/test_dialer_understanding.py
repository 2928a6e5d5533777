from datetime import date, time

import pytest

from sightsync.dialer.domain.slots import Slot, slot_at
from sightsync.dialer.domain.understanding import (
    Intent,
    IntentKind,
    RuleBasedUnderstanding,
    interpret_digits,
)

TUESDAY_MORNING = slot_at(date(2025, 12, 9), time(10, 30))
WEDNESDAY_AFTERNOON = slot_at(date(2025, 12, 10), time(14, 0))
OFFERED = (TUESDAY_MORNING, WEDNESDAY_AFTERNOON)

understanding = RuleBasedUnderstanding()


def read(utterance: str, offered: tuple[Slot, ...] = OFFERED) -> Intent:
    return understanding.interpret(utterance, offered)


AFFIRM = [
    "Yes",
    "yes please",
    "Yeah",
    "yeah go on then",
    "Go on then",
    "Yep",
    "yup, sounds good",
    "That'd be lovely",
    "that would be lovely, thank you",
    "Lovely",
    "OK",
    "Okay then",
    "Sure",
    "Alright",
    "All right, fine",
    "That's fine",
    "Perfect",
    "Brilliant",
    "Great, thanks",
    "Aye",
    "Of course",
    "Why not",
    "Absolutely",
    "Definitely",
    "Sounds great",
    "Book me in",
    "Put me down for it",
    "I'd like that",
    "I would like to book, yes",
    "Yes I need an appointment",
    "Mm hmm",
    "Uh huh",
    "No problem, go ahead",
    "I'm fine with that",
    "Smashing",
    "That works",
    "Suits me",
    "Yeah that's grand",
    "Certainly",
    "Yes please, that'd be great",
]

DECLINE = [
    "No",
    "No thanks",
    "No thank you",
    "Nope",
    "Nah",
    "Not really",
    "Not interested",
    "No, I'm not interested",
    "I'm alright thanks",
    "I'm all right, thank you",
    "I'm fine thanks",
    "I'm OK thanks",
    "I'm good",
    "I'll pass",
    "I'd rather not",
    "Leave it for now",
    "I'll leave it thanks",
    "Don't bother",
    "No need",
    "I don't need one",
    "I don't want an appointment",
    "I don't think so",
    "I've already had my eyes tested",
    "I've just been to another optician",
    "I've already booked",
    "I've moved away",
    "I've changed opticians",
    "We've gone elsewhere",
    "I'll ring them myself",
    "I'll book it myself online",
    "I'll sort it out myself",
    "Not at the moment, thanks",
    "Not this year",
    "Maybe next year",
    "Not for me, thanks",
    "Give it a miss",
    # A booking phrase under a negation refuses it, whatever slot it names.
    "Please don't book it",
    "Don't book me in",
    "No, don't book that",
    "Don't book me in for Tuesday",
    "I don't want to book",
    "I'm not going to book, thanks",
    "Don't put me down for it",
    "Don't go ahead",
    "Don't do it",
    "Please don't",
    "No need to book me in",
    "I'd rather you didn't book anything",
]

OTHER_TIMES = [
    "Have you got anything later?",
    "Have you got anything else?",
    "Do you have any other times?",
    "Other times please",
    "Another time",
    "Another time please",
    "What else have you got?",
    "Neither of those",
    "Neither, sorry",
    "None of those work for me",
    "Those don't suit",
    "Those times don't work",
    "That doesn't suit me",
    "I can't do those",
    "I can't make either of them",
    "Tuesday's no good",
    "I can't do Tuesday or Wednesday",
    "Is there anything next week?",
    "Anything at the weekend?",
    "Something later in the week?",
    "Have you got something in the afternoon on Friday?",
    "Can you do Thursday?",
    "What about Friday?",
    "Have you got half past two?",
    "Do you have 9am?",
    "Any other days?",
    "Different times please",
    "I'm busy on Tuesday",
    "I'm away that week",
    "I work Wednesdays, anything else?",
    "Not those, sorry",
    "Yes, but not those times",
    "Have you got anything earlier?",
    "Anything sooner?",
]

CALL_BACK = [
    "I'm at work, ring me later",
    "Can you call me back later?",
    "Call me back",
    "Ring me back tomorrow",
    "Could you phone me back this evening?",
    "Try me again later",
    "Give me a ring later",
    "Give us a bell tomorrow",
    "I'm busy right now",
    "I'm a bit busy at the moment",
    "Sorry, I'm driving",
    "I'm in a meeting",
    "I'm in the middle of something",
    "It's not a good time",
    "Bad time, sorry",
    "I can't talk now",
    "Not now",
    "Not right now, thanks",
    "Later please",
    "Maybe later",
    "Another day",
    "Maybe another day",
    "Maybe another time",
    "Can you call me another day?",
    "Speak to you later",
    "I'm out at the moment, call me tomorrow",
    "Ring me after five",
    "Call me back next week",
    "I'm at work, can you ring me later?",
    "Sorry, I'm busy right now, call me back another day",
    # A day for the call is not a day for the eye test.
    "Can you call me on Wednesday instead?",
    "Ring me on Tuesday",
    "Could you phone me at six?",
    "Call me instead",
    "I'm at the bus stop, can you call me back later?",
    "I can't stop, I'm driving",
]

OPT_OUT = [
    "Stop calling me",
    "Stop ringing me",
    "Stop",
    "Please stop",
    "Take me off your list",
    "Take me off your calling list",
    "Remove me from your list",
    "Remove my number",
    "Delete my details",
    "Don't call again",
    "Don't call me again",
    "Do not call me",
    "Don't ring me again",
    "Please don't contact me",
    "Never call me again",
    "Unsubscribe",
    "I want to opt out",
    "Opt me out",
    "Leave me alone",
    "No more calls please",
    "I don't want these calls",
    "I don't want any more calls",
    "No, stop calling me",
    "Don't call me back",
    "Take my number off your system",
    "I've told you not to call",
    "Yes, and stop calling me",
    "Stop these calls",
    # "Stop" as a whole word anywhere opts out, as it does by text message.
    "Stop, stop",
    "STOP STOP STOP",
    "Stop.",
    "Just stop",
    "Stop it please",
    "Please stop, thanks",
    "You can stop now",
    "I said stop",
    "I want you to stop",
    "Can you stop?",
    "OK stop",
    "Yes stop",
    "Okay. Stop.",
    "No, and stop",
    "Yes and stop",
    "Stop. Actually, the first one",
    "Don't. Stop.",
    "Quit calling me",
    "Quit ringing me",
    "Quit it",
    "I want to be removed",
    "I'd like to be removed from your list",
    "Remove me",
    "Please remove me",
    "Get me off your list",
    "I don't want you to call me",
    "I don't want anyone to call me",
    "I don't want to be called",
    "I don't want to be contacted",
    "I'd rather not be called again",
]

NOT_AN_OPT_OUT = [
    "I'm at the bus stop",
    "Is that near the bus stop?",
    "I've stopped wearing contact lenses",
    "I'll stop by on Tuesday",
    "Don't stop, I'm listening",
    "Don't bother",
]

CHOOSE_FIRST = [
    "The first one",
    "Yes, the first one please",
    "First",
    "The first one's fine",
    "Number one",
    "Option one",
    "The earlier one",
    "The earliest",
    "Tuesday",
    "Tuesday's fine",
    "Tuesday please",
    "The Tuesday",
    "Tuesday at 10:30",
    "10:30",
    "10.30",
    "Half past ten",
    "Half ten",
    "Ten thirty",
    "10:30am",
    "10.30 a.m.",
    "The morning one",
    "The morning please",
    "Morning is better for me",
    "The 9th",
    "The ninth",
    "9th December",
    "December the 9th",
    "The 9th of December",
    "Tues",
    "Either is fine",
    "I'm interested in the Tuesday",
    "Why not, the Tuesday",
    "I don't mind",
    "Whichever",
    "It doesn't matter",
    "No, the first one",
    "I can't do Wednesday, Tuesday's fine",
    "Not the second one, the first",
    "Yeah go on, the Tuesday one",
    "I'll take Tuesday",
    "Tuesday morning",
    "First thing in the morning please",
    "Yes, either one",
]

CHOOSE_SECOND = [
    "The second one",
    "The second",
    "Second please",
    "Number two",
    "Option 2",
    "The later one",
    "The last one",
    "Wednesday",
    "Wednesday please",
    "Wednesday's better",
    "The Wednesday one",
    "Weds",
    "2pm",
    "2 pm",
    "2 p.m.",
    "Two o'clock",
    "2 o'clock",
    "14:00",
    "At two",
    "The afternoon one",
    "Afternoon please",
    "The 10th",
    "10th December",
    "The tenth",
    "No, the second one",
    "I can't do Tuesday, but Wednesday is fine",
    "Tuesday's no good, Wednesday's fine",
    "Not the first one, the second",
    "The one on Wednesday",
    "Wednesday at 2",
    "Wednesday afternoon",
    "I'd rather have the afternoon",
    "Can I have the second one, please?",
    "The second one would be lovely",
    "Yeah, I'll take the later one",
    "Either, but not Tuesday",
]

# Turning a slot down by name rules it out; it is never a yes to it.
RULED_OUT = [
    ("Tuesday doesn't work for me", {0}),
    ("Tuesday doesn't really suit", {0}),
    ("Tuesday isn't good for me", {0}),
    ("Tuesday's no good", {0}),
    ("Tuesday I can't do", {0}),
    ("Not Tuesday", {0}),
    ("No, not Tuesday", {0}),
    ("Yes but not Tuesday", {0}),
    ("Yes, but not Wednesday", {1}),
    ("Not the first one", {0}),
    ("The afternoon's no good", {1}),
    ("I'm not interested in the Tuesday", {0}),
    ("I'm really not interested in Wednesday", {1}),
    ("I don't really want the Tuesday", {0}),
    ("I'm not sure about Tuesday", {0}),
    ("I'm busy on Tuesday", {0}),
    ("I can't do Tuesday or Wednesday", {0, 1}),
]

REPEAT = [
    "Pardon?",
    "Pardon",
    "Pardon me?",
    "I beg your pardon?",
    "Sorry?",
    "Sorry, what?",
    "Erm, sorry?",
    "What did you say?",
    "Can you repeat that?",
    "Could you repeat that, please?",
    "Repeat, please",
    "Say that again",
    "Sorry, say that again?",
    "Come again?",
    "What were the times again?",
    "What were those times again?",
    "What was the first one again?",
    "What times were they?",
    "Sorry, I didn't catch that",
    "I didn't hear you",
    "You're breaking up",
]

UNCLEAR = [
    "",
    "   ",
    "What?",
    "Who is this?",
    "Hello?",
    "Hang on a second",
    "Just a moment",
    "I'm not sure",
    "Hmm",
    "Er",
    "I don't know",
]


@pytest.mark.parametrize("utterance", AFFIRM)
def test_affirm(utterance: str) -> None:
    assert read(utterance).kind is IntentKind.AFFIRM


@pytest.mark.parametrize("utterance", DECLINE)
def test_decline(utterance: str) -> None:
    assert read(utterance).kind is IntentKind.DECLINE


@pytest.mark.parametrize("utterance", OTHER_TIMES)
def test_other_times(utterance: str) -> None:
    assert read(utterance).kind is IntentKind.OTHER_TIMES


@pytest.mark.parametrize("utterance", CALL_BACK)
def test_call_back(utterance: str) -> None:
    assert read(utterance).kind is IntentKind.CALL_BACK


@pytest.mark.parametrize("utterance", OPT_OUT)
def test_opt_out(utterance: str) -> None:
    assert read(utterance).kind is IntentKind.OPT_OUT


@pytest.mark.parametrize("utterance", CHOOSE_FIRST)
def test_choose_the_first_slot(utterance: str) -> None:
    assert read(utterance) == Intent(IntentKind.CHOOSE_SLOT, slot_index=0)


@pytest.mark.parametrize("utterance", CHOOSE_SECOND)
def test_choose_the_second_slot(utterance: str) -> None:
    assert read(utterance) == Intent(IntentKind.CHOOSE_SLOT, slot_index=1)


@pytest.mark.parametrize("utterance", NOT_AN_OPT_OUT)
def test_stop_in_another_sense_is_not_an_opt_out(utterance: str) -> None:
    assert read(utterance).kind is not IntentKind.OPT_OUT


@pytest.mark.parametrize(("utterance", "ruled_out"), RULED_OUT)
def test_turning_a_slot_down_rules_it_out(utterance: str, ruled_out: set[int]) -> None:
    assert read(utterance) == Intent(IntentKind.OTHER_TIMES, ruled_out=frozenset(ruled_out))


@pytest.mark.parametrize("utterance", REPEAT)
def test_asking_to_hear_it_again(utterance: str) -> None:
    assert read(utterance).kind is IntentKind.REPEAT


@pytest.mark.parametrize("utterance", UNCLEAR)
def test_unclear(utterance: str) -> None:
    assert read(utterance).kind is IntentKind.UNCLEAR


@pytest.mark.parametrize("utterance", ["Tuesday", "The morning one", "Either", "Half ten"])
def test_a_choice_needs_something_on_offer(utterance: str) -> None:
    assert read(utterance, offered=()).kind is not IntentKind.CHOOSE_SLOT


class TestSameDaySlots:
    MORNING = slot_at(date(2025, 12, 9), time(9, 0))
    AFTERNOON = slot_at(date(2025, 12, 9), time(14, 30))
    SAME_DAY = (MORNING, AFTERNOON)

    @pytest.mark.parametrize(
        ("utterance", "index"),
        [
            ("The morning one", 0),
            ("9am", 0),
            ("Nine o'clock", 0),
            ("Nine in the morning", 0),
            ("The afternoon one", 1),
            ("Half past two", 1),
            ("Half two", 1),
            ("2:30", 1),
            ("14:30", 1),
            ("Two thirty please", 1),
            ("Tuesday at half past two", 1),
            ("Tuesday afternoon", 1),
        ],
    )
    def test_time_of_day_picks_between_slots_on_one_day(self, utterance: str, index: int) -> None:
        assert read(utterance, self.SAME_DAY) == Intent(IntentKind.CHOOSE_SLOT, index)

    @pytest.mark.parametrize("utterance", ["Tuesday", "Tuesday please", "The 9th"])
    def test_naming_only_the_shared_day_is_not_a_choice(self, utterance: str) -> None:
        assert read(utterance, self.SAME_DAY).kind is IntentKind.UNCLEAR

    @pytest.mark.parametrize("utterance", ["Either", "Tuesday, I don't mind what time"])
    def test_indifference_takes_the_earliest(self, utterance: str) -> None:
        assert read(utterance, self.SAME_DAY) == Intent(IntentKind.CHOOSE_SLOT, 0)

    def test_quarter_to_and_past(self) -> None:
        quarter_past = slot_at(date(2025, 12, 9), time(9, 15))
        quarter_to = slot_at(date(2025, 12, 9), time(15, 45))
        offered = (quarter_past, quarter_to)

        assert read("quarter past nine", offered).slot_index == 0
        assert read("quarter to four", offered).slot_index == 1
        assert read("twelve noon", (slot_at(date(2025, 12, 9), time(12, 0)),)).slot_index == 0
        assert read("midday", (slot_at(date(2025, 12, 9), time(12, 0)),)).slot_index == 0


def test_opting_out_beats_a_choice_and_a_callback() -> None:
    assert read("The first one? No, stop calling me").kind is IntentKind.OPT_OUT
    assert read("Don't call me back later").kind is IntentKind.OPT_OUT


def test_curly_apostrophes_and_dropped_ones_read_the_same() -> None:
    assert read("That\u2019d be lovely").kind is IntentKind.AFFIRM
    assert read("dont call again").kind is IntentKind.OPT_OUT
    assert read("im alright thanks").kind is IntentKind.DECLINE


@pytest.mark.parametrize(
    ("digits", "offered", "expected"),
    [
        ("1", OFFERED, Intent(IntentKind.CHOOSE_SLOT, 0)),
        ("1#", OFFERED, Intent(IntentKind.CHOOSE_SLOT, 0)),
        ("1", (), Intent(IntentKind.AFFIRM)),
        ("2", OFFERED, Intent(IntentKind.OTHER_TIMES)),
        ("9", OFFERED, Intent(IntentKind.OPT_OUT)),
        ("19", OFFERED, Intent(IntentKind.OPT_OUT)),
        ("9", (), Intent(IntentKind.OPT_OUT)),
        ("3", OFFERED, Intent(IntentKind.UNCLEAR)),
        ("*", OFFERED, Intent(IntentKind.UNCLEAR)),
        ("", OFFERED, Intent(IntentKind.UNCLEAR)),
    ],
)
def test_keypresses(digits: str, offered: tuple[Slot, ...], expected: Intent) -> None:
    assert interpret_digits(digits, offered) == expected


def test_a_slot_index_belongs_only_to_a_choice() -> None:
    with pytest.raises(ValueError, match="slot index"):
        Intent(IntentKind.AFFIRM, slot_index=0)
    with pytest.raises(ValueError, match="slot index"):
        Intent(IntentKind.CHOOSE_SLOT)


def test_ruled_out_slots_belong_only_to_other_times() -> None:
    with pytest.raises(ValueError, match="ruled-out"):
        Intent(IntentKind.DECLINE, ruled_out=frozenset({0}))
