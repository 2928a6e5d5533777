"""A UK phone number as a patient types it, in the E.164 form compliance keys numbers by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

UK_COUNTRY_CODE = 44

# Letters would be read as a vanity number and "ext" as an extension; no patient is
# called on either, so only digits and the usual separators get through.
_ACCEPTED_INPUT = re.compile(r"[\d\s()+.\-]+")
_MAX_INPUT_LENGTH = 40
# Ofcom's drama ranges and ranges newer than the library's metadata are 10-digit numbers
# starting 01, 02, 03 or 07; every number a recall call may ring is of this shape.
_CALLABLE_SHAPE = re.compile(r"[1237]\d{9}")


class NumberProblem(StrEnum):
    MISSING = "missing"
    NOT_UK = "not_uk"
    NOT_A_NUMBER = "not_a_number"


@dataclass(frozen=True)
class UkNumber:
    e164: str
    display: str  # as a patient would write it: 07700 900123


def normalise_uk_number(raw: str) -> UkNumber | NumberProblem:
    """Read a UK number in any usual style (07…, +44 (0)7…, 0044 7…); say what is wrong if not."""
    text = raw.strip()
    if not text:
        return NumberProblem.MISSING
    if len(text) > _MAX_INPUT_LENGTH or not _ACCEPTED_INPUT.fullmatch(text):
        return NumberProblem.NOT_A_NUMBER
    try:
        parsed = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return NumberProblem.NOT_A_NUMBER
    if parsed.country_code != UK_COUNTRY_CODE:
        return NumberProblem.NOT_UK

    nsn = phonenumbers.national_significant_number(parsed)
    if not (phonenumbers.is_valid_number(parsed) or _CALLABLE_SHAPE.fullmatch(nsn)):
        return NumberProblem.NOT_A_NUMBER
    display = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return UkNumber(e164=f"+{UK_COUNTRY_CODE}{nsn}", display=display)
