"""Which UK phone numbers a recall call may ring, and their E.164 form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

UK_COUNTRY_CODE = 44


class NumberClass(StrEnum):
    MOBILE = "mobile"
    GEOGRAPHIC = "geographic"
    NON_GEOGRAPHIC = "non_geographic"  # 03: charged like a geographic call
    PERSONAL = "personal"
    PAGER = "pager"
    FREEPHONE = "freephone"
    SPECIAL_SERVICES = "special_services"  # 084 and 087: revenue-sharing
    PREMIUM_RATE = "premium_rate"
    OTHER = "other"  # corporate, VoIP and every other non-callable range


CALLABLE_CLASSES = frozenset(
    {NumberClass.MOBILE, NumberClass.GEOGRAPHIC, NumberClass.NON_GEOGRAPHIC}
)


class ParseFailure(StrEnum):
    UNPARSEABLE = "unparseable"
    NOT_UK = "not_uk"
    INVALID_UK_NUMBER = "invalid_uk_number"


@dataclass(frozen=True)
class CallableNumber:
    e164: str
    number_class: NumberClass
    # True for Ofcom's ranges reserved for drama, which never reach a real subscriber.
    fictional: bool = False


@dataclass(frozen=True)
class UncallableNumber:
    """A real UK number of a kind a recall call must not ring."""

    e164: str
    number_class: NumberClass

    @property
    def message(self) -> str:
        return _UNCALLABLE_MESSAGES[self.number_class]


@dataclass(frozen=True)
class UnparseableNumber:
    """Input that is not a UK phone number at all."""

    failure: ParseFailure

    @property
    def message(self) -> str:
        return _FAILURE_MESSAGES[self.failure]


PhoneCheck = CallableNumber | UncallableNumber | UnparseableNumber

_FAILURE_MESSAGES = {
    ParseFailure.UNPARSEABLE: "This is not a recognisable phone number.",
    ParseFailure.NOT_UK: "Only UK (+44) phone numbers can be called.",
    ParseFailure.INVALID_UK_NUMBER: "This is not a valid UK phone number; check the digits.",
}

_UNCALLABLE_MESSAGES = {
    NumberClass.PERSONAL: "Personal numbers (070) cannot be called.",
    NumberClass.PAGER: "Pager numbers (076) cannot be called.",
    NumberClass.FREEPHONE: "Freephone numbers (080, 0500) cannot be called.",
    NumberClass.SPECIAL_SERVICES: "Special service numbers (084, 087) cannot be called.",
    NumberClass.PREMIUM_RATE: "Premium-rate numbers (09) cannot be called.",
    NumberClass.OTHER: "Only UK mobile, geographic (01, 02) and 03 numbers can be called.",
}

# Prefixes of the national significant number (no trunk 0), most specific first.
_PREFIX_CLASSES = (
    ("7624", NumberClass.MOBILE),  # Isle of Man mobiles sit inside the 076 pager block
    ("70", NumberClass.PERSONAL),
    ("76", NumberClass.PAGER),
    ("7", NumberClass.MOBILE),
    ("1", NumberClass.GEOGRAPHIC),
    ("2", NumberClass.GEOGRAPHIC),
    ("3", NumberClass.NON_GEOGRAPHIC),
    ("80", NumberClass.FREEPHONE),
    ("500", NumberClass.FREEPHONE),
    ("84", NumberClass.SPECIAL_SERVICES),
    ("87", NumberClass.SPECIAL_SERVICES),
    ("9", NumberClass.PREMIUM_RATE),
)

# Ofcom's drama ranges: each prefix plus any three digits. Several are not in the
# phonenumbers metadata, and demos and tests must be able to ring them.
_DRAMA_PREFIXES = {
    "7700900": NumberClass.MOBILE,
    "2079460": NumberClass.GEOGRAPHIC,
    "1134960": NumberClass.GEOGRAPHIC,
    "1144960": NumberClass.GEOGRAPHIC,
    "1154960": NumberClass.GEOGRAPHIC,
    "1164960": NumberClass.GEOGRAPHIC,
    "1174960": NumberClass.GEOGRAPHIC,
    "1184960": NumberClass.GEOGRAPHIC,
    "1214960": NumberClass.GEOGRAPHIC,
    "1314960": NumberClass.GEOGRAPHIC,
    "1414960": NumberClass.GEOGRAPHIC,
    "1514960": NumberClass.GEOGRAPHIC,
    "1614960": NumberClass.GEOGRAPHIC,
    "2896496": NumberClass.GEOGRAPHIC,
    "2920180": NumberClass.GEOGRAPHIC,
    "1632960": NumberClass.GEOGRAPHIC,
    "3069990": NumberClass.NON_GEOGRAPHIC,
}
_DRAMA_NSN_LENGTH = 10

# Letters would be read as a vanity number and "ext"/"#" as an extension; neither can be
# dialled by the recall call, so only digits and the usual separators get through.
_ACCEPTED_INPUT = re.compile(r"[\s(]*\+?[\d\s().\-]+")
_MAX_INPUT_LENGTH = 40
_STORED_E164 = re.compile(r"\+[1-9]\d{6,14}")


def check_phone_number(raw: str) -> PhoneCheck:
    """Normalise a number typed in any UK style and say whether a recall call may ring it."""
    if len(raw) > _MAX_INPUT_LENGTH or not _ACCEPTED_INPUT.fullmatch(raw):
        return UnparseableNumber(ParseFailure.UNPARSEABLE)
    try:
        parsed = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return UnparseableNumber(ParseFailure.UNPARSEABLE)
    if parsed.country_code != UK_COUNTRY_CODE:
        return UnparseableNumber(ParseFailure.NOT_UK)

    nsn = phonenumbers.national_significant_number(parsed)
    e164 = f"+{UK_COUNTRY_CODE}{nsn}"
    drama_class = _drama_class(nsn)
    if drama_class is not None:
        return CallableNumber(e164, drama_class, fictional=True)
    if not phonenumbers.is_possible_number(parsed):
        return UnparseableNumber(ParseFailure.INVALID_UK_NUMBER)

    number_class = _class_by_prefix(nsn)
    if number_class in CALLABLE_CLASSES:
        if not phonenumbers.is_valid_number(parsed):
            return UnparseableNumber(ParseFailure.INVALID_UK_NUMBER)
        return CallableNumber(e164, number_class)
    # A known barred prefix is refused by its class even where the range is unallocated
    # (0500 was withdrawn), so the caller hears why rather than "invalid".
    if number_class is NumberClass.OTHER and not phonenumbers.is_valid_number(parsed):
        return UnparseableNumber(ParseFailure.INVALID_UK_NUMBER)
    return UncallableNumber(e164, number_class)


def check_stored_number(e164: str) -> PhoneCheck:
    """The same rules for a number already held in E.164; anything else is unparseable."""
    if not _STORED_E164.fullmatch(e164):
        return UnparseableNumber(ParseFailure.UNPARSEABLE)
    result = check_phone_number(e164)
    if isinstance(result, UnparseableNumber) or result.e164 == e164:
        return result
    return UnparseableNumber(ParseFailure.UNPARSEABLE)


def is_callable_stored_number(e164: str) -> bool:
    return isinstance(check_stored_number(e164), CallableNumber)


def _drama_class(nsn: str) -> NumberClass | None:
    if len(nsn) != _DRAMA_NSN_LENGTH:
        return None
    return _DRAMA_PREFIXES.get(nsn[:7])


def _class_by_prefix(nsn: str) -> NumberClass:
    for prefix, number_class in _PREFIX_CLASSES:
        if nsn.startswith(prefix):
            return number_class
    return NumberClass.OTHER
