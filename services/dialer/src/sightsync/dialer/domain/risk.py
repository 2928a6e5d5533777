"""Why a patient is being recalled, as the practice classified them."""

from __future__ import annotations

from enum import StrEnum


class RiskCategory(StrEnum):
    STANDARD = "standard"
    DIABETIC = "diabetic"
    GLAUCOMA_SUSPECT = "glaucoma_suspect"
    MYOPIA_CHILD = "myopia_child"
    CONTACT_LENS = "contact_lens"
    OTHER_CLINICAL = "other_clinical"
