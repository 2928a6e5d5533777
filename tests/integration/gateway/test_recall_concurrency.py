"""The recall guarantees under concurrency, through HTTP with every service running.

Compliance's own tests prove them over the bus; these prove that nothing between the
API and the decision (the gateway, its idempotency and rate limits, the bus) loosens
them.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from typing import Any

import pytest

from sightsync.gateway.entrypoints.admin.client import AdminClient
from tests.support.api import PracticeKey, create_api_key, create_practice
from tests.support.system import RunningSystem

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

_numbers = itertools.count(500)


async def _post(
    system: RunningSystem, key: PracticeKey, path: str, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    async with system.http.post(system.api(path), headers=key.headers, json=body) as response:
        return response.status, await response.json()


async def _patients(system: RunningSystem, key: PracticeKey, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        body = {"first_name": "Sam", "phone_number": f"07700 900{next(_numbers):03d}"}
        status, answer = await _post(system, key, "/patients", body)
        assert status == 200, answer
        ids.append(answer["patient"]["id"])
    return ids


async def test_fifty_simultaneous_recalls_of_one_patient_accept_exactly_one(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    practice = await create_practice(admin)
    key = await create_api_key(admin, practice["id"])
    (patient_id,) = await _patients(full_system, key, 1)

    answers = await asyncio.gather(
        *(_post(full_system, key, "/recall", {"patient_id": patient_id}) for _ in range(50))
    )

    statuses = Counter(status for status, _ in answers)
    assert statuses == {202: 1, 429: 49}, statuses
    refused = [body for status, body in answers if status == 429]
    assert all("next_allowed_at" in body for body in refused)


async def test_with_three_calls_of_quota_left_eight_simultaneous_recalls_accept_three(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    practice = await create_practice(admin, monthly_limit=3)
    key = await create_api_key(admin, practice["id"])
    patient_ids = await _patients(full_system, key, 8)

    answers = await asyncio.gather(
        *(_post(full_system, key, "/recall", {"patient_id": each}) for each in patient_ids)
    )

    statuses = Counter(status for status, _ in answers)
    assert statuses == {202: 3, 429: 5}, statuses
    for status, body in answers:
        if status == 429:
            assert body == {
                "error": "Monthly call limit reached",
                "calls_used": 3,
                "monthly_limit": 3,
            }
    # Usage is outcomes' read model of the acceptances, so it may trail them briefly.
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        async with full_system.http.get(full_system.api("/usage"), headers=key.headers) as got:
            used = (await got.json())["calls"]["used"]
        if used == 3 or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.1)
    assert used == 3
