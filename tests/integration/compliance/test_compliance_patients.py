"""Patients over the bus: numbers in any format, derived due dates, lists, isolation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sightsync.common.messages.patients import GetPatient, ListPatients, UpsertPatient
from tests.integration.compliance.harness import Compliance

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


async def test_the_same_number_in_any_format_updates_the_same_patient(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice()

    first = await compliance.new_patient(practice["id"], "07700 900123", first_name="Ada")
    second = await compliance.new_patient(practice["id"], "+44 7700 900123", first_name="Ada L")
    third = await compliance.new_patient(practice["id"], "(+44) 07700-900-123", last_name="King")

    assert first["id"] == second["id"] == third["id"]
    assert third["phone_number"] == "+447700900123"
    assert (third["first_name"], third["last_name"]) == ("Ada", "King")
    assert third["created_at"] == first["created_at"]
    assert await compliance.db["patients"].count_documents({"practice_id": practice["id"]}) == 1


@pytest.mark.parametrize(
    ("phone", "code", "mentions"),
    [
        ("call me maybe", "invalid_phone_number", "recognisable"),
        ("+33 1 42 68 53 00", "invalid_phone_number", "UK"),
        ("0909 879 0000", "phone_number_not_callable", "Premium-rate"),
        ("0800 123 4567", "phone_number_not_callable", "Freephone"),
    ],
)
async def test_numbers_a_recall_cannot_ring_are_refused_with_422(
    at_open_hours: Compliance, phone: str, code: str, mentions: str
) -> None:
    practice = await at_open_hours.new_practice()

    error = await at_open_hours.refused(
        UpsertPatient(practice_id=practice["id"], first_name="Ada", phone_number=phone)
    )

    assert (error.status, error.code, error.details) == (422, code, {"field": "phone_number"})
    assert mentions in error.message
    digits = "".join(character for character in phone if character.isdigit())
    assert phone not in error.message
    assert not digits or digits[-6:] not in error.message


async def test_due_dates_follow_the_risk_category_and_future_tests_are_refused(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice()

    standard = await compliance.new_patient(
        practice["id"], "07700 900201", last_eye_test_date="2024-02-29"
    )
    diabetic = await compliance.new_patient(
        practice["id"], "07700 900202", last_eye_test_date="2024-02-29", risk_category="diabetic"
    )
    never = await compliance.new_patient(practice["id"], "07700 900203")
    future = await compliance.refused(
        UpsertPatient(
            practice_id=practice["id"],
            first_name="Ada",
            phone_number="07700 900204",
            last_eye_test_date="2025-06-12",
        )
    )

    assert standard["next_clinical_due_date"] == "2026-02-28"
    assert diabetic["next_clinical_due_date"] == "2025-02-28"
    assert never["next_clinical_due_date"] is None
    assert (future.status, future.details) == (400, {"field": "last_eye_test_date"})
    assert "last_eye_test_date" in future.message


async def test_today_is_the_uk_date_not_the_utc_one(at_open_hours: Compliance) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice()
    # 23:30 UTC on 11 June is already 00:30 on 12 June in London.
    compliance.clock.set(datetime(2025, 6, 11, 23, 30, tzinfo=UTC))

    patient = await compliance.new_patient(
        practice["id"], "07700 900205", last_eye_test_date="2025-06-12"
    )

    assert patient["last_eye_test_date"] == "2025-06-12"


async def test_lists_order_by_due_date_nulls_first_filter_and_page(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice()
    tests = {
        "07700 900301": ("2020-01-10", "standard"),  # due 2022-01-10
        "07700 900302": (None, "standard"),
        "07700 900303": ("2024-09-01", "diabetic"),  # due 2025-09-01, not overdue
        "07700 900304": ("2023-03-01", "diabetic"),  # due 2024-03-01
        "07700 900305": (None, "diabetic"),
    }
    made = {
        phone: await compliance.new_patient(
            practice["id"],
            phone,
            last_eye_test_date=tested,
            risk_category=risk,
            clinical_notes="private notes",
        )
        for phone, (tested, risk) in tests.items()
    }
    ids = {phone[-3:]: patient["id"] for phone, patient in made.items()}
    nulls = sorted([ids["302"], ids["305"]])

    everyone = await compliance.ok(ListPatients(practice_id=practice["id"]))
    overdue = await compliance.ok(ListPatients(practice_id=practice["id"], overdue_only=True))
    diabetic = await compliance.ok(
        ListPatients(practice_id=practice["id"], risk_category="diabetic", limit=2, offset=1)
    )

    assert [p["id"] for p in everyone["patients"]] == [
        *nulls,
        ids["301"],
        ids["304"],
        ids["303"],
    ]
    assert everyone["total"] == 5
    assert all(p["clinical_notes"] is None for p in everyone["patients"])
    assert [p["id"] for p in overdue["patients"]] == [*nulls, ids["301"], ids["304"]]
    assert overdue["total"] == 4
    assert [p["id"] for p in diabetic["patients"]] == [ids["304"], ids["303"]]
    assert (diabetic["total"], diabetic["limit"], diabetic["offset"]) == (3, 2, 1)


async def test_get_includes_clinical_notes_and_another_practices_patient_is_404(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    mine = await compliance.new_practice()
    theirs = await compliance.new_practice()
    patient = await compliance.new_patient(mine["id"], "07700 900401", clinical_notes="IOP 24")

    fetched = await compliance.ok(GetPatient(practice_id=mine["id"], patient_id=patient["id"]))
    error = await compliance.refused(GetPatient(practice_id=theirs["id"], patient_id=patient["id"]))
    their_list = await compliance.ok(ListPatients(practice_id=theirs["id"]))

    assert fetched["patient"]["clinical_notes"] == "IOP 24"
    assert patient["clinical_notes"] is None
    assert (error.status, error.code) == (404, "patient_not_found")
    assert their_list == {"patients": [], "total": 0, "limit": 100, "offset": 0}


async def test_a_patient_for_an_unknown_practice_is_404(at_open_hours: Compliance) -> None:
    error = await at_open_hours.refused(
        UpsertPatient(practice_id="prac_missing", first_name="Ada", phone_number="07700 900501")
    )

    assert (error.status, error.code) == (404, "practice_not_found")
