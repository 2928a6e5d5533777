"""The ways a patient can name a slot, each with how to find it among those offered.

Recognisers are tried in order and an earlier match claims its words, so "the first of
December" is a date, not "the first one".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from sightsync.dialer.domain.slots import WEEKDAYS, Slot

SlotTest = Callable[[Slot], bool]
Resolver = Callable[[re.Match[str], Sequence[Slot]], frozenset[int] | None]
"""The indices of the offered slots a match names; None when the match names no slot."""


def words(text: str) -> list[str]:
    return text.split()


_HOURS: Final = {
    word: number
    for number, word in enumerate(
        words("one two three four five six seven eight nine ten eleven twelve"), start=1
    )
}
_HOUR: Final = r"(\d{1,2}|" + "|".join(_HOURS) + ")"
_PAST_MINUTES: Final = {"five": 5, "ten": 10, "quarter": 15, "twenty": 20, "twenty five": 25}
_PAST_MINUTES_WITH_HALF: Final = {**_PAST_MINUTES, "half": 30}
_SPOKEN_MINUTES: Final = {
    "o five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "forty five": 45, "fifty": 50,
}  # fmt: skip
_MONTHS: Final = words(
    "january february march april may june july august september october november december"
)
_MONTH: Final = r"(" + "|".join(f"{name[:3]}(?:{name[3:]})?" for name in _MONTHS) + r")"
_DAY_WORDS: Final = {
    word: number
    for number, word in enumerate(
        words(
            "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
            "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
            "twentieth"
        ),
        start=1,
    )
}
_DAY_WORDS.update({f"twenty {word}": 20 + n for word, n in list(_DAY_WORDS.items())[:9]})
_DAY_WORDS.update({"thirtieth": 30, "thirty first": 31})
_DAY_WORD: Final = "(" + "|".join(sorted(_DAY_WORDS, key=len, reverse=True)) + ")"
_WEEKDAY_NAMES: Final = {
    "monday": 0, "tuesday": 1, "tues": 1, "wednesday": 2, "weds": 2,
    "thursday": 3, "thurs": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip


def _where(offered: Sequence[Slot], test: SlotTest) -> frozenset[int]:
    return frozenset(index for index, slot in enumerate(offered) if test(slot))


def _hour(word: str) -> int:
    return _HOURS[word] if word in _HOURS else int(word)


def _time_test(hour: int, minute: int, meridiem: str | None = None) -> SlotTest:
    def test(slot: Slot) -> bool:
        if slot.local_minute != minute:
            return False
        if meridiem == "am":
            return slot.local_hour == hour % 12
        if meridiem == "pm":
            return slot.local_hour == hour % 12 + 12
        if hour > 12 or hour == 0:
            return slot.local_hour == hour
        # Without am or pm, "two" means whichever of 02:00 and 14:00 is on offer.
        return slot.local_hour % 12 == hour % 12

    return test


def _clock(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int]:
    hour, minute = int(match[1]), int(match[2])
    return _where(offered, _time_test(hour, minute, match[4]))


def _hour_meridiem(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int]:
    return _where(offered, _time_test(_hour(match[1]), 0, match[2]))


def _past_to(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int]:
    minutes, direction, hour = _PAST_MINUTES_WITH_HALF[match[1]], match[2], _hour(match[3])
    if direction == "to":
        hour, minutes = hour - 1 or 12, 60 - minutes
    return _where(offered, _time_test(hour, minutes))


def _half_hour(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int]:
    # "Half two" is British for 2:30.
    return _where(offered, _time_test(_hour(match[1]), 30))


def _hour_and_minutes(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int]:
    return _where(offered, _time_test(_hour(match[1]), _SPOKEN_MINUTES[match[2]]))


def _on_the_hour(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int] | None:
    hour = _hour(match[1])
    if hour > 23:
        return None
    return _where(offered, _time_test(hour, 0))


def _day_and_month(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int] | None:
    groups = [group for group in match.groups() if group]
    day_text = next(group for group in groups if not re.fullmatch(_MONTH, group))
    month_text = next(group for group in groups if re.fullmatch(_MONTH, group))
    day = _DAY_WORDS.get(day_text) or int(re.sub(r"\D", "", day_text) or 0)
    month = _month_number(month_text)
    return _where(offered, lambda s: (s.local_date.day, s.local_date.month) == (day, month))


def _month_number(text: str) -> int:
    return next(n for n, name in enumerate(_MONTHS, start=1) if name.startswith(text[:3]))


def _numbered_day(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int] | None:
    day = int(match[1])
    found = _where(offered, lambda slot: slot.local_date.day == day)
    if not found and day <= 3:
        # "The 2nd" with nothing on the 2nd on offer means the second slot offered.
        return _ordinal(day - 1, offered)
    return found


def _word_day(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int]:
    day = _DAY_WORDS[match[1]]
    return _where(offered, lambda slot: slot.local_date.day == day)


def _month_only(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int]:
    month = _month_number(match[1])
    return _where(offered, lambda slot: slot.local_date.month == month)


def _weekday(match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int]:
    weekday = WEEKDAYS[_WEEKDAY_NAMES[match[1]]]
    return _where(offered, lambda slot: slot.weekday is weekday)


def _ordinal(position: int, offered: Sequence[Slot]) -> frozenset[int]:
    index = position if position >= 0 else len(offered) + position
    return frozenset({index}) if 0 <= index < len(offered) else frozenset()


def _period(low: int, high: int) -> Resolver:
    return lambda _match, offered: _where(offered, lambda slot: low <= slot.local_hour < high)


def _position(position: int) -> Resolver:
    return lambda _match, offered: _ordinal(position, offered)


def any_slot(_match: re.Match[str], offered: Sequence[Slot]) -> frozenset[int]:
    return frozenset(range(len(offered)))


_FIRST: Final = _position(0)
_SECOND: Final = _position(1)
_THIRD: Final = _position(2)
_LAST: Final = _position(-1)
_MORNING: Final = _period(0, 12)
_LUNCHTIME: Final = _period(12, 14)
_AFTERNOON: Final = _period(12, 17)
_EVENING: Final = _period(17, 24)

RECOGNISERS: Final[tuple[tuple[re.Pattern[str], Resolver], ...]] = tuple(
    (re.compile(pattern), resolve)
    for pattern, resolve in (
        (rf"\b(?:the )?(\d{{1,2}}(?:st|nd|rd|th)?|{_DAY_WORD})(?: of)? {_MONTH}\b", _day_and_month),
        (rf"\b{_MONTH} (?:the )?(\d{{1,2}}(?:st|nd|rd|th)?|{_DAY_WORD})\b", _day_and_month),
        (r"\b(\d{1,2}):(\d{2})( (am|pm))?\b", _clock),
        (rf"\b{_HOUR} (am|pm)\b", _hour_meridiem),
        (rf"\b(half|quarter|twenty five|twenty|ten|five) (past|after|to) {_HOUR}\b", _past_to),
        (rf"\bhalf {_HOUR}\b", _half_hour),
        (rf"\b{_HOUR} (o'?clock)\b", _on_the_hour),
        (
            rf"\b{_HOUR} ({'|'.join(sorted(_SPOKEN_MINUTES, key=len, reverse=True))})\b",
            _hour_and_minutes,
        ),
        (rf"\b(?:at|about|around) {_HOUR}\b", _on_the_hour),
        (rf"\b{_HOUR}(?= in the (morning|afternoon|evening))", _on_the_hour),
        (r"\b(?:the )?(\d{1,2})(?:st|nd|rd|th)\b", _numbered_day),
        (r"\b(?:the )?(first|1st|earliest|top|former)( one)?\b", _FIRST),
        (r"\b(?:number|option) (one|1)\b|\bthe earlier( one)?\b|\bearlier one\b", _FIRST),
        (r"\b(?:the )?(second|2nd)( one)?\b|\b(?:number|option) (two|2)\b", _SECOND),
        (r"\b(?:the )?(third|3rd)( one)?\b|\b(?:number|option) (three|3)\b", _THIRD),
        (r"\bthe (last|latest|latter|later)( one)?\b|\b(last|latest|later) one\b", _LAST),
        (rf"\bthe {_DAY_WORD}\b", _word_day),
        # "May" alone is far more often the verb than the month.
        (rf"\b(?!may\b){_MONTH}\b", _month_only),
        (r"\b(" + "|".join(_WEEKDAY_NAMES) + r")(?:s|'s)?\b", _weekday),
        (r"\b(morning|mornings|am one)\b", _MORNING),
        (r"\b(lunch ?time)\b", _LUNCHTIME),
        (r"\b(afternoon|afternoons|pm one)\b", _AFTERNOON),
        (r"\b(evening|evenings|night)\b", _EVENING),
        (r"\beither( one)?\b", any_slot),
    )
)
