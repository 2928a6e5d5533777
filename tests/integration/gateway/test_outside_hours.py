"""A recall outside the calling window is 425 with the reason and the next allowed instant."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient

from sightsync.common.clock import clock_from_environment
from sightsync.common.storage import Document
from tests.support.api import admin_client, create_api_key, create_practice
from tests.support.system import RunningSystem, running_system

pytestmark = pytest.mark.integration

# A Tuesday at 21:30 in the UK: after the window closes.
WEEKDAY_EVENING = "2026-03-03T21:30:00+00:00"


@pytest.fixture
async def evening_system(
    broker_url: str, database_url: str, db_prefix: str, mongo: AsyncMongoClient[Document]
) -> AsyncIterator[RunningSystem]:
    env = {"SIGHTSYNC_NOW": WEEKDAY_EVENING, "SIGHTSYNC_NOW_ANCHOR": repr(time.time())}
    async with running_system(
        broker_url=broker_url,
        database_url=database_url,
        db_prefix=db_prefix,
        clock=clock_from_environment(env),
        services=("compliance", "gateway"),
        env=env,
    ) as system:
        yield system


async def test_a_recall_after_hours_is_425(evening_system: RunningSystem) -> None:
    async with admin_client(evening_system.env) as admin:
        practice = await create_practice(admin)
        key = await create_api_key(admin, practice["id"])
    async with evening_system.http.post(
        evening_system.api("/patients"),
        json={"first_name": "Sam", "phone_number": "07700900555"},
        headers=key.headers,
    ) as response:
        patient = (await response.json())["patient"]

    async with evening_system.http.post(
        evening_system.api("/recall"), json={"patient_id": patient["id"]}, headers=key.headers
    ) as response:
        body = await response.json()

    assert response.status == 425, body
    assert body["reason"]
    assert body["next_allowed_at"].startswith("2026-03-04T")
