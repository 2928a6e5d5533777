"""Whether a text message a patient sends back asks to stop recall calls.

Carriers' keywords are STOP, STOPALL, UNSUBSCRIBE, CANCEL, END and QUIT, in any case.
People rarely send a bare keyword, so words around it are tolerated, but two of the six
are everyday words ("cancel my appointment", "at the end of the week") and an opt-out
holds for good. The rule therefore has two strengths:

- STOP, STOPALL, UNSUBSCRIBE and QUIT count as a whole word anywhere in the message
  ("Stop please", "STOP calling me", "please unsubscribe me"), unless one of the two
  words before it in the same sentence negates it ("please don't stop") or it is
  "stop by" / "stop off" (a visit). A word merely containing a keyword ("stopped",
  "non-stop", "quitting") never counts.
- CANCEL and END count only when every other word of the message is a courtesy or names
  the calls themselves ("Cancel please", "END", "cancel these calls"), so "cancel my
  appointment" or "the end of the month" is not an opt-out.
"""

from __future__ import annotations

import re
from typing import Final

STRONG_KEYWORDS: Final = frozenset({"stop", "stopall", "unsubscribe", "quit"})
WEAK_KEYWORDS: Final = frozenset({"cancel", "end"})

NEGATIONS: Final = frozenset(
    {
        "not",
        "never",
        "don't",
        "dont",
        "doesn't",
        "doesnt",
        "didn't",
        "didnt",
        "can't",
        "cant",
        "cannot",
        "won't",
        "wont",
        "shouldn't",
        "shouldnt",
        "mustn't",
        "mustnt",
    }
)
# "stop by on Friday" is a visit, not an objection.
VISIT_PARTICLES: Final = frozenset({"by", "off"})
# Words that may stand beside CANCEL or END without making it about something else.
BESIDE_WEAK_KEYWORD: Final = frozenset(
    {
        "please",
        "pls",
        "plz",
        "thanks",
        "thank",
        "you",
        "thx",
        "ta",
        "ok",
        "okay",
        "now",
        "it",
        "me",
        "all",
        "just",
        "asap",
        "any",
        "more",
        "further",
        "the",
        "my",
        "these",
        "those",
        "them",
        "this",
        "call",
        "calls",
        "calling",
        "recall",
        "recalls",
        "text",
        "texts",
        "message",
        "messages",
        "reminder",
        "reminders",
    }
)
NEGATION_REACH: Final = 2

# A sentence ends at these; a negation does not reach across them ("No. Stop.").
_SENTENCE_BREAK: Final = re.compile(r"[.!?;:,\n]+")
# Letters, keeping inner apostrophes and hyphens so "don't" and "non-stop" stay one word.
_WORD: Final = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def is_opt_out(body: str) -> bool:
    """True when the message asks to stop recall calls, by the rule above."""
    sentences = [_words(part) for part in _SENTENCE_BREAK.split(_normalise(body))]
    if any(_has_strong_keyword(words) for words in sentences):
        return True
    words = [word for sentence in sentences for word in sentence]
    keywords = [word for word in words if word in WEAK_KEYWORDS]
    return bool(keywords) and all(
        word in WEAK_KEYWORDS or word in BESIDE_WEAK_KEYWORD for word in words
    )


def _has_strong_keyword(words: list[str]) -> bool:
    for index, word in enumerate(words):
        if word not in STRONG_KEYWORDS:
            continue
        before = words[max(0, index - NEGATION_REACH) : index]
        if any(each in NEGATIONS for each in before):
            continue
        if word == "stop" and index + 1 < len(words) and words[index + 1] in VISIT_PARTICLES:
            continue
        return True
    return False


def _normalise(body: str) -> str:
    return body.casefold().replace("\u2019", "'").replace("\u2018", "'")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)
