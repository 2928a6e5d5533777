"""The webhooks service for real, a receiver it delivers to, and a bus to drive it."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

import pytest_asyncio
from aiohttp import web
from cryptography.fernet import Fernet

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import OffsetClock
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Envelope, ErrorDetail, Message, Request
from sightsync.common.storage import create_client
from sightsync.webhooks.adapters.resolver import SystemHostResolver
from sightsync.webhooks.domain.destinations import IPAddress
from tests.support.backing import create_vhost, delete_vhost
from tests.support.system import RunningSystem, running_system

# Seconds instead of hours, so a whole retry schedule runs inside a test.
FAST = {
    "WEBHOOK_RETRY_SCHEDULE": "0.2,0.2,0.2",
    "WEBHOOK_TIMEOUT_SECONDS": "0.5",
    "WEBHOOK_LEASE_SECONDS": "1.5",
    "WEBHOOK_POLL_SECONDS": "0.05",
    "WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT": "2",
}
HANG = -1


def verify_standard_webhook(secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    """A receiver's check, written from the specification alone (not the service's signer)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = b".".join(
        [headers["webhook-id"].encode(), headers["webhook-timestamp"].encode(), body]
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [
        entry.split(",", 1)[1]
        for entry in headers["webhook-signature"].split(" ")
        if entry.startswith("v1,")
    ]
    return any(hmac.compare_digest(candidate, expected) for candidate in offered)


@dataclass(frozen=True)
class Received:
    name: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """An HTTP server on loopback; each hook name answers its scripted statuses, then 200."""

    port: int = 0
    scripts: dict[str, list[int]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    def url(self, name: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/hooks/{name}"

    def script(self, name: str, *statuses: int) -> None:
        self.scripts[name] = list(statuses)

    def at(self, name: str) -> list[Received]:
        return [r for r in self.received if r.name == name]

    async def wait_for(self, name: str, count: int, timeout: float = 5.0) -> list[Received]:
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.at(name)) >= count)
        return self.at(name)

    async def handle(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        arrived = Received(name, dict(request.headers), await request.read(), time.perf_counter())
        async with self._arrived:
            self.received.append(arrived)
            self._arrived.notify_all()
        script = self.scripts.get(name, [])
        status = script.pop(0) if script else 200
        if status == HANG:
            await asyncio.sleep(3600)
        return web.Response(status=status)


@asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hooks/{name}", receiver.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.port = runner.addresses[0][1]
    try:
        yield receiver
    finally:
        await runner.cleanup()


class MappedResolver:
    """DNS as the test says: named hosts resolve to chosen addresses, others for real."""

    def __init__(self) -> None:
        self.names: dict[str, list[IPAddress]] = {}
        self._system = SystemHostResolver()

    def point(self, host: str, *addresses: str) -> None:
        self.names[host] = [ip_address(a) for a in addresses]

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        if host in self.names:
            return list(self.names[host])
        return await self._system.resolve(host, port)


@dataclass
class Webhooks:
    """The running service, a bus that speaks for a practice, and the shared test clock."""

    system: RunningSystem
    bus: Bus
    clock: OffsetClock
    resolver: MappedResolver

    async def ask(self, message: Request) -> dict[str, Any]:
        reply = await self.bus.request(message, correlation_id=new_id("req"))
        assert reply.ok, reply.error
        return reply.result or {}

    async def refusal(self, message: Request) -> ErrorDetail:
        reply = await self.bus.request(message, correlation_id=new_id("req"))
        assert not reply.ok and reply.error is not None, reply.result
        return reply.error

    async def publish(self, message: Message) -> Envelope:
        envelope = Envelope.wrap(
            message,
            occurred_at=self.clock.now(),
            correlation_id=new_id("req"),
            practice_id=getattr(message, "practice_id", None),
        )
        await self.bus.publish_envelope(envelope)
        return envelope


@asynccontextmanager
async def fresh_backing(database_url: str) -> AsyncIterator[tuple[str, str]]:
    """A vhost and a database prefix, both removed afterwards."""
    vhost, broker_url = create_vhost()
    prefix = new_id("req").lower().replace("req_", "t")
    try:
        yield broker_url, prefix
    finally:
        client = create_client(database_url)
        for name in await client.list_database_names():
            if name.startswith(prefix):
                await client.drop_database(name)
        await client.close()
        delete_vhost(vhost)


def service_env() -> dict[str, str]:
    return {**FAST, "WEBHOOK_SECRETS_KEYS": Fernet.generate_key().decode()}


@asynccontextmanager
async def driver_bus(broker_url: str, clock: OffsetClock) -> AsyncIterator[Bus]:
    bus = Bus("webhooks-test", broker_url, clock, request_timeout=5.0)
    await bus.start()
    try:
        yield bus
    finally:
        await bus.stop(grace=1)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


@asynccontextmanager
async def webhooks_alone(
    database_url: str, env: Mapping[str, str] | None = None
) -> AsyncIterator[Webhooks]:
    """The webhooks service by itself on fresh backing, with `env` over the test defaults."""
    clock = OffsetClock(0)
    resolver = MappedResolver()
    async with (
        fresh_backing(database_url) as (broker_url, prefix),
        running_system(
            broker_url=broker_url,
            database_url=database_url,
            db_prefix=prefix,
            clock=clock,
            services=("webhooks",),
            env={**service_env(), **(env or {})},
            extra={"webhooks": {"resolver": resolver}},
        ) as system,
        driver_bus(broker_url, clock) as bus,
    ):
        yield Webhooks(system, bus, clock, resolver)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def webhooks(database_url: str) -> AsyncIterator[Webhooks]:
    """One service for the module; tests keep apart by using a practice each."""
    async with webhooks_alone(database_url) as running:
        yield running
