"""The appointments, calls and usage API through the gateway, with compliance and outcomes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import clock_from_environment, parse_instant
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Envelope, Message
from tests.integration.outcomes.conftest import eventually
from tests.support.api import PracticeKey, practice_with_key
from tests.support.system import RunningSystem, running_system
from tests.unit.outcomes.events import appointment_booked, call_lifecycle

pytestmark = pytest.mark.integration

NOW_TEXT = "2025-03-31T12:00:00Z"
NOW = parse_instant(NOW_TEXT)


@pytest.fixture
async def system(
    broker_url: str, database_url: str, db_prefix: str
) -> AsyncIterator[RunningSystem]:
    async with running_system(
        broker_url=broker_url,
        database_url=database_url,
        db_prefix=db_prefix,
        clock=clock_from_environment({"SIGHTSYNC_NOW": NOW_TEXT}),
        services=["gateway", "outcomes", "compliance"],
    ) as running:
        yield running


@pytest.fixture
async def publisher(system: RunningSystem) -> AsyncIterator[Bus]:
    bus = Bus("outcomes-http-test", system.env["RABBITMQ_URL"], system.clock)
    await bus.start(timeout=15)
    yield bus
    await bus.stop(grace=1)


async def publish(bus: Bus, message: Message, practice_id: str) -> None:
    envelope = Envelope.wrap(
        message, occurred_at=NOW, correlation_id="http-test", practice_id=practice_id
    )
    await bus.publish_envelope(envelope)


async def call(
    system: RunningSystem, key: PracticeKey, method: str, path: str, **kwargs: Any
) -> tuple[int, Any]:
    async with system.http.request(
        method, system.api(path), headers=key.headers, **kwargs
    ) as response:
        return response.status, await response.json(content_type=None)


def for_practice(message: Message, practice_id: str, **changes: Any) -> Any:
    return message.model_copy(update={"practice_id": practice_id, **changes})


async def test_appointments_api_lists_filters_and_changes_status(
    system: RunningSystem, publisher: Bus
) -> None:
    key = await practice_with_key(system)
    stranger = await practice_with_key(system)
    ids = [new_id("apt"), new_id("apt")]
    for appointment_id, day in zip(ids, (date(2025, 4, 9), date(2025, 4, 2)), strict=True):
        booked = for_practice(appointment_booked(appointment_id, day), key.practice_id)
        await publish(publisher, booked, key.practice_id)

    async def listed() -> bool:
        status, body = await call(system, key, "GET", "/appointments")
        return status == 200 and body["total"] == 2

    await eventually(listed)
    status, body = await call(system, key, "GET", "/appointments", params={"limit": "1"})
    assert status == 200
    assert (body["total"], body["limit"], body["offset"]) == (2, 1, 0)
    item = body["appointments"][0]
    assert item["id"] == ids[1]
    assert set(item) >= {
        "id",
        "patient_id",
        "appointment_date",
        "appointment_time",
        "status",
        "appointment_type",
        "patients",
        "call_id",
        "created_at",
    }
    assert set(item["patients"]) == {"first_name", "last_name", "phone_number", "risk_category"}
    status, body = await call(
        system,
        key,
        "GET",
        "/appointments",
        params={"from_date": "2025-04-03", "to_date": "2025-04-09"},
    )
    assert [item["id"] for item in body["appointments"]] == [ids[0]]
    status, body = await call(system, stranger, "GET", "/appointments")
    assert (status, body["total"]) == (200, 0)

    for params in (
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "ten"},
        {"offset": "-1"},
        {"status": "pending"},
        {"from_date": "2025-02-30"},
        {"to_date": "tomorrow"},
        {"from_date": "2025-04-10", "to_date": "2025-04-09"},
    ):
        status, body = await call(system, key, "GET", "/appointments", params=params)
        assert status == 400, params
        assert body["field"] in params, body

    path = f"/appointments/{ids[0]}"
    for payload in ({"status": "done"}, {"status": 1}, {}, {"status": "confirmed", "extra": 1}):
        status, body = await call(system, key, "PATCH", path, json=payload)
        assert status == 400, payload
    status, confirmed = await call(system, key, "PATCH", path, json={"status": "confirmed"})
    assert status == 200, confirmed
    assert (confirmed["id"], confirmed["status"]) == (ids[0], "confirmed")
    status, body = await call(system, key, "PATCH", path, json={"status": "booked"})
    assert status == 409 and body["current_status"] == "confirmed"
    # A PMS retrying the change it already made gets the appointment as it is.
    status, body = await call(system, key, "PATCH", path, json={"status": "confirmed"})
    assert (status, body) == (200, confirmed)
    status, body = await call(system, key, "PATCH", path, json={"status": "no_show"})
    assert (status, body) == (
        409,
        {
            "error": "Cannot mark a no-show: the appointment has not started yet",
            "starts_at": "2025-04-09T09:30:00.000Z",
        },
    )
    status, _ = await call(system, stranger, "PATCH", path, json={"status": "cancelled"})
    assert status == 404
    status, _ = await call(
        system, key, "PATCH", "/appointments/apt_unknown", json={"status": "cancelled"}
    )
    assert status == 404


async def test_calls_and_usage_api(system: RunningSystem, publisher: Bus) -> None:
    key = await practice_with_key(system)
    stranger = await practice_with_key(system)
    status, created = await call(
        system, key, "POST", "/patients", json={"first_name": "Sam", "phone_number": "07700900123"}
    )
    assert status in (200, 201), created
    patient_id = created["patient"]["id"]

    call_id, orphan_id = new_id("c"), new_id("c")
    for message in call_lifecycle(call_id, NOW - timedelta(hours=1)):
        await publish(
            publisher,
            for_practice(message, key.practice_id, patient_id=patient_id),
            key.practice_id,
        )
    orphan = call_lifecycle(orphan_id, NOW - timedelta(minutes=30))[0]
    await publish(publisher, for_practice(orphan, key.practice_id), key.practice_id)

    async def projected() -> bool:
        status, body = await call(system, key, "GET", "/calls")
        # The page and its total are two reads, so events landing between them can make
        # the total run one ahead of the page; wait until both agree.
        calls = body.get("calls", []) if status == 200 else []
        return body.get("total") == 2 and len(calls) == 2 and calls[1]["status"] == "completed"

    await eventually(projected)
    status, body = await call(system, key, "GET", f"/calls/{call_id}")
    assert status == 200, body
    assert body["status"] == "completed" and body["outcome"] == "booked"
    assert len(body["transcript"]) == 2
    assert body["next_allowed_at"] is not None and parse_instant(body["next_allowed_at"]) > NOW
    status, body = await call(system, key, "GET", f"/calls/{orphan_id}")
    assert (status, body["status"], body["next_allowed_at"]) == (200, "calling", None)

    status, body = await call(system, key, "GET", "/calls", params={"patient_id": patient_id})
    assert [item["id"] for item in body["calls"]] == [call_id]
    assert "transcript" not in body["calls"][0] and "next_allowed_at" not in body["calls"][0]
    for params in ({"status": "done"}, {"limit": "0"}, {"limit": "501"}, {"offset": "-2"}):
        status, body = await call(system, key, "GET", "/calls", params=params)
        assert status == 400, params
    for who, path in ((stranger, f"/calls/{call_id}"), (key, "/calls/c_unknown")):
        status, _ = await call(system, who, "GET", path)
        assert status == 404

    async def plan_known() -> bool:
        status, body = await call(system, key, "GET", "/usage")
        return status == 200 and body["plan"] is not None

    await eventually(plan_known)
    status, usage = await call(system, key, "GET", "/usage")
    assert usage["period"] == {
        "start": "2025-03-01",
        "end": "2025-03-31",
        "time_zone": "Europe/London",
    }
    assert (usage["plan"], usage["status"]) == ("starter", "active")
    limit = usage["calls"]["limit"]
    assert usage["calls"] == {"used": 2, "limit": limit, "remaining": limit - 2, "overage": 0}
    assert usage["daily"] == [{"date": "2025-03-31", "total": 2, "completed": 1, "failed": 0}]
    status, usage = await call(system, stranger, "GET", "/usage")
    assert usage["calls"]["used"] == 0 and usage["daily"] == []
