"""Which texts back opt a patient out: carriers' keywords, tolerant of the words around
them, but never a word that merely contains one or an everyday CANCEL or END."""

from __future__ import annotations

import pytest

from sightsync.dialer.domain.sms_opt_out import is_opt_out

OPT_OUTS = [
    "STOP",
    "stop",
    "Stop",
    " stop ",
    "STOP.",
    "Stop!!!",
    "*STOP*",
    "stop 🙏",
    "Stop please",
    "please stop",
    "STOP calling me",
    "Stop ringing me, I've already booked",
    "Can you stop these calls?",
    "I want the calls to stop",
    "Who is this? Stop",
    "No. Stop.",
    "Don't call me again. STOP",
    "don't call me, stop",
    "do not call just stop",
    "STOPALL",
    "stopall",
    "stop all",
    "UNSUBSCRIBE",
    "please unsubscribe me",
    "Unsubscribe me from these",
    "QUIT",
    "quit calling me",
    "CANCEL",
    "cancel",
    "Cancel please",
    "cancel it",
    "cancel these calls",
    "Cancel my recall reminders please",
    "END",
    "End.",
    "end thanks",
    "END ALL",
    "end these calls now",
    "STOP\nthanks",
    "stop stop stop",
    "Stop – I’m not interested",
]

NOT_OPT_OUTS = [
    "",
    "   ",
    "Yes please",
    "Thanks, see you Tuesday",
    "stopped",
    "I stopped by yesterday",
    "Unstoppable",
    "non-stop",
    "endless",
    "quitting time",
    "I'm quitting smoking",
    "Please don't stop calling",
    "do not stop",
    "don't ever stop",
    "Why didn't you stop?",
    "Please don't unsubscribe me",
    "I can stop by on Friday",
    "Could you stop off at the shop",
    "Cancel my appointment",
    "I need to cancel my appointment on Tuesday",
    "Can I cancel and rebook?",
    "See you at the end of the week",
    "The end of the month suits me",
    "Don't cancel",
    "cancellation",
    "Call me back at 5",
    "🙂",
    "12345",
]


@pytest.mark.parametrize("body", OPT_OUTS)
def test_these_texts_opt_out(body: str) -> None:
    assert is_opt_out(body) is True


@pytest.mark.parametrize("body", NOT_OPT_OUTS)
def test_these_texts_do_not(body: str) -> None:
    assert is_opt_out(body) is False


def test_case_and_curly_apostrophes_do_not_matter() -> None:
    assert is_opt_out("sToP") is True
    assert is_opt_out("Please don’t stop") is False
    assert is_opt_out("UnSubScribe") is True
