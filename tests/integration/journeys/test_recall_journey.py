"""A practice's whole day through the public API, every service running, simulated calls.

The simulated patient's last digit picks how the call goes: 1, 9 and 0 book; 2 declines;
3 no answer; 4 busy; 5 voicemail; 6 presses 9 to opt out; 7 asks to be called back;
8 carrier error.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from sightsync.common.clock import clock_from_environment
from tests.support.api import api_session, practice_with_key
from tests.support.system import running_system

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

# A Wednesday morning in winter (GMT), inside the calling window.
WEEKDAY_MORNING = "2026-01-14T10:00:00Z"

# digit: (status, outcome, failure reason)
EXPECTED = {
    "0": ("completed", "booked", None),
    "1": ("completed", "booked", None),
    "2": ("completed", "declined", None),
    "3": ("failed", "no_answer", "no_answer"),
    "4": ("failed", "busy", "busy"),
    "5": ("failed", "voicemail", "voicemail"),
    "6": ("completed", "opted_out", None),
    "7": ("completed", "callback_requested", None),
    "8": ("failed", "failed", "carrier_error"),
    "9": ("completed", "booked", None),
}


async def get(session: aiohttp.ClientSession, path: str) -> Any:
    async with session.get(path) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def post(session: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> Any:
    async with session.post(path, json=body) as response:
        return response.status, await response.json()


async def test_every_simulated_patient_ends_as_scripted_and_usage_matches(
    broker_url: str, database_url: str, db_prefix: str
) -> None:
    clock = clock_from_environment({"SIGHTSYNC_NOW": WEEKDAY_MORNING})
    async with running_system(
        broker_url=broker_url,
        database_url=database_url,
        db_prefix=db_prefix,
        clock=clock,
        env={
            "DIALER_CALLS_PER_SECOND": "50",
            "DIALER_MAX_CONCURRENT_CALLS_PER_PRACTICE": "10",
        },
    ) as system:
        practice = await practice_with_key(system, plan="starter")
        async with api_session(system, practice.api_key) as api:
            patients: dict[str, str] = {}
            for digit in EXPECTED:
                status, body = await post(
                    api,
                    "patients",
                    {
                        "first_name": "Robin",
                        "phone_number": f"07700 90010{digit}",
                        "risk_category": "glaucoma_suspect",
                        "last_eye_test_date": "2024-11-02",
                    },
                )
                assert status == 200, body
                patients[digit] = body["patient"]["id"]

            started = time.monotonic()
            calls: dict[str, str] = {}
            for digit, patient_id in patients.items():
                status, body = await post(api, "recall", {"patient_id": patient_id})
                assert status == 202, body
                calls[digit] = body["call_id"]

            ended = await _until_every_call_ends(api, calls)
            settled_after = time.monotonic() - started

            for digit, expected in EXPECTED.items():
                call = ended[digit]
                assert (call["status"], call["outcome"], call["failure_reason"]) == expected, digit
                assert call["patient_id"] == patients[digit]

            appointments = await get(api, "appointments")
            booked = {a["patient_id"] for a in appointments["appointments"]}
            assert booked == {patients[d] for d in "019"}
            assert {a["appointment_type"] for a in appointments["appointments"]} == {
                "glaucoma_review"
            }

            status, refused = await post(api, "recall", {"patient_id": patients["6"]})
            assert status == 409, refused
            status, spaced = await post(api, "recall", {"patient_id": patients["2"]})
            assert status == 429 and "next_allowed_at" in spaced

            usage = await get(api, "usage")
            assert usage["plan"] == "starter"
            assert usage["calls"] == {"used": 10, "limit": 300, "remaining": 290, "overage": 0}
            (today,) = usage["daily"]
            assert today["date"] == "2026-01-14"
            assert (today["total"], today["completed"], today["failed"]) == (10, 6, 4)

            call = await get(api, f"calls/{calls['1']}")
            assert call["transcript"][0]["speaker"] == "agent"
            assert "glaucoma" in call["transcript"][0]["text"].lower()
            # 24 hours after the call was accepted, a few moments after 10:00.
            assert call["next_allowed_at"].startswith("2026-01-15T10:00:")
        assert settled_after < 15, settled_after


async def _until_every_call_ends(
    api: aiohttp.ClientSession, calls: dict[str, str], timeout: float = 30.0
) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        ended = {}
        for digit, call_id in calls.items():
            call = await get(api, f"calls/{call_id}")
            if call["status"] in {"completed", "failed"}:
                ended[digit] = call
        if len(ended) == len(calls):
            return ended
        assert time.monotonic() < deadline, sorted(set(calls) - set(ended))
        await asyncio.sleep(0.2)
