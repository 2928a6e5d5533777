"""PatientOptedOut: by patient or by number, at one practice or all; permanent and idempotent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from sightsync.common.messages.patients import GetPatient, PatientOptedOut, PatientOptOutRecorded
from tests.integration.compliance.harness import Compliance

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

OPTED_OUT_AT = datetime(2025, 6, 11, 9, 30, tzinfo=UTC)


async def _opted_out(compliance: Compliance, practice_id: str, patient_id: str) -> bool:
    result = await compliance.ok(GetPatient(practice_id=practice_id, patient_id=patient_id))
    return bool(result["patient"]["opted_out"])


async def test_an_opt_out_by_patient_survives_every_later_upsert(at_open_hours: Compliance) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice()
    patient = await compliance.new_patient(practice["id"], "07700 900801")
    event = PatientOptedOut(
        practice_id=practice["id"],
        patient_id=patient["id"],
        channel="call",
        call_id="c_01JXAMPLE0000000000000000",
        opted_out_at=OPTED_OUT_AT,
    )

    await compliance.opt_out(event, expect_patient=patient["id"])
    await compliance.opt_out(event)
    again = await compliance.new_patient(practice["id"], "+447700900801", first_name="Ada")

    assert again["id"] == patient["id"]
    assert again["opted_out"] is True
    stored = await compliance.db["patients"].find_one({"_id": patient["id"]})
    assert stored is not None and stored["opted_out_at"] == OPTED_OUT_AT


async def test_an_opt_out_by_number_covers_every_practice_that_knows_it(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    first = await compliance.new_practice()
    second = await compliance.new_practice()
    a = await compliance.new_patient(first["id"], "07700 900802")
    b = await compliance.new_patient(second["id"], "07700 900802")

    await compliance.opt_out(
        PatientOptedOut(
            practice_id=None,
            patient_id=None,
            phone_number="+447700900802",
            channel="sms",
            opted_out_at=OPTED_OUT_AT,
        ),
        expect_patient=b["id"],
    )
    newcomer = await compliance.new_practice()
    created_later = await compliance.new_patient(newcomer["id"], "07700 900802")

    assert await _opted_out(compliance, first["id"], a["id"])
    assert await _opted_out(compliance, second["id"], b["id"])
    # Asked by number, never to be rung again: a practice that learns the number later too.
    assert created_later["opted_out"] is True


async def test_an_opt_out_by_number_at_one_practice_stays_there(at_open_hours: Compliance) -> None:
    compliance = at_open_hours
    first = await compliance.new_practice()
    second = await compliance.new_practice()
    a = await compliance.new_patient(first["id"], "07700 900803")
    b = await compliance.new_patient(second["id"], "07700 900803")

    await compliance.opt_out(
        PatientOptedOut(
            practice_id=first["id"],
            patient_id=None,
            phone_number="+447700900803",
            channel="portal",
            opted_out_at=OPTED_OUT_AT,
        ),
        expect_patient=a["id"],
    )

    assert not await _opted_out(compliance, second["id"], b["id"])


def _recorded(compliance: Compliance, practice_id: str) -> list[dict[str, object]]:
    return [
        envelope.payload
        for envelope in compliance.tapped_for(practice_id)
        if envelope.type == PatientOptOutRecorded.message_type
    ]


async def test_an_opt_out_by_number_is_recorded_once_per_patient_it_newly_opts_out(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    first, second, elsewhere = [await compliance.new_practice() for _ in range(3)]
    a = await compliance.new_patient(first["id"], "07700 900804")
    b = await compliance.new_patient(second["id"], "07700 900804")
    await compliance.new_patient(elsewhere["id"], "07700 900805")
    by_number = PatientOptedOut(
        practice_id=None,
        patient_id=None,
        phone_number="+447700900804",
        channel="portal",
        opted_out_at=OPTED_OUT_AT,
    )

    await compliance.opt_out(by_number, expect_patient=b["id"])
    await compliance.wait_for_tapped(first["id"], 1)
    await compliance.wait_for_tapped(second["id"], 1)
    # Heard again, and once more by patient: both find nobody left to opt out.
    await compliance.opt_out(by_number)
    await compliance.opt_out(
        PatientOptedOut(
            practice_id=first["id"],
            patient_id=a["id"],
            channel="sms",
            opted_out_at=OPTED_OUT_AT,
        )
    )

    [for_first] = _recorded(compliance, first["id"])
    [for_second] = _recorded(compliance, second["id"])
    assert for_first == {
        "practice_id": first["id"],
        "patient_id": a["id"],
        "channel": "portal",
        "call_id": None,
        "opted_out_at": "2025-06-11T09:30:00Z",
    }
    assert for_second["patient_id"] == b["id"]
    assert _recorded(compliance, elsewhere["id"]) == []


async def test_an_opt_out_that_names_the_patient_is_not_recorded_again(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice()
    patient = await compliance.new_patient(practice["id"], "07700 900806")

    await compliance.opt_out(
        PatientOptedOut(
            practice_id=practice["id"],
            patient_id=patient["id"],
            phone_number="+447700900806",
            channel="sms",
            opted_out_at=OPTED_OUT_AT,
        ),
        expect_patient=patient["id"],
    )
    await asyncio.sleep(0.3)

    # It already reached the dialer and webhooks with its ids; a copy would notify twice.
    assert _recorded(compliance, practice["id"]) == []
