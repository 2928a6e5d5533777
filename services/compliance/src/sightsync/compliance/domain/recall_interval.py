"""How long after an eye test a patient is clinically due another, by risk category."""

from __future__ import annotations

import calendar
from datetime import date
from enum import StrEnum
from types import MappingProxyType


class RiskCategory(StrEnum):
    STANDARD = "standard"
    DIABETIC = "diabetic"
    GLAUCOMA_SUSPECT = "glaucoma_suspect"
    MYOPIA_CHILD = "myopia_child"
    CONTACT_LENS = "contact_lens"
    OTHER_CLINICAL = "other_clinical"


RECALL_INTERVAL_MONTHS = MappingProxyType(
    {
        RiskCategory.STANDARD: 24,
        RiskCategory.DIABETIC: 12,
        RiskCategory.GLAUCOMA_SUSPECT: 12,
        RiskCategory.MYOPIA_CHILD: 6,
        RiskCategory.CONTACT_LENS: 12,
        RiskCategory.OTHER_CLINICAL: 12,
    }
)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the end of a shorter month."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def next_clinical_due_date(last_eye_test_date: date | None, risk: RiskCategory) -> date | None:
    """The date the next test is due, or None when the practice has no record of a test."""
    if last_eye_test_date is None:
        return None
    return add_months(last_eye_test_date, RECALL_INTERVAL_MONTHS[risk])
