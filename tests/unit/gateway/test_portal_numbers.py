from __future__ import annotations

import pytest

from sightsync.gateway.entrypoints.portal.numbers import (
    NumberProblem,
    UkNumber,
    normalise_uk_number,
)


@pytest.mark.parametrize(
    "typed",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "447700900123",
        "(07700) 900-123",
        " 07700.900.123 ",
    ],
)
def test_uk_mobiles_in_any_usual_style_become_e164(typed: str) -> None:
    assert normalise_uk_number(typed) == UkNumber(e164="+447700900123", display="07700 900123")


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("020 7946 0123", "+442079460123"),
        ("(0113) 496 0999", "+441134960999"),
        ("0300 123 4567", "+443001234567"),
        ("07911 123456", "+447911123456"),
    ],
)
def test_landlines_and_03_numbers_are_accepted(typed: str, e164: str) -> None:
    number = normalise_uk_number(typed)
    assert isinstance(number, UkNumber)
    assert number.e164 == e164


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", NumberProblem.MISSING),
        ("   ", NumberProblem.MISSING),
        ("+33 1 23 45 67 89", NumberProblem.NOT_UK),
        ("+1 202 555 0100", NumberProblem.NOT_UK),
        ("07700 90012", NumberProblem.NOT_A_NUMBER),
        ("+44 7700 9001", NumberProblem.NOT_A_NUMBER),
        ("0800 ABC DEFG", NumberProblem.NOT_A_NUMBER),
        ("07700 900123 ext 4", NumberProblem.NOT_A_NUMBER),
        ("hello", NumberProblem.NOT_A_NUMBER),
        ("0" * 41, NumberProblem.NOT_A_NUMBER),
        ("<script>", NumberProblem.NOT_A_NUMBER),
    ],
)
def test_anything_else_says_what_is_wrong(typed: str, problem: NumberProblem) -> None:
    assert normalise_uk_number(typed) is problem
