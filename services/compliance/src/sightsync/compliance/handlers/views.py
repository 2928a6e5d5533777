"""The shapes compliance answers with and announces, built from its records."""

from __future__ import annotations

from typing import Any

from sightsync.common.messages.patients import PatientView
from sightsync.common.messages.practices import PracticeUpdated, PracticeView
from sightsync.compliance.domain.patient import Patient
from sightsync.compliance.domain.practice import Practice


def practice_view(practice: Practice) -> PracticeView:
    return PracticeView.model_validate(
        {
            **_practice_fields(practice),
            "id": practice.id,
            "created_at": practice.created_at,
            "updated_at": practice.updated_at,
        }
    )


def practice_updated(practice: Practice) -> PracticeUpdated:
    return PracticeUpdated.model_validate(
        {**_practice_fields(practice), "practice_id": practice.id, "revision": practice.revision}
    )


def patient_view(patient: Patient, *, with_notes: bool) -> PatientView:
    return PatientView.model_validate(
        {
            "id": patient.id,
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "phone_number": patient.phone_e164,
            "email": patient.email,
            "risk_category": patient.risk_category.value,
            "last_eye_test_date": patient.last_eye_test_date,
            "next_clinical_due_date": patient.next_clinical_due_date,
            "opted_out": patient.opted_out,
            "tps_registered": patient.tps_registered,
            "created_at": patient.created_at,
            "updated_at": patient.updated_at,
            "clinical_notes": patient.clinical_notes if with_notes else None,
        }
    )


def _practice_fields(practice: Practice) -> dict[str, Any]:
    return {
        "name": practice.name,
        "plan": practice.plan.value,
        "monthly_limit": practice.monthly_limit,
        "allow_overage": practice.allow_overage,
        "status": practice.status.value,
        "nation": practice.nation.value,
        "caller_id": practice.caller_id,
        "diary": practice.diary,
    }
