"""A patient texts STOP to the number a practice rang them from; within a second their next
recall is refused. Compliance, the dialer (TELEPHONY=twilio against a fake Twilio) and the
gateway run for real; the recall and the checks go over the public API."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from sightsync.common.clock import clock_from_environment
from sightsync.common.devstack import free_port
from sightsync.common.ids import new_id
from sightsync.common.storage import create_client
from tests.support.api import PracticeKey, practice_with_key
from tests.support.backing import create_vhost, delete_vhost
from tests.support.fake_twilio import FakeTwilio, twilio_signature
from tests.support.system import RunningSystem, running_system

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

# A Tuesday at 10:00 in the UK: inside the calling window.
WEEKDAY_MORNING = "2026-03-03T10:00:00+00:00"
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "e" * 32
CALLER_ID, CALLER_ID_E164 = "020 7946 0123", "+442079460123"
# The fake Twilio's patient for a number ending in 3 lets it ring out: quick, and it rang.
PATIENT_NUMBER, PATIENT_E164 = "07700 900613", "+447700900613"
ARTIFACTS = Path("test-artifacts")


@dataclass
class TwilioSystem:
    system: RunningSystem
    dialer_url: str


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rig(database_url: str) -> AsyncIterator[TwilioSystem]:
    vhost, broker_url = create_vhost()
    prefix = new_id("req").lower().replace("req_", "t")
    clock_env = {"SIGHTSYNC_NOW": WEEKDAY_MORNING, "SIGHTSYNC_NOW_ANCHOR": repr(time.time())}
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN)
    await fake.start()
    port = free_port()
    dialer_url = f"http://127.0.0.1:{port}"
    env = {
        **clock_env,
        "DIALER_PORT": str(port),
        "PUBLIC_BASE_URL": dialer_url,
        "TELEPHONY": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_BASE_URL": fake.base_url,
    }
    try:
        async with running_system(
            broker_url=broker_url,
            database_url=database_url,
            db_prefix=prefix,
            clock=clock_from_environment(clock_env),
            services=("compliance", "dialer", "gateway"),
            env=env,
        ) as system:
            yield TwilioSystem(system, dialer_url)
    finally:
        await fake.stop()
        client = create_client(database_url)
        for name in await client.list_database_names():
            if name.startswith(prefix):
                await client.drop_database(name)
        await client.close()
        delete_vhost(vhost)


async def api(
    system: RunningSystem, key: PracticeKey, method: str, path: str, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    async with system.http.request(method, system.api(path), headers=key.headers, **kwargs) as r:
        return r.status, await r.json()


async def text_back(rig: TwilioSystem, body: str) -> tuple[int, str]:
    """The patient's text to the practice's caller id, as Twilio delivers it."""
    url = f"{rig.dialer_url}/telephony/twilio/sms"
    params = {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": "SM" + new_id("msg")[-26:],
        "From": PATIENT_E164,
        "To": CALLER_ID_E164,
        "Body": body,
    }
    headers = {"X-Twilio-Signature": twilio_signature(AUTH_TOKEN, url, params)}
    async with rig.system.http.post(url, data=params, headers=headers) as response:
        return response.status, await response.text()


async def rung_out(rig: TwilioSystem, call_id: str) -> None:
    db = rig.system.apps["dialer"].db
    assert db is not None
    calls = db["calls"]
    for _ in range(200):
        record = await calls.find_one({"_id": call_id}, {"phase": 1})
        if record is not None and record["phase"] in ("completed", "failed"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the call never ended")


async def test_stop_by_text_refuses_the_next_recall_within_a_second(rig: TwilioSystem) -> None:
    system = rig.system
    key = await practice_with_key(system, caller_id=CALLER_ID)
    status, created = await api(
        system,
        key,
        "POST",
        "/patients",
        json={"first_name": "Sam", "phone_number": PATIENT_NUMBER},
    )
    assert status == 200, created
    patient_id = created["patient"]["id"]
    status, accepted = await api(system, key, "POST", "/recall", json={"patient_id": patient_id})
    assert status == 202, accepted
    await rung_out(rig, accepted["call_id"])

    chatter = await text_back(rig, "Who is this?")
    _, before = await api(system, key, "GET", f"/patients/{patient_id}")
    assert before["patient"]["opted_out"] is False
    started = time.perf_counter()
    status, twiml = await text_back(rig, "Stop")
    answered = time.perf_counter() - started
    while True:
        _, detail = await api(system, key, "GET", f"/patients/{patient_id}")
        if detail["patient"]["opted_out"] or time.perf_counter() - started > 3:
            break
    applied = time.perf_counter() - started
    refused, body = await api(system, key, "POST", "/recall", json={"patient_id": patient_id})
    refused_after = time.perf_counter() - started

    assert chatter == (200, '<?xml version="1.0" encoding="UTF-8"?><Response />')
    assert status == 200
    assert "<Message>You have been opted out" in twiml
    assert detail["patient"]["opted_out"] is True
    assert refused == 409, body
    assert refused_after < 1.0, f"recall refused only after {refused_after:.3f}s"
    save_latency(answered, applied, refused_after)


def save_latency(answered: float, applied: float, refused: float) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    measured = {"answered_ms": answered, "applied_ms": applied, "recall_refused_ms": refused}
    rounded = {name: round(seconds * 1000, 1) for name, seconds in measured.items()}
    (ARTIFACTS / "sms-opt-out-latency.json").write_text(json.dumps(rounded))
