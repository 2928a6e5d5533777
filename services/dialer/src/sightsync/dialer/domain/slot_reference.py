"""Which offered slot a patient means: "the first one", "Tuesday", "half past two", "2pm".

Each mention in a normalised utterance is matched against the offered slots. Mentions next
to each other ("Tuesday at 10:30") describe one slot; a mention after "not", "can't do" or
"not interested in", or followed by "is no good", rules slots out instead of choosing them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from sightsync.dialer.domain.phrases import CLAUSE_BREAK
from sightsync.dialer.domain.slot_mentions import RECOGNISERS, Resolver, any_slot, words
from sightsync.dialer.domain.slots import Slot

_PRE_NEGATORS: Final = frozenset(
    words(
        "not never neither nor can't cant cannot don't dont doesn't doesnt won't wont isn't "
        "isnt couldn't couldnt wouldn't wouldnt except besides than other before after busy "
        "away working work unsure"
    )
)
# "Not interested in" is too far from "the Tuesday" for the three-word look-back, and
# "interested" alone must not negate ("I'm interested in the Tuesday").
_NEGATED_LEAD: Final = re.compile(
    r"\b(not|never|do ?n'?t|does ?n'?t|did ?n'?t|would ?n'?t|wo ?n'?t)( (really|very|that|too|so|"
    r"particularly|be))? (interested|keen|fussed|bothered|happy|fond|want|fancy|like|need)"
    r"( (in|on|about|with|of|for))?( (the|that|this|a|an))?$"
)
_POST_NEGATION: Final = re.compile(
    r"^('s|s|is|are|'re)? ?(no good|not (good|great|possible|ideal|convenient|for me)|"
    r"(is ?n'?t|are ?n'?t|is not|are not) (\w+ )?(good|great|possible|ideal|convenient|"
    r"suitable|any good)|"
    r"(do ?n'?t|does ?n'?t|wo ?n'?t|would ?n'?t|do not|does not|will not) "
    r"(really |quite |actually )?(suit|work|do|fit)|"
    r"i (can'?t|cannot|can not|could ?n'?t) (do|make|manage)|"
    r"out|impossible|(is )?(bad|difficult|tricky|awkward)( for me)?)\b"
)
_LINKERS: Final = frozenset({"at", "on", "in", "of", "around", "about", "the"})
# "I can't do Tuesday or Wednesday": a refusal carries across a list of alternatives.
_COORDINATORS: Final = frozenset({"or", "and", "nor", "the", "on", "either"})


@dataclass(frozen=True)
class SlotChoice:
    index: int | None
    """Index into the offered slots, when the patient named exactly one."""
    unoffered: bool = False
    """The patient named a day or time that was not on offer."""
    ruled_out: frozenset[int] = frozenset()
    """Indices of offered slots the patient turned down ("not Tuesday")."""


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    indices: frozenset[int]
    kind: Resolver


def choose_slot(text: str, offered: Sequence[Slot]) -> SlotChoice:
    """The offered slot a normalised utterance picks, if it picks exactly one."""
    if not offered:
        return SlotChoice(None)
    tokens = text.split()
    mentions = sorted(_mentions(text, offered), key=lambda mention: mention.start)
    candidates = set(range(len(offered)))
    ruled_out: set[int] = set()
    chosen: list[frozenset[int]] = []
    indifferent = False
    previous: tuple[list[_Mention], bool] | None = None
    for group in _linked_groups(mentions, tokens):
        described = frozenset.intersection(*(mention.indices for mention in group))
        negated = _negated(group, tokens) or _carries_refusal(previous, group, tokens)
        previous = (group, negated)
        if negated:
            candidates -= described
            ruled_out |= described
            continue
        chosen.append(described)
        indifferent = indifferent or any(mention.kind is any_slot for mention in group)
    if not chosen:
        return SlotChoice(None, ruled_out=frozenset(ruled_out))
    for described in chosen:
        if not described:
            return SlotChoice(None, unoffered=True)
        candidates &= described
    if len(candidates) == 1 or (candidates and indifferent):
        return SlotChoice(min(candidates))
    return SlotChoice(None, ruled_out=frozenset(ruled_out))


def _mentions(text: str, offered: Sequence[Slot]) -> Iterator[_Mention]:
    claimed: list[tuple[int, int]] = []
    for pattern, resolve in RECOGNISERS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in claimed):
                continue
            indices = resolve(match, offered)
            if indices is None:
                continue
            claimed.append(span)
            start = text[: span[0]].count(" ")
            end = start + len(match.group(0).split())
            yield _Mention(start, end, indices, kind=resolve)


def _linked_groups(mentions: list[_Mention], tokens: list[str]) -> Iterator[list[_Mention]]:
    group: list[_Mention] = []
    for mention in mentions:
        gap = tokens[group[-1].end : mention.start] if group else []
        linked = all(word in _LINKERS for word in gap)
        # Two mentions of the same kind ("the first one, the second") name different slots.
        if group and (not linked or any(other.kind is mention.kind for other in group)):
            yield group
            group = []
        group.append(mention)
    if group:
        yield group


def _carries_refusal(
    previous: tuple[list[_Mention], bool] | None, group: list[_Mention], tokens: list[str]
) -> bool:
    if previous is None or not previous[1]:
        return False
    gap = tokens[previous[0][-1].end : group[0].start]
    return set(gap) <= _COORDINATORS and bool(set(gap) & {"or", "and", "nor"})


def _negated(group: list[_Mention], tokens: list[str]) -> bool:
    clause = tokens[: group[0].start]
    if CLAUSE_BREAK in clause:
        clause = clause[len(clause) - clause[::-1].index(CLAUSE_BREAK) :]
    if any(word in _PRE_NEGATORS for word in clause[-3:]):
        return True
    if _NEGATED_LEAD.search(" ".join(clause[-6:])):
        return True
    after = " ".join(tokens[group[-1].end :])
    return _POST_NEGATION.match(after) is not None
