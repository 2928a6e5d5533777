"""An accepted recall whose dispatch never reached the broker is dispatched after a restart.

The dialer's queue does not exist yet, so the broker refuses `call.place` as unroutable
right after compliance commits the acceptance; compliance is then stopped, as if it had
died before its relay could try again. A replica started later finds the entry in its
outbox and dispatches it, once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage

from sightsync.common.bus import topology
from sightsync.common.bus.connection import Bus
from sightsync.common.clock import FrozenClock
from sightsync.common.devstack import free_port
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Envelope
from sightsync.common.messages.calls import PlaceCall
from sightsync.common.messages.patients import UpsertPatient
from sightsync.common.messages.practices import CreatePractice
from sightsync.common.messages.recall import RequestRecall
from sightsync.common.outbox import OUTBOX
from sightsync.common.runner import ServiceApp
from sightsync.common.storage import create_client
from tests.integration.compliance.harness import OPEN_HOURS
from tests.support.system import build_service

pytestmark = pytest.mark.integration


async def _dispatched_calls(
    broker_url: str, into: list[Envelope]
) -> aio_pika.abc.AbstractConnection:
    """Stand in for the dialer's queue: from now on `call.place` is routable, and kept."""
    connection = await aio_pika.connect(broker_url)
    channel = await connection.channel()
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(
        await channel.get_exchange(topology.COMMANDS_EXCHANGE), routing_key=PlaceCall.message_type
    )

    async def keep(message: AbstractIncomingMessage) -> None:
        async with message.process():
            into.append(Envelope.model_validate_json(message.body))

    await queue.consume(keep)
    return connection


async def _wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(OPEN_HOURS)


@pytest.fixture
async def caller(broker_url: str, clock: FrozenClock) -> AsyncIterator[Bus]:
    bus = Bus("caller", broker_url, clock, request_timeout=30.0)
    await bus.start(timeout=15)
    yield bus
    await bus.stop(grace=1)


async def test_an_acceptance_the_broker_never_got_is_dispatched_once_after_a_restart(
    broker_url: str, database_url: str, db_prefix: str, clock: FrozenClock, caller: Bus
) -> None:
    env = {
        "RABBITMQ_URL": broker_url,
        "MONGODB_URL": database_url,
        "SIGHTSYNC_DB_PREFIX": db_prefix,
        "HTTP_HOST": "127.0.0.1",
        "SHUTDOWN_GRACE_SECONDS": "3",
    }

    def compliance() -> ServiceApp:
        return build_service("compliance", {**env, "COMPLIANCE_PORT": str(free_port())}, clock)

    async def ask(message: RequestRecall | UpsertPatient | CreatePractice) -> dict[str, Any]:
        reply = await caller.request(message, correlation_id=new_id("req"))
        assert reply.ok, reply.error
        return reply.result or {}

    first = compliance()
    await first.start()
    practice = await ask(CreatePractice(name="Clearview Opticians"))
    patient = await ask(
        UpsertPatient(practice_id=practice["id"], first_name="Ada", phone_number="07700900123")
    )
    accepted = await ask(
        RequestRecall(practice_id=practice["id"], patient_id=patient["patient"]["id"])
    )
    await first.stop()

    mongo = create_client(database_url)
    outbox = mongo[f"{db_prefix}_compliance"][OUTBOX]
    stranded = await outbox.find_one({"envelope.type": PlaceCall.message_type})
    assert stranded is not None and stranded["published_at"] is None

    dispatched: list[Envelope] = []
    tap = await _dispatched_calls(broker_url, dispatched)
    # The sweep leaves entries younger than its grace to the relay that wrote them.
    clock.set(OPEN_HOURS + timedelta(seconds=30))
    restarted = compliance()
    await restarted.start()
    try:
        await _wait_for(lambda: len(dispatched) == 1)
        # Two more sweeps' worth of time: the entry is marked published and not sent again.
        await asyncio.sleep(5)
        assert [envelope.payload["call_id"] for envelope in dispatched] == [accepted["call_id"]]
        relayed = await outbox.find_one({"_id": stranded["_id"]})
        assert relayed is not None and relayed["published_at"] is not None
    finally:
        await restarted.stop()
        await tap.close()
        await mongo.drop_database(f"{db_prefix}_compliance")
        await mongo.close()
