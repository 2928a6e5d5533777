import pytest
from hypothesis import given
from hypothesis import strategies as st

from sightsync.compliance.domain.phone import (
    CallableNumber,
    NumberClass,
    ParseFailure,
    UncallableNumber,
    UnparseableNumber,
    check_phone_number,
    check_stored_number,
    is_callable_stored_number,
)


@pytest.mark.parametrize(
    "raw",
    [
        "07911123456",
        "07911 123456",
        "07911 123 456",
        "07911-123-456",
        "07911.123.456",
        "(07911) 123456",
        "+447911123456",
        "+44 7911 123456",
        "+44 (0) 7911 123456",
        "+44(0)7911123456",
        "+44 07911 123456",
        "(+44) 7911 123456",
        "00447911123456",
        "0044 7911 123 456",
        "  07911 123456  ",
    ],
)
def test_every_uk_style_of_writing_a_mobile_gives_one_e164(raw: str) -> None:
    assert check_phone_number(raw) == CallableNumber("+447911123456", NumberClass.MOBILE)


@pytest.mark.parametrize(
    ("raw", "e164", "number_class"),
    [
        ("07624 123456", "+447624123456", NumberClass.MOBILE),  # Isle of Man
        ("07781 123456", "+447781123456", NumberClass.MOBILE),  # Guernsey, still +44
        ("020 7946 1234", "+442079461234", NumberClass.GEOGRAPHIC),
        ("(020) 7123 4567", "+442071234567", NumberClass.GEOGRAPHIC),
        ("0161 234 5678", "+441612345678", NumberClass.GEOGRAPHIC),
        ("0044 (0) 161 234 5678", "+441612345678", NumberClass.GEOGRAPHIC),
        ("01534 123456", "+441534123456", NumberClass.GEOGRAPHIC),
        ("029 2012 3456", "+442920123456", NumberClass.GEOGRAPHIC),
        ("0300 123 4567", "+443001234567", NumberClass.NON_GEOGRAPHIC),
        ("0345 123 4567", "+443451234567", NumberClass.NON_GEOGRAPHIC),
    ],
)
def test_mobile_geographic_and_03_numbers_are_callable(
    raw: str, e164: str, number_class: NumberClass
) -> None:
    assert check_phone_number(raw) == CallableNumber(e164, number_class)


@pytest.mark.parametrize(
    ("raw", "e164", "number_class"),
    [
        ("07700 900000", "+447700900000", NumberClass.MOBILE),
        ("07700 900999", "+447700900999", NumberClass.MOBILE),
        ("+44 7700 900123", "+447700900123", NumberClass.MOBILE),
        ("020 7946 0000", "+442079460000", NumberClass.GEOGRAPHIC),
        ("020 7946 0999", "+442079460999", NumberClass.GEOGRAPHIC),
        ("0113 496 0000", "+441134960000", NumberClass.GEOGRAPHIC),
        ("0113 496 0999", "+441134960999", NumberClass.GEOGRAPHIC),
        ("0114 496 0123", "+441144960123", NumberClass.GEOGRAPHIC),
        ("0115 496 0123", "+441154960123", NumberClass.GEOGRAPHIC),
        ("0116 496 0123", "+441164960123", NumberClass.GEOGRAPHIC),
        ("0117 496 0123", "+441174960123", NumberClass.GEOGRAPHIC),
        ("0118 496 0123", "+441184960123", NumberClass.GEOGRAPHIC),
        ("0121 496 0123", "+441214960123", NumberClass.GEOGRAPHIC),
        ("0131 496 0123", "+441314960123", NumberClass.GEOGRAPHIC),
        ("0141 496 0123", "+441414960123", NumberClass.GEOGRAPHIC),
        ("0151 496 0123", "+441514960123", NumberClass.GEOGRAPHIC),
        ("0161 496 0123", "+441614960123", NumberClass.GEOGRAPHIC),
        ("028 9649 6123", "+442896496123", NumberClass.GEOGRAPHIC),
        ("029 2018 0123", "+442920180123", NumberClass.GEOGRAPHIC),
        ("01632 960000", "+441632960000", NumberClass.GEOGRAPHIC),
        ("01632 960999", "+441632960999", NumberClass.GEOGRAPHIC),
        ("0306 999 0123", "+443069990123", NumberClass.NON_GEOGRAPHIC),
    ],
)
def test_ofcom_drama_ranges_are_callable_and_marked_fictional(
    raw: str, e164: str, number_class: NumberClass
) -> None:
    assert check_phone_number(raw) == CallableNumber(e164, number_class, fictional=True)


