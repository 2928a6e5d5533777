"""The everyday British phrasings the rule-based understanding listens for.

Patterns run on text from `normalise`: lower case, straight apostrophes, clause breaks as
" | ", times written as "14:30". Apostrophes are optional throughout because speech
recognisers often drop them ("dont", "im").
"""

from __future__ import annotations

import re
from typing import Final

CLAUSE_BREAK: Final = "|"

_REWRITES: Final = (
    # Indifference reads as a choice of the earliest slot, so give it one spelling; it must
    # happen before negation is looked for ("don't mind" is not a refusal).
    (r"\b(i )?(do ?n'?t|do not) mind\b", "either"),
    (r"\b(it )?(does ?n'?t|does not) matter\b", "either"),
    (r"\b(i'?m )?not (fussy|bothered)\b", "either"),
    (r"\bwhich ?ever\b|\bwhatever\b|\bany of (them|those|these)\b|\bboth (are )?fine\b", "either"),
    # Polite fillers that would otherwise look like a refusal or a choice.
    (r"\bno (problem|worries|bother)\b|\bnot a problem\b", "okay"),
    (r"\b(do ?n'?t|do not) worry\b", "okay"),
    (r"\bno idea\b|\bnot sure\b", "unsure"),
    (r"\b(just |hang on |hold on |wait )?a (second|sec|moment|minute)\b", "wait"),
    (r"\bfirst thing\b", "morning"),
    (r"\bmid-?day\b|\b12 noon\b|\bnoon\b", "12:00 pm"),
)

_CALL: Final = r"(call|ring|phone|contact)"
_CALLED: Final = r"(called|rung|phoned|contacted|calling|ringing|phoning|contacting)"
_NOT_WANT: Final = r"(do ?n'?t|do not|never|would ?n'?t|would not) (want|wish|like)"
_WHO: Final = r"(you|anyone|anybody|them|the practice|people) "

OPT_OUT: Final = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(stop|quit) (calling|ringing|phoning|contacting|bothering|these calls|the calls)\b",
        r"^(please )?quit( it)?( please)?$",
        rf"\b(do ?n'?t|do not|never|not to) (ever )?{_CALL}\b",
        # "I don't want you to call me", "I'd rather not be rung", "I don't want calling".
        rf"\b{_NOT_WANT} {_WHO}(to )?{_CALL}\b",
        rf"\b{_NOT_WANT} ({_WHO})?(to be |being )?{_CALLED}\b",
        rf"\b(rather not|prefer not to) (be )?{_CALLED}\b",
        r"\b(be|get|getting) (removed|taken off|deleted|unsubscribed|opted out|struck off)\b",
        r"\b(remove|take|delete|cross|strike) (me|us|my (phone )?(number|details|name))\b",
        r"\b(off|from) (your|the) (\w+ )?(list|database|system|records?)\b",
        r"\bunsubscribe\b",
        r"\bopt(ing)? (me )?out\b",
        r"\bleave (me|us) alone\b",
        r"\bno more (phone )?calls\b",
        r"\b(do ?n'?t|do not|never) (want|wish) (any )?(more |further )?(of )?"
        r"(these |your |this |the )?(phone )?calls\b",
    )
)

# "Stop" as a whole word opts out wherever it stands ("ok stop", "I said stop"), as in the
# SMS rule, except where it plainly means something else: a negation just before it ("can't
# stop, I'm driving"), a place ("the bus stop") or a visit ("stop by"). Anything else errs
# on the side of honouring it.
_NOT_AN_OBJECTION_BEFORE: Final = frozenset(
    {"don't", "dont", "not", "can't", "cant", "cannot", "won't", "wont", "never", "didn't",
     "didnt", "bus", "tram", "pit", "full", "non"}
)  # fmt: skip
_NOT_AN_OBJECTION_AFTER: Final = frozenset({"by", "off"})


def says_stop(text: str) -> bool:
    """Whether a normalised utterance says "stop" as an objection to the call."""
    words = text.split()
    for index, word in enumerate(words):
        if word != "stop":
            continue
        before = words[index - 1] if index else ""
        after = words[index + 1] if index + 1 < len(words) else ""
        if before not in _NOT_AN_OBJECTION_BEFORE and after not in _NOT_AN_OBJECTION_AFTER:
            return True
    return False


