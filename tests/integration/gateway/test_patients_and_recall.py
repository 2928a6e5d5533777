"""The patients and recall API over HTTP, with all four services running."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import pytest

from sightsync.common.clock import OffsetClock
from sightsync.common.ids import new_id
from sightsync.common.messages.patients import PatientOptedOut
from sightsync.common.messages.tps import ImportTpsNumbers, NumberedLine
from sightsync.gateway.entrypoints.admin.client import AdminClient
from tests.support.api import PracticeKey, create_api_key, create_practice
from tests.support.system import RunningSystem

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

# Ofcom's drama range: callable by the rules, never a real subscriber.
_numbers = itertools.count(100)
# Past the 24 hours an idempotency key and the spacing rule last.
DAY_AND_A_MINUTE = 24 * 3600 + 60


def next_mobile() -> str:
    return f"07700 900{next(_numbers):03d}"


async def _key(admin: AdminClient, **practice: Any) -> PracticeKey:
    created = await create_practice(admin, **practice)
    return await create_api_key(admin, created["id"])


async def _call(
    system: RunningSystem, key: PracticeKey, method: str, path: str, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    headers = {**key.headers, **kwargs.pop("headers", {})}
    async with system.http.request(method, system.api(path), headers=headers, **kwargs) as resp:
        return resp.status, await resp.json()


async def _patient(system: RunningSystem, key: PracticeKey, **fields: Any) -> dict[str, Any]:
    body = {"first_name": "Sam", "phone_number": next_mobile(), **fields}
    status, answer = await _call(system, key, "POST", "/patients", json=body)
    assert status == 200, answer
    patient: dict[str, Any] = answer["patient"]
    return patient


async def test_patients_are_upserted_by_number_listed_and_read(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    key = await _key(admin)
    number = next_mobile()
    body = {
        "first_name": "Margaret",
        "last_name": "Hughes",
        "phone_number": number,
        "last_eye_test_date": "2024-01-15",
        "risk_category": "diabetic",
        "clinical_notes": "Annual retinal screening.",
    }

    status, created = await _call(full_system, key, "POST", "/patients", json=body)
    assert status == 200
    assert created["success"] is True
    patient = created["patient"]
    assert patient["id"].startswith("pat_")
    assert patient["phone_number"] == "+44" + number.replace(" ", "")[1:]

    status, again = await _call(
        full_system, key, "POST", "/patients", json={**body, "phone_number": "+44" + number[1:]}
    )
    assert (status, again["patient"]["id"]) == (200, patient["id"])
    await _patient(full_system, key, risk_category="contact_lens")

    status, page = await _call(full_system, key, "GET", "/patients", params={"limit": "1"})
    assert status == 200
    assert (page["total"], page["limit"], page["offset"], len(page["patients"])) == (2, 1, 0, 1)
    status, page = await _call(
        full_system, key, "GET", "/patients", params={"risk_category": "diabetic"}
    )
    assert [p["id"] for p in page["patients"]] == [patient["id"]]
    status, page = await _call(
        full_system, key, "GET", "/patients", params={"overdue_only": "true", "offset": "5"}
    )
    assert (status, page["offset"], page["patients"]) == (200, 5, [])

    status, detail = await _call(full_system, key, "GET", f"/patients/{patient['id']}")
    assert status == 200
    assert detail["patient"]["clinical_notes"] == "Annual retinal screening."


async def test_compliance_decides_phone_validity_and_future_dates(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    key = await _key(admin)

    status, body = await _call(
        full_system, key, "POST", "/patients", json={"first_name": "A", "phone_number": "12345"}
    )
    assert status == 422
    assert body["error"]

    status, body = await _call(
        full_system,
        key,
        "POST",
        "/patients",
        json={"first_name": "A", "phone_number": next_mobile(), "last_eye_test_date": "2099-01-01"},
    )
    assert status == 400
    assert body["field"] == "last_eye_test_date"


async def test_a_practice_sees_only_its_own_patients(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    owner = await _key(admin)
    other = await _key(admin)
    patient = await _patient(full_system, owner)

    status, _ = await _call(full_system, other, "GET", f"/patients/{patient['id']}")
    assert status == 404
    status, body = await _call(
        full_system, other, "POST", "/recall", json={"patient_id": patient["id"]}
    )
    assert status == 404
    assert body["error"]
    status, page = await _call(full_system, other, "GET", "/patients")
    assert (status, page["total"], page["patients"]) == (200, 0, [])


async def test_a_recall_is_accepted_then_spaced(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    key = await _key(admin)
    patient = await _patient(full_system, key)

    status, body = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": patient["id"]}
    )
    assert status == 202
    assert body["success"] is True
    assert body["call_id"].startswith("c_")
    assert (body["patient_id"], body["status"]) == (patient["id"], "calling")

    status, body = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": patient["id"]}
    )
    assert status == 429
    assert body["next_allowed_at"]


async def test_refusals_pass_through_with_their_details(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    unpaid = await _key(admin, status="past_due")
    status, body = await _call(
        full_system,
        unpaid,
        "POST",
        "/recall",
        json={"patient_id": (await _patient(full_system, unpaid))["id"]},
    )
    assert status == 402, body

    key = await _key(admin, monthly_limit=1)
    first, second = await _patient(full_system, key), await _patient(full_system, key)
    status, _ = await _call(full_system, key, "POST", "/recall", json={"patient_id": first["id"]})
    assert status == 202
    status, body = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": second["id"]}
    )
    assert (status, body["error"]) == (429, "Monthly call limit reached")
    assert (body["calls_used"], body["monthly_limit"]) == (1, 1)

    status, body = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": "pat_nobody"}
    )
    assert status == 404


async def test_tps_registered_numbers_are_451(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    key = await _key(admin)
    number = next_mobile()
    await admin.ask(
        ImportTpsNumbers(import_id=new_id("req"), lines=[NumberedLine(line=1, text=number)])
    )
    patient = await _patient(full_system, key, phone_number=number)

    status, body = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": patient["id"]}
    )

    assert status == 451, body


async def test_opted_out_patients_are_409(full_system: RunningSystem, admin: AdminClient) -> None:
    key = await _key(admin)
    patient = await _patient(full_system, key)
    await full_system.apps["dialer"].bus.publish(
        PatientOptedOut(
            practice_id=key.practice_id,
            patient_id=patient["id"],
            channel="call",
            opted_out_at=full_system.clock.now(),
        ),
        correlation_id=new_id("req"),
        practice_id=key.practice_id,
    )

    for _ in range(50):
        _, detail = await _call(full_system, key, "GET", f"/patients/{patient['id']}")
        if detail["patient"]["opted_out"]:
            break
        await asyncio.sleep(0.1)
    status, body = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": patient["id"]}
    )

    assert status == 409, body


async def test_idempotency_keys_replay_refuse_a_changed_body_and_stay_per_key(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    key = await _key(admin)
    patient, other = await _patient(full_system, key), await _patient(full_system, key)
    retry = {"Idempotency-Key": "recall-2026-03-03-0001"}

    status, first = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": patient["id"]}, headers=retry
    )
    assert status == 202
    async with full_system.http.post(
        full_system.api("/recall"),
        json={"patient_id": patient["id"]},
        headers={**key.headers, **retry},
    ) as response:
        assert response.status == 202
        assert await response.json() == first
        assert response.headers["Idempotent-Replayed"] == "true"

    status, body = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": other["id"]}, headers=retry
    )
    assert status == 422
    assert "Idempotency-Key" in body["error"]

    # The same header value under another key of the same practice is a new request, and
    # compliance's spacing rule (not a replay) answers it.
    second_key = await create_api_key(admin, key.practice_id)
    status, body = await _call(
        full_system,
        second_key,
        "POST",
        "/recall",
        json={"patient_id": patient["id"]},
        headers=retry,
    )
    assert status == 429
    assert body["next_allowed_at"]


async def test_a_retry_after_a_gateway_died_mid_request_gets_the_same_call(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    key = await _key(admin)
    patient = await _patient(full_system, key)
    retry = {"Idempotency-Key": "died-mid-request"}
    status, first = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": patient["id"]}, headers=retry
    )
    assert status == 202

    # As a gateway that crashed after compliance accepted leaves it: in flight, lease over.
    db = full_system.apps["gateway"].db
    assert db is not None
    await db["idempotency_keys"].update_one(
        {"_id": f"{key.key_id}:died-mid-request"},
        {
            "$set": {
                "status": None,
                "body": None,
                "started_at": full_system.clock.now() - timedelta(seconds=31),
            }
        },
    )
    status, again = await _call(
        full_system, key, "POST", "/recall", json={"patient_id": patient["id"]}, headers=retry
    )

    assert status == 202
    assert again["call_id"] == first["call_id"]


async def test_compliance_holds_a_key_for_a_day_once_the_gateway_record_is_gone(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    key = await _key(admin)
    patient, other = await _patient(full_system, key), await _patient(full_system, key)
    retry = {"Idempotency-Key": "record-lost"}
    db = full_system.apps["gateway"].db
    assert db is not None
    clock = full_system.clock
    assert isinstance(clock, OffsetClock)

    async def post(patient_id: str) -> tuple[int, dict[str, Any]]:
        # As after a 503, which releases the gateway's record: only compliance's is left.
        await db["idempotency_keys"].delete_one({"_id": f"{key.key_id}:record-lost"})
        return await _call(
            full_system, key, "POST", "/recall", json={"patient_id": patient_id}, headers=retry
        )

    status, first = await post(patient["id"])
    assert status == 202
    status, body = await post(other["id"])
    assert (status, body) == (
        422,
        {"error": "Idempotency-Key was already used with a different request body"},
    )
    status, again = await post(patient["id"])
    assert (status, again["call_id"]) == (202, first["call_id"])

    clock.offset_seconds += DAY_AND_A_MINUTE
    try:
        status, next_day = await post(patient["id"])
    finally:
        clock.offset_seconds -= DAY_AND_A_MINUTE
    assert status == 202, next_day
    assert next_day["call_id"] != first["call_id"]
