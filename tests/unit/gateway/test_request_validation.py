"""Body and query validation of the patients and recall API: 400s that name the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.schemas import (
    PatientListQuery,
    PatientUpsertRequest,
    RecallRequest,
)
from sightsync.gateway.entrypoints.http.validation import _invalid, validate

VALID = {"first_name": "Margaret", "phone_number": "07700900123"}


def _body(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    """What parse_body does after reading the bytes: JSON-mode validation."""
    try:
        return model.model_validate_json(json.dumps(data))
    except ValidationError as error:
        raise _invalid(error) from None


def _field_of_400(model: type[BaseModel], data: dict[str, Any]) -> str:
    with pytest.raises(ApiError) as raised:
        _body(model, data)
    assert raised.value.status == 400
    field: str = raised.value.extra["field"]
    assert f"'{field}'" in raised.value.message
    return field


def test_a_minimal_patient_defaults_to_the_standard_category() -> None:
    patient = _body(PatientUpsertRequest, VALID)

    assert isinstance(patient, PatientUpsertRequest)
    assert patient.risk_category == "standard"
    assert patient.last_eye_test_date is None


def test_iso_dates_are_accepted_from_json_strings() -> None:
    patient = _body(PatientUpsertRequest, {**VALID, "last_eye_test_date": "2024-02-29"})

    assert isinstance(patient, PatientUpsertRequest)
    assert patient.last_eye_test_date is not None
    assert patient.last_eye_test_date.isoformat() == "2024-02-29"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_name": None}, "first_name"),
        ({"phone_number": 7700900123}, "phone_number"),
        ({"first_name": 42}, "first_name"),
        ({"last_name": ["Hughes"]}, "last_name"),
        ({"risk_category": "pirate"}, "risk_category"),
        ({"last_eye_test_date": "2023-02-30"}, "last_eye_test_date"),
        ({"last_eye_test_date": "14/05/2023"}, "last_eye_test_date"),
        ({"last_eye_test_date": 1700000000}, "last_eye_test_date"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_ill_typed_or_invalid_fields_are_named(change: dict[str, Any], field: str) -> None:
    assert _field_of_400(PatientUpsertRequest, {**VALID, **change}) == field


def test_missing_required_fields_are_named() -> None:
    assert _field_of_400(PatientUpsertRequest, {"first_name": "Margaret"}) == "phone_number"
    assert _field_of_400(PatientUpsertRequest, {"phone_number": "07700900123"}) == "first_name"


def test_recall_needs_a_string_patient_id() -> None:
    assert _field_of_400(RecallRequest, {}) == "patient_id"
    assert _field_of_400(RecallRequest, {"patient_id": 12}) == "patient_id"


def test_list_query_defaults_and_bounds() -> None:
    query = validate(PatientListQuery, {})

    assert (query.limit, query.offset, query.overdue_only) == (100, 0, "false")
    assert validate(PatientListQuery, {"limit": "500", "offset": "20"}).limit == 500


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"overdue_only": "yes"}, "overdue_only"),
        ({"overdue_only": "1"}, "overdue_only"),
        ({"risk_category": "pirate"}, "risk_category"),
    ],
)
def test_bad_query_values_are_named(query: dict[str, str], field: str) -> None:
    with pytest.raises(ApiError) as raised:
        validate(PatientListQuery, query)

    assert raised.value.status == 400
    assert raised.value.extra["field"] == field