CALL_BACK: Final = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(call|ring|phone|try|contact|bell) (me |us )?(back|later|again|another|tomorrow|"
        r"next|in an? |in a bit|at a |this (morning|afternoon|evening)|some ?(other )?time|"
        r"when|after)",
        # "Can you call me on Wednesday instead": a time for the call, not for the eye test.
        r"\b(call|ring|phone|contact|bell) (me|us) (on|at|around|about|instead|during|before|"
        r"over|early|some|any)\b",
        r"\bgive (me|us) a (call|ring|bell)\b",
        r"\b(speak|talk|chat) (to you |with you )?(later|another (day|time)|tomorrow)\b",
        r"\bi'?m (a bit |quite |really |very |just )?(busy|tied up|driving|at work|in a meeting|"
        r"on the road|in the car|out|in the middle of)\b"
        r"(?! (on|then|that|those|at \d|monday|tuesday|wednesday|thursday|friday|saturday))",
        r"\b(at work|driving|in a meeting|in the middle of something)\b",
        r"\bbusy (right now|now|at the moment|just now)\b",
        r"\bnot (a )?(good|great|convenient|the best|the right) (time|moment)\b",
        r"\b(bad|awkward|inconvenient) (time|moment)\b",
        r"\bcan'?(t|not) (talk|speak|chat)\b|\bcannot (talk|speak)\b",
        r"\bnot (right )?now\b",
    )
)

_HEDGES: Final = r"((maybe|perhaps|possibly|probably|um|umm|er|erm|oh|sorry|well|ah|\|) )*"

# Said on its own, "another day" or "later" asks us to call again rather than for new times.
WEAK_CALL_BACK: Final = tuple(
    re.compile(pattern)
    for pattern in (
        rf"^{_HEDGES}(another|some other) day( please| thanks| maybe| perhaps)?$",
        r"^(maybe|perhaps|possibly) (another|some other) time\b",
        r"^some other time\b",
        rf"^{_HEDGES}later( on)?( please| thanks| maybe| perhaps)?$",
    )
)

OTHER_TIMES: Final = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(other|another|different|alternative|more|else|later|earlier|new) "
        r"(times?|days?|dates?|slots?|appointments?|options?|ones?)\b",
        r"\b(anything|something|any ?one|nothing|any) (else|later|earlier|sooner|next|other|"
        r"in the|on|at the|after|before|different)\b",
        r"\b(have you got|do you have|have you|is there|are there|what about|how about|got) "
        r"(anything|any|something|other|another)\b",
        r"\bneither\b|\bnone of (those|them|these)\b",
        r"\b(those|these|that|they|it|them|either)( one| ones| times?| days?| dates?)? "
        r"(do ?n'?t|does ?n'?t|wo ?n'?t|would ?n'?t|do not|does not|will not|would not) "
        r"(suit|work|do|fit)\b",
        r"\b(can'?t|cannot|could ?n'?t|can not|wo ?n'?t be able to) (do|make|manage|get|come)\b",
        r"\b(no good|not (good|great|possible|ideal|convenient) for me|do ?n'?t suit|"
        r"does ?n'?t suit)\b",
        r"\bnext (week|month)\b|\bweekend\b|\blater in the\b|\bearlier in the\b",
        r"\bwhat else\b|\bnothing suitable\b",
        r"\bnot (those|them|these|then|that time|at that time)\b",
        # "I'm busy on Tuesday": a strong "I'm busy" (call back) has already been ruled out.
        r"\b(i'?m|i am|we'?re|we are|i'?ll be|i will be) (\w+ )?"
        r"(busy|away|working|on holiday|out)\b",
        r"\bi work\b",
    )
)

# "Please don't book it": a booking phrase under a negation refuses it. Checked before any
# slot is looked for, so "don't book me in for Tuesday" cannot choose Tuesday.
# Only these may stand between the negation and the verb, so "not Tuesday book Wednesday"
# (no punctuation from the recogniser) is not read as a refusal.
_REFUSAL_FILLER: Final = (
    r" (you|to|want|wish|need|going|be|bother|just|please|really|actually|ever|even|them|it)"
)
REFUSE: Final = tuple(
    re.compile(pattern)
    for pattern in (
        r"(?<!why )\b(do ?n'?t|do not|did ?n'?t|did not|never|not|wo ?n'?t|will not|would ?n'?t|"
        rf"would not|no need to)({_REFUSAL_FILLER}){{0,3}} (book|booking|put (me|us|it) (down|in)|"
        r"sign (me|us) up|pencil (me|us) in|go ahead|do (it|that))\b",
        r"\b(do ?n'?t|do not|never) (really )?(want|need) (one|it|that|an? (appointment|eye test|"
        r"test|check|exam))\b",
        r"^(oh )?(no )?(please )?(do ?n'?t|do not)( please| thanks| thank you)?$",
    )
)

