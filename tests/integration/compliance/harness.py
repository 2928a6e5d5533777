"""Compliance started for real (one or more replicas) with a caller bus and a tap on its output.

The tap is a queue bound to the commands exchange for `call.place` and to the events exchange
for `call.accepted` and `patient.opt_out_recorded`, so the tests see exactly what reaches the
broker.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.bus import topology
from sightsync.common.bus.connection import Bus
from sightsync.common.clock import FrozenClock
from sightsync.common.devstack import free_port
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Envelope, ErrorDetail, Reply, Request
from sightsync.common.messages.calls import CallAccepted, PlaceCall
from sightsync.common.messages.patients import (
    PatientOptedOut,
    PatientOptOutRecorded,
    UpsertPatient,
)
from sightsync.common.messages.practices import CreatePractice
from sightsync.common.runner import ServiceApp
from sightsync.common.storage import Document, create_client
from tests.support.backing import create_vhost, delete_vhost
from tests.support.system import build_service

# Wednesday 11 June 2025, 11:00 BST: inside the calling window.
OPEN_HOURS = datetime(2025, 6, 11, 10, 0, tzinfo=UTC)


@dataclass
class Compliance:
    bus: Bus
    clock: FrozenClock
    db: AsyncDatabase[Document]
    apps: list[ServiceApp]
    broker_url: str
    tapped: list[Envelope] = field(default_factory=list)

    async def rpc_consumers(self) -> int:
        """How many consumers compete for compliance's requests right now."""
        connection = await aio_pika.connect(self.broker_url)
        try:
            channel = await connection.channel()
            queue = await channel.declare_queue(topology.rpc_queue("compliance"), passive=True)
            declared = queue.declaration_result
            return (declared.consumer_count or 0) if declared is not None else 0
        finally:
            await connection.close()

    async def ask(self, message: Request) -> Reply:
        practice_id = getattr(message, "practice_id", None)
        return await self.bus.request(
            message, correlation_id=new_id("req"), practice_id=practice_id
        )

    async def ok(self, message: Request) -> dict[str, Any]:
        reply = await self.ask(message)
        assert reply.ok, reply.error
        return reply.result or {}

    async def refused(self, message: Request) -> ErrorDetail:
        reply = await self.ask(message)
        assert not reply.ok and reply.error is not None, reply.result
        return reply.error

    async def new_practice(self, **fields: Any) -> dict[str, Any]:
        return await self.ok(
            CreatePractice(name=fields.pop("name", "Clearview Opticians"), **fields)
        )

    async def new_patient(self, practice_id: str, phone: str, **fields: Any) -> dict[str, Any]:
        result = await self.ok(
            UpsertPatient(
                practice_id=practice_id,
                first_name=fields.pop("first_name", "Ada"),
                phone_number=phone,
                **fields,
            )
        )
        patient: dict[str, Any] = result["patient"]
        return patient

    async def opt_out(self, event: PatientOptedOut, *, expect_patient: str | None = None) -> None:
        """Publish the event as the dialer would and wait until compliance has applied it."""
        await self.bus.publish(event, correlation_id=new_id("req"), practice_id=event.practice_id)
        if expect_patient is None:
            await asyncio.sleep(0.5)
            return
        deadline = asyncio.get_running_loop().time() + 10
        while not await self.db["patients"].find_one({"_id": expect_patient, "opted_out": True}):
            assert asyncio.get_running_loop().time() < deadline, "the opt-out was not applied"
            await asyncio.sleep(0.05)

    def tapped_for(self, practice_id: str) -> list[Envelope]:
        return [envelope for envelope in self.tapped if envelope.practice_id == practice_id]

    async def wait_for_tapped(self, practice_id: str, count: int, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.tapped_for(practice_id)) < count:
            assert asyncio.get_running_loop().time() < deadline, self.tapped_for(practice_id)
            await asyncio.sleep(0.05)


@asynccontextmanager
async def compliance_running(
    database_url: str, *, replicas: int = 1, instant: datetime = OPEN_HOURS
) -> AsyncIterator[Compliance]:
    """Compliance replicas sharing one fresh vhost and one fresh database prefix."""
    vhost, broker_url = create_vhost()
    prefix = new_id("req").lower().replace("req_", "t")
    clock = FrozenClock(instant)
    env = {
        "RABBITMQ_URL": broker_url,
        "MONGODB_URL": database_url,
        "SIGHTSYNC_DB_PREFIX": prefix,
        "HTTP_HOST": "127.0.0.1",
        "SHUTDOWN_GRACE_SECONDS": "3",
    }
    apps: list[ServiceApp] = []
    caller = Bus("caller", broker_url, clock, request_timeout=30.0)
    mongo = create_client(database_url)
    tap = await aio_pika.connect(broker_url)
    try:
        for _ in range(replicas):
            app = build_service("compliance", {**env, "COMPLIANCE_PORT": str(free_port())}, clock)
            await app.start()
            apps.append(app)
        await caller.start(timeout=15)
        compliance = Compliance(caller, clock, mongo[f"{prefix}_compliance"], apps, broker_url)
        await _tap_output(tap, compliance.tapped)
        yield compliance
    finally:
        await tap.close()
        await caller.stop(grace=1)
        for app in apps:
            await app.stop()
        await mongo.drop_database(f"{prefix}_compliance")
        await mongo.close()
        delete_vhost(vhost)


async def _tap_output(connection: aio_pika.abc.AbstractConnection, into: list[Envelope]) -> None:
    channel = await connection.channel()
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    commands = await channel.get_exchange(topology.COMMANDS_EXCHANGE)
    events = await channel.get_exchange(topology.EVENTS_EXCHANGE)
    await queue.bind(commands, routing_key=PlaceCall.message_type)
    await queue.bind(events, routing_key=CallAccepted.message_type)
    await queue.bind(events, routing_key=PatientOptOutRecorded.message_type)

    async def keep(message: AbstractIncomingMessage) -> None:
        async with message.process():
            into.append(Envelope.model_validate_json(message.body))

    await queue.consume(keep)
