"""The recall decision over the bus: every refusal, its order, and what an acceptance sends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from sightsync.common.messages.calls import CallAccepted, PlaceCall
from sightsync.common.messages.patients import GetPatient, PatientOptedOut
from sightsync.common.messages.practices import UpdatePractice
from sightsync.common.messages.recall import GetRecallEligibility, RequestRecall
from sightsync.common.messages.tps import ImportTpsNumbers, NumberedLine
from tests.integration.compliance.harness import OPEN_HOURS, Compliance

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

# Saturday 14 June 2025, 11:00 BST.
SATURDAY = datetime(2025, 6, 14, 10, 0, tzinfo=UTC)
# Monday 25 August 2025, 11:00 BST: a bank holiday in England, not in Scotland.
AUGUST_BANK_HOLIDAY = datetime(2025, 8, 25, 10, 0, tzinfo=UTC)


async def _practice_and_patient(
    compliance: Compliance, phone: str, **practice_fields: object
) -> tuple[str, str]:
    practice = await compliance.new_practice(**practice_fields)
    patient = await compliance.new_patient(practice["id"], phone)
    return practice["id"], patient["id"]


def _recall(practice_id: str, patient_id: str, key: str | None = None) -> RequestRecall:
    return RequestRecall(practice_id=practice_id, patient_id=patient_id, idempotency_key=key)


async def test_an_accepted_recall_reaches_the_broker_once_as_command_and_event(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice(
        name="Harbour Eyecare", caller_id="0131 496 0001", nation="scotland"
    )
    patient = await compliance.new_patient(
        practice["id"], "07700 900601", first_name="Grace", risk_category="glaucoma_suspect"
    )

    accepted = await compliance.ok(_recall(practice["id"], patient["id"]))

    assert accepted["call_id"].startswith("c_")
    assert accepted["status"] == "calling"
    assert accepted["accepted_at"] == "2025-06-11T10:00:00Z"
    await compliance.wait_for_tapped(practice["id"], 2)
    tapped = compliance.tapped_for(practice["id"])
    assert sorted(envelope.type for envelope in tapped) == ["call.accepted", "call.place"]
    command = PlaceCall.model_validate(
        next(e.payload for e in tapped if e.type == PlaceCall.message_type)
    )
    event = CallAccepted.model_validate(
        next(e.payload for e in tapped if e.type == CallAccepted.message_type)
    )
    assert command.call_id == event.call_id == accepted["call_id"]
    assert (command.practice_name, command.caller_id, command.nation) == (
        "Harbour Eyecare",
        "+441314960001",
        "scotland",
    )
    assert command.patient.phone_number == "+447700900601"
    assert command.patient.risk_category == "glaucoma_suspect"
    assert event.accepted_at == command.accepted_at


async def test_unknown_and_other_practices_patients_are_404(at_open_hours: Compliance) -> None:
    compliance = at_open_hours
    mine, patient = await _practice_and_patient(compliance, "07700 900602")
    theirs = await compliance.new_practice()

    for message in (
        _recall(mine, "pat_missing"),
        _recall(theirs["id"], patient),
        GetRecallEligibility(practice_id=theirs["id"], patient_id=patient),
    ):
        error = await compliance.refused(message)
        assert (error.status, error.code) == (404, "patient_not_found")


async def test_an_inactive_subscription_comes_before_an_opt_out(at_open_hours: Compliance) -> None:
    compliance = at_open_hours
    practice, patient = await _practice_and_patient(compliance, "07700 900603", status="past_due")
    await compliance.opt_out(
        PatientOptedOut(
            practice_id=practice,
            patient_id=patient,
            channel="call",
            opted_out_at=OPEN_HOURS,
        ),
        expect_patient=patient,
    )

    inactive = await compliance.refused(_recall(practice, patient))
    await compliance.ok(UpdatePractice(practice_id=practice, status="trialing"))
    opted_out = await compliance.refused(_recall(practice, patient))

    assert (inactive.status, inactive.code) == (402, "subscription_inactive")
    assert (opted_out.status, opted_out.code) == (409, "opted_out")


async def test_a_number_that_is_no_longer_callable_is_422(at_open_hours: Compliance) -> None:
    compliance = at_open_hours
    practice, patient = await _practice_and_patient(compliance, "07700 900604")
    # As if the range were re-designated premium-rate after the patient was stored.
    await compliance.db["patients"].update_one(
        {"_id": patient}, {"$set": {"phone_e164": "+449098790000"}}
    )

    error = await compliance.refused(_recall(practice, patient))

    assert (error.status, error.code) == (422, "number_not_callable")


async def test_a_number_on_the_register_is_451_even_at_the_weekend_and_is_flagged(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice, patient = await _practice_and_patient(compliance, "07700 900605")
    # A full replacement does not touch patients' flags; the decision must find it anyway.
    await compliance.ok(
        ImportTpsNumbers(
            import_id="recall-451",
            lines=[NumberedLine(line=1, text="+447700900605")],
            replace=True,
        )
    )
    compliance.clock.set(SATURDAY)

    error = await compliance.refused(_recall(practice, patient))
    stored = await compliance.ok(GetPatient(practice_id=practice, patient_id=patient))

    assert (error.status, error.code) == (451, "tps_registered")
    assert stored["patient"]["tps_registered"] is True


async def test_outside_calling_hours_is_425_with_the_reason_and_next_opening(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    england, english_patient = await _practice_and_patient(compliance, "07700 900606")
    scotland, scottish_patient = await _practice_and_patient(
        compliance, "07700 900607", nation="scotland"
    )

    compliance.clock.set(SATURDAY)
    weekend = await compliance.refused(_recall(england, english_patient))
    compliance.clock.set(datetime(2025, 6, 11, 17, 30, tzinfo=UTC))
    evening = await compliance.refused(_recall(england, english_patient))
    compliance.clock.set(AUGUST_BANK_HOLIDAY)
    holiday = await compliance.refused(_recall(england, english_patient))
    scottish = await compliance.ok(_recall(scotland, scottish_patient))

    assert (weekend.status, weekend.code) == (425, "outside_calling_hours")
    assert weekend.details == {"reason": "weekend", "next_allowed_at": "2025-06-16T08:00:00.000Z"}
    assert evening.details == {
        "reason": "after_hours",
        "next_allowed_at": "2025-06-12T08:00:00.000Z",
    }
    assert holiday.details == {
        "reason": "bank_holiday",
        "next_allowed_at": "2025-08-26T08:00:00.000Z",
    }
    assert scottish["status"] == "calling"


async def test_a_second_call_within_24_hours_is_429_with_when_it_may_ring(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice, patient = await _practice_and_patient(compliance, "07700 900608")
    await compliance.ok(_recall(practice, patient))

    compliance.clock.set(OPEN_HOURS + timedelta(hours=3))
    error = await compliance.refused(_recall(practice, patient))
    eligibility = await compliance.ok(
        GetRecallEligibility(practice_id=practice, patient_id=patient)
    )

    assert (error.status, error.code) == (429, "min_gap_24h")
    assert error.details == {"next_allowed_at": "2025-06-12T10:00:00.000Z"}
    assert eligibility == {"patient_id": patient, "next_allowed_at": "2025-06-12T10:00:00.000Z"}


async def test_a_fourth_call_in_30_days_is_429_until_the_oldest_leaves_the_window(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice, patient = await _practice_and_patient(compliance, "07700 900609")
    for day in (2, 4, 6):
        compliance.clock.set(datetime(2025, 6, day, 10, 0, tzinfo=UTC))
        await compliance.ok(_recall(practice, patient))

    compliance.clock.set(datetime(2025, 6, 10, 10, 0, tzinfo=UTC))
    error = await compliance.refused(_recall(practice, patient))

    assert (error.status, error.code) == (429, "rolling_cap_30d")
    assert error.details == {"next_allowed_at": "2025-07-02T10:00:00.000Z"}


async def test_an_exhausted_month_is_429_unless_overage_is_allowed(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice(monthly_limit=1)
    first = await compliance.new_patient(practice["id"], "07700 900610")
    second = await compliance.new_patient(practice["id"], "07700 900611")
    third = await compliance.new_patient(practice["id"], "07700 900612")
    await compliance.ok(_recall(practice["id"], first["id"]))

    exhausted = await compliance.refused(_recall(practice["id"], second["id"]))
    await compliance.ok(UpdatePractice(practice_id=practice["id"], allow_overage=True))
    overage = await compliance.ok(_recall(practice["id"], third["id"]))
    # A new UK month starts a new count.
    await compliance.ok(UpdatePractice(practice_id=practice["id"], allow_overage=False))
    compliance.clock.set(datetime(2025, 7, 1, 8, 0, tzinfo=UTC))
    next_month = await compliance.ok(_recall(practice["id"], second["id"]))

    assert (exhausted.status, exhausted.code) == (429, "monthly_quota_exhausted")
    assert exhausted.message == "Monthly call limit reached"
    assert exhausted.details == {"calls_used": 1, "monthly_limit": 1}
    assert overage["status"] == next_month["status"] == "calling"
    stored = await compliance.db["calls"].find_one({"_id": overage["call_id"]})
    assert stored is not None and stored["overage"] is True


async def test_time_rules_come_before_the_quota(at_open_hours: Compliance) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice(monthly_limit=0)
    patient = await compliance.new_patient(practice["id"], "07700 900613")

    compliance.clock.set(SATURDAY)
    weekend = await compliance.refused(_recall(practice["id"], patient["id"]))
    compliance.clock.set(OPEN_HOURS)
    quota = await compliance.refused(_recall(practice["id"], patient["id"]))

    assert weekend.status == 425
    assert (quota.status, quota.code) == (429, "monthly_quota_exhausted")


async def test_an_idempotency_key_returns_the_call_it_first_accepted(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice, patient = await _practice_and_patient(compliance, "07700 900614")

    first = await compliance.ok(_recall(practice, patient, key="key-1"))
    compliance.clock.set(OPEN_HOURS + timedelta(minutes=5))
    again = await compliance.ok(_recall(practice, patient, key="key-1"))
    other_key = await compliance.refused(_recall(practice, patient, key="key-2"))

    assert again == first
    assert other_key.status == 429
    assert await compliance.db["calls"].count_documents({"practice_id": practice}) == 1
    await compliance.wait_for_tapped(practice, 2)
    await asyncio.sleep(0.3)
    assert len(compliance.tapped_for(practice)) == 2


async def test_an_idempotency_key_asked_for_another_patient_is_422_and_places_nothing(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice()
    patient = await compliance.new_patient(practice["id"], "07700 900615")
    other = await compliance.new_patient(practice["id"], "07700 900616")
    await compliance.ok(_recall(practice["id"], patient["id"], key="key-1"))

    # As when the gateway's own record of the key is gone (a 503 released it).
    compliance.clock.set(OPEN_HOURS + timedelta(hours=23))
    error = await compliance.refused(_recall(practice["id"], other["id"], key="key-1"))

    assert (error.status, error.code) == (422, "idempotency_key_mismatch")
    assert error.message == "Idempotency-Key was already used with a different request body"
    assert await compliance.db["calls"].count_documents({"practice_id": practice["id"]}) == 1
    await compliance.wait_for_tapped(practice["id"], 2)
    await asyncio.sleep(0.3)
    assert len(compliance.tapped_for(practice["id"])) == 2
    # The other patient's spacing is untouched: they may be rung right now.
    eligibility = await compliance.ok(
        GetRecallEligibility(practice_id=practice["id"], patient_id=other["id"])
    )
    assert eligibility["next_allowed_at"] == "2025-06-12T09:00:00.000Z"


async def test_an_idempotency_key_a_day_old_places_a_new_call_and_holds_it(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice, patient = await _practice_and_patient(compliance, "07700 900617")
    first = await compliance.ok(_recall(practice, patient, key="daily"))

    compliance.clock.set(OPEN_HOURS + timedelta(days=1))
    second = await compliance.ok(_recall(practice, patient, key="daily"))
    compliance.clock.set(OPEN_HOURS + timedelta(days=1, hours=2))
    replayed = await compliance.ok(_recall(practice, patient, key="daily"))

    assert second["call_id"] != first["call_id"]
    assert second["accepted_at"] == "2025-06-12T10:00:00Z"
    assert replayed == second
    holders = await compliance.db["calls"].distinct("_id", {"idempotency_key": "daily"})
    assert holders == [second["call_id"]]
    await compliance.wait_for_tapped(practice, 4)
