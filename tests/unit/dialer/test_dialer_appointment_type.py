import pytest

from sightsync.dialer.domain.appointment_type import AppointmentType, appointment_type_for
from sightsync.dialer.domain.risk import RiskCategory


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        (RiskCategory.STANDARD, AppointmentType.ROUTINE_EYE_EXAM),
        (RiskCategory.DIABETIC, AppointmentType.DIABETIC_EYE_EXAM),
        (RiskCategory.GLAUCOMA_SUSPECT, AppointmentType.GLAUCOMA_REVIEW),
        (RiskCategory.MYOPIA_CHILD, AppointmentType.MYOPIA_REVIEW),
        (RiskCategory.CONTACT_LENS, AppointmentType.CONTACT_LENS_CHECK),
        (RiskCategory.OTHER_CLINICAL, AppointmentType.ROUTINE_EYE_EXAM),
    ],
)
def test_risk_category_decides_the_appointment_type(
    risk: RiskCategory, expected: AppointmentType
) -> None:
    assert appointment_type_for(risk) is expected
    assert appointment_type_for(risk.value) is expected


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="not a valid"):
        appointment_type_for("cataract")