@pytest.mark.parametrize("raw", ["07700 901000", "01632 961000"])
def test_just_outside_a_drama_range_unallocated_numbers_stay_invalid(raw: str) -> None:
    assert check_phone_number(raw) == UnparseableNumber(ParseFailure.INVALID_UK_NUMBER)


def test_a_real_number_next_to_a_drama_range_is_not_marked_fictional() -> None:
    result = check_phone_number("020 7946 1000")

    assert result == CallableNumber("+442079461000", NumberClass.GEOGRAPHIC, fictional=False)


@pytest.mark.parametrize(
    ("raw", "e164", "number_class"),
    [
        ("07012 345678", "+447012345678", NumberClass.PERSONAL),
        ("+44 70 1234 5678", "+447012345678", NumberClass.PERSONAL),
        ("07640 123456", "+447640123456", NumberClass.PAGER),
        ("07612 345678", "+447612345678", NumberClass.PAGER),
        ("0800 123 4567", "+448001234567", NumberClass.FREEPHONE),
        ("0808 157 0123", "+448081570123", NumberClass.FREEPHONE),
        ("0500 123456", "+44500123456", NumberClass.FREEPHONE),
        ("0845 123 4567", "+448451234567", NumberClass.SPECIAL_SERVICES),
        ("0844 123 4567", "+448441234567", NumberClass.SPECIAL_SERVICES),
        ("0871 234 5678", "+448712345678", NumberClass.SPECIAL_SERVICES),
        ("0870 123 4567", "+448701234567", NumberClass.SPECIAL_SERVICES),
        ("0901 234 5678", "+449012345678", NumberClass.PREMIUM_RATE),
        ("0909 879 0123", "+449098790123", NumberClass.PREMIUM_RATE),
        ("0982 123 4567", "+449821234567", NumberClass.PREMIUM_RATE),
        ("056 1234 5678", "+445612345678", NumberClass.OTHER),
        ("055 1234 5678", "+445512345678", NumberClass.OTHER),
    ],
)
def test_uk_numbers_of_barred_kinds_are_uncallable_with_their_class(
    raw: str, e164: str, number_class: NumberClass
) -> None:
    result = check_phone_number(raw)

    assert result == UncallableNumber(e164, number_class)
    assert isinstance(result, UncallableNumber)
    assert result.message


@pytest.mark.parametrize(
    ("raw", "failure"),
    [
        ("", ParseFailure.UNPARSEABLE),
        ("   ", ParseFailure.UNPARSEABLE),
        ("not a number", ParseFailure.UNPARSEABLE),
        ("+", ParseFailure.UNPARSEABLE),
        ("+44", ParseFailure.UNPARSEABLE),
        ("0800 FLOWERS", ParseFailure.UNPARSEABLE),
        ("07911 123456 ext 12", ParseFailure.UNPARSEABLE),
        ("07911123456#", ParseFailure.UNPARSEABLE),
        ("07911 123456" + " " * 40, ParseFailure.UNPARSEABLE),
        ("+1 202 555 0123", ParseFailure.NOT_UK),
        ("+353 85 123 4567", ParseFailure.NOT_UK),
        ("00353 85 123 4567", ParseFailure.NOT_UK),
        ("+33 6 12 34 56 78", ParseFailure.NOT_UK),
        ("0161 234 567", ParseFailure.INVALID_UK_NUMBER),
        ("0161 234 56789", ParseFailure.INVALID_UK_NUMBER),
        ("07911 12345", ParseFailure.INVALID_UK_NUMBER),
        ("0123", ParseFailure.INVALID_UK_NUMBER),
    ],
)
def test_input_that_is_not_a_uk_number_says_why(raw: str, failure: ParseFailure) -> None:
    result = check_phone_number(raw)

    assert result == UnparseableNumber(failure)
    assert isinstance(result, UnparseableNumber)
    assert result.message


