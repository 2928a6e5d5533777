"""Outcomes running for real against the test's vhost and databases, plus a publisher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import FrozenClock
from sightsync.common.messages.base import Envelope, ErrorDetail, Message, Request
from sightsync.common.runner import ServiceApp
from tests.support.system import running_system

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)


@dataclass
class Outcomes:
    """The running service, a bus to publish events and ask requests, and its clock."""

    app: ServiceApp
    bus: Bus
    clock: FrozenClock

    async def publish(self, message: Message, *, at: datetime | None = None) -> Envelope:
        envelope = Envelope.wrap(
            message,
            occurred_at=at or self.clock.now(),
            correlation_id="test",
            practice_id=getattr(message, "practice_id", None),
        )
        await self.bus.publish_envelope(envelope)
        return envelope

    async def ask(self, message: Request) -> dict[str, Any]:
        reply = await self.bus.request(message, correlation_id="test")
        assert reply.ok, reply.error
        return reply.result or {}

    async def refusal(self, message: Request) -> ErrorDetail:
        reply = await self.bus.request(message, correlation_id="test")
        assert not reply.ok and reply.error is not None, reply.result
        return reply.error


@pytest.fixture
async def outcomes(broker_url: str, database_url: str, db_prefix: str) -> AsyncIterator[Outcomes]:
    clock = FrozenClock(NOW)
    async with running_system(
        broker_url=broker_url,
        database_url=database_url,
        db_prefix=db_prefix,
        clock=clock,
        services=["outcomes"],
    ) as system:
        publisher = Bus("outcomes-test", broker_url, clock)
        await publisher.start(timeout=15)
        try:
            yield Outcomes(system.apps["outcomes"], publisher, clock)
        finally:
            await publisher.stop(grace=1)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Wait until `check()` holds; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
