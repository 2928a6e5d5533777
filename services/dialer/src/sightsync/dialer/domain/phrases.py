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
    (r"\bno (problem|worries|bother)\b", "okay"),
    (r"\bno idea\b|\bnot sure\b", "unsure"),
    (r"\b(just |hang on |hold on |wait )?a (second|sec|moment|minute)\b", "wait"),
    (r"\bfirst thing\b", "morning"),
    (r"\bmid-?day\b|\b12 noon\b|\bnoon\b", "12:00 pm"),
)

OPT_OUT: Final = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bstop (calling|ringing|phoning|contacting|bothering|these calls|the calls)\b",
        r"^(please )?stop( it| now| please| that)?$",
        r"\b(do ?n'?t|do not|never|not to) (ever )?(call|ring|phone|contact)\b",
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

CALL_BACK: Final = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(call|ring|phone|try|contact|bell) (me |us )?(back|later|again|another|tomorrow|"
        r"next|in an? |in a bit|at a |this (morning|afternoon|evening)|some ?(other )?time|"
        r"when|after)",
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
