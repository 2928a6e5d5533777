"""Which kind of appointment a recall books, decided by the patient's risk category."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from sightsync.dialer.domain.risk import RiskCategory


class AppointmentType(StrEnum):
    ROUTINE_EYE_EXAM = "routine_eye_exam"
    DIABETIC_EYE_EXAM = "diabetic_eye_exam"
    GLAUCOMA_REVIEW = "glaucoma_review"
    MYOPIA_REVIEW = "myopia_review"
    CONTACT_LENS_CHECK = "contact_lens_check"


_BY_RISK: Final[dict[RiskCategory, AppointmentType]] = {
    RiskCategory.STANDARD: AppointmentType.ROUTINE_EYE_EXAM,
    RiskCategory.DIABETIC: AppointmentType.DIABETIC_EYE_EXAM,
    RiskCategory.GLAUCOMA_SUSPECT: AppointmentType.GLAUCOMA_REVIEW,
    RiskCategory.MYOPIA_CHILD: AppointmentType.MYOPIA_REVIEW,
    RiskCategory.CONTACT_LENS: AppointmentType.CONTACT_LENS_CHECK,
    # Other clinical flags are triaged by the optometrist in a full exam.
    RiskCategory.OTHER_CLINICAL: AppointmentType.ROUTINE_EYE_EXAM,
}


def appointment_type_for(risk: RiskCategory | str) -> AppointmentType:
    """The appointment a recall books; raises ValueError for an unknown category."""
    return _BY_RISK[RiskCategory(risk)]
