from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sightsync.compliance.domain.recall_interval import (
    RiskCategory,
    add_months,
    next_clinical_due_date,
)


@pytest.mark.parametrize(
    ("risk", "due"),
    [
        (RiskCategory.STANDARD, date(2027, 3, 10)),
        (RiskCategory.DIABETIC, date(2026, 3, 10)),
        (RiskCategory.GLAUCOMA_SUSPECT, date(2026, 3, 10)),
        (RiskCategory.CONTACT_LENS, date(2026, 3, 10)),
        (RiskCategory.OTHER_CLINICAL, date(2026, 3, 10)),
        (RiskCategory.MYOPIA_CHILD, date(2025, 9, 10)),
    ],
)
def test_each_risk_category_has_its_recall_interval(risk: RiskCategory, due: date) -> None:
    assert next_clinical_due_date(date(2025, 3, 10), risk) == due


def test_every_category_has_an_interval() -> None:
    for risk in RiskCategory:
        assert next_clinical_due_date(date(2025, 1, 1), risk) is not None


def test_no_last_test_means_no_due_date() -> None:
    assert next_clinical_due_date(None, RiskCategory.DIABETIC) is None


@pytest.mark.parametrize(
    ("last", "risk", "due"),
    [
        (date(2025, 8, 31), RiskCategory.MYOPIA_CHILD, date(2026, 2, 28)),
        (date(2027, 8, 31), RiskCategory.MYOPIA_CHILD, date(2028, 2, 29)),
        (date(2024, 2, 29), RiskCategory.DIABETIC, date(2025, 2, 28)),
        (date(2024, 2, 29), RiskCategory.STANDARD, date(2026, 2, 28)),
        (date(2026, 2, 28), RiskCategory.STANDARD, date(2028, 2, 28)),
        (date(2025, 3, 31), RiskCategory.MYOPIA_CHILD, date(2025, 9, 30)),
        (date(2025, 7, 31), RiskCategory.MYOPIA_CHILD, date(2026, 1, 31)),
        (date(2025, 12, 15), RiskCategory.CONTACT_LENS, date(2026, 12, 15)),
    ],
)
def test_month_arithmetic_clamps_to_the_end_of_a_shorter_month(
    last: date, risk: RiskCategory, due: date
) -> None:
    assert next_clinical_due_date(last, risk) == due


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 6, 15), 0, date(2025, 6, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2026, 1, 10), -13, date(2024, 12, 10)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_risk_categories_read_from_their_wire_names() -> None:
    assert RiskCategory("glaucoma_suspect") is RiskCategory.GLAUCOMA_SUSPECT
    assert {risk.value for risk in RiskCategory} == {
        "standard",
        "diabetic",
        "glaucoma_suspect",
        "myopia_child",
        "contact_lens",
        "other_clinical",
    }


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=-60, max_value=60),
)
def test_add_months_moves_whole_months_and_only_clamps_when_it_must(
    start: date, months: int
) -> None:
    moved = add_months(start, months)

    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    if moved.day != start.day:
        assert moved.day < start.day
        assert (moved + timedelta(days=1)).day == 1  # clamped to the month's last day
