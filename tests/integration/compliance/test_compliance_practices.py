"""Practices over the bus: plans and limits, caller ids, revisions announced to the others."""

from __future__ import annotations

from typing import Any

import pytest

from sightsync.common.messages.practices import (
    CreatePractice,
    GetPractice,
    ListPractices,
    UpdatePractice,
)
from tests.integration.compliance.harness import Compliance

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

DIARY = {"opening_hours": {"Friday": [["14:00", "17:00"], ["09:00", "12:00"]]}, "clinicians": 2}
# As compliance keeps it: days in lower case and in order, openings sorted, defaults filled in.
KEPT_DIARY = {
    "slot_minutes": 30,
    "clinicians": 2,
    "lead_days": 1,
    "opening_hours": {"friday": [["09:00", "12:00"], ["14:00", "17:00"]]},
}


async def test_a_new_practice_gets_its_plans_allowance_and_a_normalised_caller_id(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours

    practice = await compliance.new_practice(plan="practice", caller_id="020 7946 0123")

    assert practice["id"].startswith("prac_")
    assert (practice["plan"], practice["monthly_limit"]) == ("practice", 750)
    assert practice["caller_id"] == "+442079460123"
    assert practice["status"] == "active"
    fetched = await compliance.ok(GetPractice(practice_id=practice["id"]))
    assert fetched == practice
    listed = await compliance.ok(ListPractices())
    assert practice["id"] in [each["id"] for each in listed["practices"]]


@pytest.mark.parametrize("caller_id", ["0906 123 4567", "0800 123 4567", "+33 1 42 68 53 00"])
async def test_a_caller_id_patients_cannot_call_back_is_refused_with_422(
    at_open_hours: Compliance, caller_id: str
) -> None:
    error = await at_open_hours.refused(CreatePractice(name="Premium", caller_id=caller_id))

    assert (error.status, error.code, error.details) == (
        422,
        "invalid_caller_id",
        {"field": "caller_id"},
    )
    assert "caller_id" in error.message
    assert "123" not in error.message


async def test_a_plan_change_moves_the_limit_unless_it_was_overridden(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    plain = await compliance.new_practice(plan="starter")
    negotiated = await compliance.new_practice(plan="starter", monthly_limit=500)

    upgraded = await compliance.ok(UpdatePractice(practice_id=plain["id"], plan="group"))
    kept = await compliance.ok(UpdatePractice(practice_id=negotiated["id"], plan="group"))
    cleared = await compliance.ok(UpdatePractice(practice_id=negotiated["id"], monthly_limit=2000))
    downgraded = await compliance.ok(UpdatePractice(practice_id=negotiated["id"], plan="starter"))

    assert upgraded["monthly_limit"] == 2000
    assert kept["monthly_limit"] == 500
    # A limit equal to the plan's allowance is no override, so the next plan change moves it.
    assert cleared["monthly_limit"] == 2000
    assert downgraded["monthly_limit"] == 300


async def test_every_change_announces_the_whole_practice_with_a_new_revision(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice(diary=DIARY, caller_id="0113 496 0000")

    await compliance.ok(UpdatePractice(practice_id=practice["id"], status="past_due"))
    await compliance.ok(UpdatePractice(practice_id=practice["id"], status="past_due"))
    await compliance.ok(UpdatePractice(practice_id=practice["id"], caller_id=""))

    stored = await compliance.db["practices"].find_one({"_id": practice["id"]})
    assert stored is not None
    # The repeated update changed nothing, so it neither bumped nor announced anything.
    assert stored["revision"] == 3
    outbox = compliance.db["outbox"].find({"envelope.practice_id": practice["id"]})
    announced = [entry["envelope"] async for entry in outbox]
    assert [each["type"] for each in announced] == ["practice.updated"] * 3
    assert [each["payload"]["revision"] for each in announced] == [1, 2, 3]
    assert announced[-1]["payload"]["status"] == "past_due"
    assert announced[-1]["payload"]["diary"] == KEPT_DIARY
    assert announced[-1]["payload"]["caller_id"] is None


@pytest.mark.parametrize(
    ("diary", "field"),
    [
        ({"opening_hours": {"mon": [["09:00", "17:00"]]}}, "diary.opening_hours.mon"),
        ({"opening_hours": {"monday": [["9:00", "17:00"]]}}, "diary.opening_hours.monday.0.0"),
        ({"slots": ["09:00"]}, "diary.opening_hours"),
    ],
)
async def test_an_invalid_diary_is_refused_with_422_naming_the_field(
    at_open_hours: Compliance, diary: dict[str, Any], field: str
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice(diary=DIARY)

    refusals = [
        await compliance.refused(CreatePractice(name="Badly Kept", diary=diary)),
        await compliance.refused(UpdatePractice(practice_id=practice["id"], diary=diary)),
    ]

    for error in refusals:
        assert (error.status, error.code, error.details) == (422, "invalid_diary", {"field": field})
        assert error.message.startswith(f"{field}: ")
    kept = await compliance.ok(GetPractice(practice_id=practice["id"]))
    assert kept["diary"] == KEPT_DIARY


async def test_a_valid_diary_is_kept_in_order_and_an_empty_one_removes_it(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice()
    assert practice["diary"] is None

    set_ = await compliance.ok(UpdatePractice(practice_id=practice["id"], diary=DIARY))
    again = await compliance.ok(UpdatePractice(practice_id=practice["id"], diary=KEPT_DIARY))
    removed = await compliance.ok(UpdatePractice(practice_id=practice["id"], diary={}))

    assert set_["diary"] == again["diary"] == KEPT_DIARY
    assert removed["diary"] is None
    stored = await compliance.db["practices"].find_one({"_id": practice["id"]})
    assert stored is not None
    # Sending the diary it already has, in its kept form, changed nothing.
    assert (stored["revision"], stored["diary"]) == (3, None)


async def test_an_unknown_practice_is_404(at_open_hours: Compliance) -> None:
    for message in (
        GetPractice(practice_id="prac_missing"),
        UpdatePractice(practice_id="prac_missing", name="Anything"),
    ):
        error = await at_open_hours.refused(message)
        assert (error.status, error.code) == (404, "practice_not_found")
