"""A portal opt-out reaches every practice that holds the number, by id, and no other.

The portal learns only a phone number. Compliance, the gateway, the dialer and webhooks run
for real; each practice registers its receiver over the public API, as a PMS would.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sightsync.common.clock import clock_from_environment
from tests.integration.webhooks.conftest import (
    Receiver,
    fresh_backing,
    service_env,
    verify_standard_webhook,
)
from tests.support.api import PracticeKey, practice_with_key
from tests.support.system import RunningSystem, running_system

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

SHARED_NUMBER = "07700 900611"
THIRD_PRACTICES_NUMBER = "07700 900612"


@dataclass(frozen=True)
class Practice:
    key: PracticeKey
    patient_id: str
    secret: str


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def system(database_url: str) -> AsyncIterator[RunningSystem]:
    env = {**service_env(), "PORTAL_SECRET": "integration-portal-secret-of-enough-length"}
    async with (
        fresh_backing(database_url) as (broker_url, prefix),
        running_system(
            broker_url=broker_url,
            database_url=database_url,
            db_prefix=prefix,
            clock=clock_from_environment({}),
            services=("compliance", "dialer", "webhooks", "gateway"),
            env=env,
        ) as running,
    ):
        yield running


async def _api(
    system: RunningSystem, key: PracticeKey, path: str, body: dict[str, Any]
) -> dict[str, Any]:
    async with system.http.post(system.api(path), headers=key.headers, json=body) as response:
        answer: dict[str, Any] = await response.json()
        assert response.status in {200, 201}, answer
        return answer


async def _practice(system: RunningSystem, receiver: Receiver, hook: str, number: str) -> Practice:
    key = await practice_with_key(system)
    patient = await _api(system, key, "/patients", {"first_name": "Sam", "phone_number": number})
    endpoint = await _api(
        system,
        key,
        "/webhook_endpoints",
        {"url": receiver.url(hook), "events": ["patient.opted_out"]},
    )
    return Practice(key, patient["patient"]["id"], endpoint["secret"])


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


async def _opt_out_on_the_portal(system: RunningSystem, number: str) -> None:
    """Enter the number and confirm it, as a patient in a browser does."""
    async with aiohttp.ClientSession(
        base_url=system.url("gateway", "/"), cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as browser:
        async with browser.get("/opt-out") as response:
            token = _hidden(await response.text(), "csrf_token")
        form = {"csrf_token": token, "phone_number": number}
        async with browser.post("/opt-out", data=form) as response:
            confirm_page = await response.text()
            assert response.status == 200, confirm_page
        confirmed = {
            "csrf_token": _hidden(confirm_page, "csrf_token"),
            "phone_number": _hidden(confirm_page, "phone_number"),
        }
        async with browser.post("/opt-out/confirm", data=confirmed) as response:
            assert response.status == 200, await response.text()


def _only_webhook(receiver: Receiver, hook: str, practice: Practice) -> dict[str, Any]:
    [arrived] = receiver.at(hook)
    assert verify_standard_webhook(practice.secret, arrived.headers, arrived.body)
    body: dict[str, Any] = json.loads(arrived.body)
    assert body["id"] == arrived.headers["webhook-id"]
    return body


async def test_a_portal_opt_out_is_sent_to_each_practice_that_knows_the_number(
    system: RunningSystem, receiver: Receiver
) -> None:
    first = await _practice(system, receiver, "first", SHARED_NUMBER)
    second = await _practice(system, receiver, "second", SHARED_NUMBER)
    third = await _practice(system, receiver, "third", THIRD_PRACTICES_NUMBER)

    await _opt_out_on_the_portal(system, SHARED_NUMBER)
    await receiver.wait_for("first", 1, timeout=10)
    await receiver.wait_for("second", 1, timeout=10)
    # The third practice's own opt-out, later, shows its receiver was listening all along.
    await _opt_out_on_the_portal(system, THIRD_PRACTICES_NUMBER)
    await receiver.wait_for("third", 1, timeout=10)

    sent = {
        hook: _only_webhook(receiver, hook, practice)
        for hook, practice in (("first", first), ("second", second), ("third", third))
    }
    for hook, practice in (("first", first), ("second", second), ("third", third)):
        assert sent[hook]["type"] == "patient.opted_out"
        assert set(sent[hook]["data"]) == {"patient_id", "channel", "call_id", "opted_out_at"}
        assert sent[hook]["data"]["patient_id"] == practice.patient_id
        assert sent[hook]["data"]["channel"] == "portal"
    assert sent["first"]["id"] != sent["second"]["id"]
    raw = b"".join(arrived.body for arrived in receiver.received).decode()
    for number in (SHARED_NUMBER, THIRD_PRACTICES_NUMBER):
        digits = number.replace(" ", "")
        assert digits not in raw and digits[1:] not in raw, "no phone number in any body"
