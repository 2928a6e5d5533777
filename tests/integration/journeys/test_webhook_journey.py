"""Issue-level check of outbound webhooks: a practice registers a receiver over the API and
gets signed call.completed and appointment.booked for a booked simulated call."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from sightsync.common.clock import clock_from_environment
from sightsync.common.devstack import free_port
from tests.support.api import api_session, practice_with_key
from tests.support.system import running_system

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

WEEKDAY_MORNING = "2026-06-09T09:30:00+01:00"
TOLERANCE_SECONDS = 5 * 60


def verify(secret: str, headers: dict[str, str], body: bytes, now: float) -> bool:
    """Standard Webhooks verification, written from the specification."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    timestamp = headers["webhook-timestamp"]
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    signed = f"{headers['webhook-id']}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1) for part in headers["webhook-signature"].split()]
    return any(v == "v1" and hmac.compare_digest(sig, expected) for v, sig in offered)


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes, float]] = []
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(
            (
                {k.lower(): v for k, v in request.headers.items()},
                await request.read(),
                time.monotonic(),
            )
        )
        self.arrived.set()
        return web.Response(status=204)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hooks", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield receiver, f"http://127.0.0.1:{port}/hooks"
    await runner.cleanup()


async def test_a_booked_call_is_pushed_signed_to_the_practices_receiver(
    broker_url: str,
    database_url: str,
    db_prefix: str,
    receiver: tuple[Receiver, str],
) -> None:
    sink, url = receiver
    clock = clock_from_environment({"SIGHTSYNC_NOW": WEEKDAY_MORNING})
    async with running_system(
        broker_url=broker_url,
        database_url=database_url,
        db_prefix=db_prefix,
        clock=clock,
        env={"WEBHOOK_POLL_SECONDS": "0.1"},
    ) as system:
        practice = await practice_with_key(system)
        async with api_session(system, practice.api_key) as api:
            async with api.post(
                "webhook_endpoints",
                json={
                    "url": url,
                    "events": ["call.completed", "appointment.booked"],
                    "description": "PMS sync",
                },
            ) as response:
                assert response.status == 201, await response.text()
                secret = (await response.json())["secret"]
            async with api.post(
                "patients", json={"first_name": "Jo", "phone_number": "07700900321"}
            ) as response:
                patient_id = (await response.json())["patient"]["id"]
            async with api.post("recall", json={"patient_id": patient_id}) as response:
                assert response.status == 202
                call_id = (await response.json())["call_id"]
            started = time.monotonic()

            deadline = started + 10
            while len(sink.received) < 2:
                assert time.monotonic() < deadline, sink.received
                sink.arrived.clear()
                await asyncio.wait_for(sink.arrived.wait(), deadline - time.monotonic())

    bodies: dict[str, dict[str, Any]] = {}
    for headers, body, arrived in sink.received:
        # The receiver checks freshness against its own (real) clock, whatever SIGHTSYNC_NOW says.
        assert verify(secret, headers, body, time.time()), headers
        event = json.loads(body)
        assert event["id"] == headers["webhook-id"]
        bodies[event["type"]] = event
        assert arrived - started < 10
    assert bodies["call.completed"]["data"]["call_id"] == call_id
    assert bodies["call.completed"]["data"]["outcome"] == "booked"
    assert bodies["appointment.booked"]["data"]["patient_id"] == patient_id
    # Minimised payloads: no transcript, no phone number, no name.
    flat = json.dumps(bodies)
    assert "transcript" not in flat and "+447700900321" not in flat and "Jo" not in flat