DECLINE: Final = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(no|nope|nah|naw)\b",
        r"\bnot (really|interested|today|for me|at the moment|at this time|at all|this time|"
        r"this year|just now)\b",
        r"\bi'?m (alright|all right|fine|ok|okay|good|sorted|ok thanks)(?! with)\b",
        r"\b(i'?ll|i will|i'?d rather|i would rather) (pass|leave it|give it a miss|not|"
        r"sort it|book|ring|call|phone|contact|do it|arrange)\b",
        r"\b(leave it|give it a miss|do ?n'?t bother|no need|not necessary|not needed)\b",
        r"\b(do ?n'?t|do not) (need|want|think so)\b",
        r"\b(already|just) (had|been|booked|seen|done|got|have)\b",
        r"\b(moved|changed|switched) (away|opticians?|practices?|house|area|to)\b",
        r"\b(go|going|gone) (elsewhere|somewhere else|to another)\b",
        r"\brather not\b|\bmaybe next year\b|\bi'?ll pass\b",
    )
)

AFFIRM: Final = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(yes|yeah|yep|yup|yea|yah|aye|ok|okay|sure|alright|all right|fine|lovely|great|"
        r"perfect|brilliant|fab|fabulous|grand|champion|smashing|excellent|super|wonderful|"
        r"definitely|absolutely|certainly|righto|right you are|mhm|mm hmm|uh huh)\b",
        r"\b(sounds|that'?s|that is|that'?d be|that would be|be) (good|great|lovely|fine|perfect|"
        r"ideal|champion|grand)\b",
        r"\b(of course|why not|go on|go ahead|please do|do it|book (me|it|that|us)|sign me up|"
        r"put me (down|in)|pencil me in)\b",
        r"\b(that|it) (works|suits|will do|'?ll do)\b|\b(works|suits) (me|us)\b",
        r"\bi'?d (like|love)\b|\bi would (like|love)\b|\bi'?ll (take|have)\b",
        r"\b(happy|keen|glad) (with|to)\b",
        r"\bi (want|need) (one|an appointment|to book|to come|it|that)\b",
    )
)


# Asking to hear the offer again is neither an answer nor a failure to understand.
REPEAT: Final = tuple(
    re.compile(pattern)
    for pattern in (
        rf"^{_HEDGES}(sorry|pardon|pardon me|beg your pardon|i beg your pardon|excuse me|"
        r"come again|say again|sorry what|what was that|one more time)( please)?$",
        r"\brepeat (that|it|them|those|the|yourself|what)\b|^(please )?repeat( please)?$",
        r"\bsay (that|it|them|those|the \w+|what you said) again\b",
        r"\bwhat (did|do) you (just )?say\b|\bwhat did you just\b",
        r"\b(what|which) (were|are|was|is) (the|those|that|them)( \w+){0,2} again\b",
        r"\bwhat (times?|days?|dates?) (were|are|was|is|did you say)\b",
        r"\b(did ?n'?t|did not|could ?n'?t|could not|can'?t|cannot|can not) (quite )?"
        r"((catch|hear) (that|it|you|what|the|them|those)|get (that|what you said))\b",
        r"\b(you'?re|you are) breaking up\b",
    )
)


def normalise(utterance: str) -> str:
    """Lower-cased words, clause breaks kept as " | ", times as "h:mm"."""
    text = utterance.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(\d)\s*[.:]\s*(\d\d)\b", r"\1:\2", text)
    text = re.sub(r"(\d)\s*([ap])\.?\s?m\b\.?", r"\1 \2m", text)
    text = re.sub(r"[,.;!?]+", f" {CLAUSE_BREAK} ", text)
    text = re.sub(r"[^a-z0-9':| ]+", " ", text)
    text = " ".join(text.split())
    for pattern, replacement in _REWRITES:
        text = re.sub(pattern, replacement, text)
    return text.strip(f" {CLAUSE_BREAK}")


def matches_any(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def plain(text: str) -> str:
    """The text with clause breaks removed, for patterns that span a whole utterance."""
    return " ".join(word for word in text.split() if word != CLAUSE_BREAK)