def test_the_two_kinds_of_refusal_carry_different_messages() -> None:
    not_uk = check_phone_number("+1 202 555 0123")
    premium = check_phone_number("0901 234 5678")

    assert isinstance(not_uk, UnparseableNumber)
    assert isinstance(premium, UncallableNumber)
    assert not_uk.message != premium.message
    assert "09" in premium.message


@pytest.mark.parametrize(
    "e164",
    ["+447911123456", "+447700900000", "+442079460000", "+443001234567", "+447624123456"],
)
def test_a_stored_callable_number_is_still_callable(e164: str) -> None:
    assert is_callable_stored_number(e164)
    assert isinstance(check_stored_number(e164), CallableNumber)


@pytest.mark.parametrize(
    "stored",
    [
        "+449012345678",  # premium rate
        "+447012345678",  # personal
        "+12025550123",  # not UK
        "+44161234567",  # too short
        "07911123456",  # national form, not E.164
        "+44 7911 123456",  # spaces are not E.164
        "+4407911123456",  # trunk zero kept
        "",
    ],
)
def test_a_stored_number_that_is_not_callable_e164_is_refused(stored: str) -> None:
    assert not is_callable_stored_number(stored)


def test_a_stored_number_in_national_form_is_unparseable_rather_than_guessed() -> None:
    assert check_stored_number("07911123456") == UnparseableNumber(ParseFailure.UNPARSEABLE)
    assert check_stored_number("+4407911123456") == UnparseableNumber(ParseFailure.UNPARSEABLE)


def test_a_stored_premium_number_keeps_its_class() -> None:
    assert check_stored_number("+449012345678") == UncallableNumber(
        "+449012345678", NumberClass.PREMIUM_RATE
    )


_DRAMA_BLOCKS = [
    ("07700 900", NumberClass.MOBILE),
    ("020 7946 0", NumberClass.GEOGRAPHIC),
    ("0113 496 0", NumberClass.GEOGRAPHIC),
    ("0161 496 0", NumberClass.GEOGRAPHIC),
    ("028 9649 6", NumberClass.GEOGRAPHIC),
    ("029 2018 0", NumberClass.GEOGRAPHIC),
    ("01632 960", NumberClass.GEOGRAPHIC),
    ("0306 999 0", NumberClass.NON_GEOGRAPHIC),
]


@given(
    block=st.sampled_from(_DRAMA_BLOCKS),
    suffix=st.integers(min_value=0, max_value=999),
    international=st.booleans(),
)
def test_every_number_in_a_drama_block_is_callable_in_either_form(
    block: tuple[str, NumberClass], suffix: int, international: bool
) -> None:
    national = f"{block[0]}{suffix:03d}"
    raw = "+44 " + national[1:] if international else national

    result = check_phone_number(raw)

    assert isinstance(result, CallableNumber)
    assert result.fictional
    assert result.number_class is block[1]
    assert result.e164 == "+44" + national.replace(" ", "")[1:]
    assert is_callable_stored_number(result.e164)


@given(st.text(max_size=30))
def test_arbitrary_text_never_raises_and_callable_results_round_trip(raw: str) -> None:
    result = check_phone_number(raw)

    if isinstance(result, CallableNumber):
        assert check_stored_number(result.e164) == result
