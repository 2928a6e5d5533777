"""The bus against the real broker and database: delivery, retries, parking, dedupe, RPC."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import ClassVar

import aio_pika
import pytest
from pymongo import AsyncMongoClient

from sightsync.common.bus import topology
from sightsync.common.bus.connection import Bus, BusUnavailable
from sightsync.common.bus.handlers import HandlerRegistry, MessageContext
from sightsync.common.clock import SystemClock
from sightsync.common.messages.base import Command, Envelope, Event, Refusal, Request
from sightsync.common.messages.registry import register
from sightsync.common.runner import build_messaging
from sightsync.common.settings import CommonSettings
from sightsync.common.storage import Document
from tests.support.backing import close_all_connections

pytestmark = pytest.mark.integration


class RecordTally(Command):
    message_type: ClassVar[str] = "test.record_tally"
    owner: ClassVar[str] = "tally"
    amount: int


class TallyRecorded(Event):
    message_type: ClassVar[str] = "test.tally_recorded"
    amount: int


class ExplodeAlways(Command):
    message_type: ClassVar[str] = "test.explode_always"
    owner: ClassVar[str] = "tally"
    note: str


class GetTally(Request):
    message_type: ClassVar[str] = "test.get_tally"
    owner: ClassVar[str] = "tally"
    refuse: bool = False
    delay: float = 0.0


register(RecordTally, TallyRecorded, ExplodeAlways, GetTally)

BuildBus = Callable[..., Awaitable[Bus]]


@pytest.fixture
async def make_bus(
    broker_url: str, mongo: AsyncMongoClient[Document], db_prefix: str
) -> AsyncIterator[BuildBus]:
    """Build and start buses on the test's vhost; all stopped at the end."""
    started: list[Bus] = []

    async def build(service: str, registry: HandlerRegistry | None = None) -> Bus:
        settings = CommonSettings(
            RABBITMQ_URL=broker_url, SIGHTSYNC_DB_PREFIX=db_prefix, DELIVERY_LIMIT=3
        )
        db = mongo[settings.database_name(service)]
        bus, _relay = build_messaging(
            service, settings, SystemClock(), registry or HandlerRegistry(), mongo, db
        )
        await bus.start(timeout=15)
        started.append(bus)
        return bus

    yield build
    for bus in started:
        await bus.stop(grace=2)


def tally_service(seen: list[int], attempts: list[str]) -> HandlerRegistry:
    registry = HandlerRegistry()

    async def record(message: RecordTally, context: MessageContext) -> None:
        seen.append(message.amount)
        context.emit(TallyRecorded(amount=message.amount))

    async def explode(message: ExplodeAlways, context: MessageContext) -> None:
        attempts.append(message.note)
        raise RuntimeError("this handler always fails")

    async def get_tally(message: GetTally, context: MessageContext) -> dict[str, int]:
        await asyncio.sleep(message.delay)
        if message.refuse:
            raise Refusal("not_today", "Refused on request", 409, reason="asked")
        return {"total": sum(seen)}

    registry.command(RecordTally, record)
    registry.command(ExplodeAlways, explode, transactional=False)
    registry.request(GetTally, get_tally)
    return registry


async def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def parked_bodies(broker_url: str, service: str, expect: int) -> list[bytes]:
    connection = await aio_pika.connect(broker_url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(topology.parking_queue(service))
        bodies: list[bytes] = []
        deadline = asyncio.get_running_loop().time() + 15
        while len(bodies) < expect and asyncio.get_running_loop().time() < deadline:
            message = await queue.get(fail=False)
            if message is None:
                await asyncio.sleep(0.1)
                continue
            bodies.append(message.body)
            await message.ack()
        return bodies
    finally:
        await connection.close()


async def test_command_round_trip_emits_event_through_outbox(make_bus: BuildBus) -> None:
    seen: list[int] = []
    received: list[int] = []
    await make_bus("tally", tally_service(seen, []))

    listener = HandlerRegistry()

    async def on_recorded(message: TallyRecorded, context: MessageContext) -> None:
        received.append(message.amount)

    listener.event(TallyRecorded, on_recorded)
    await make_bus("listener", listener)
    sender = await make_bus("sender")

    await sender.publish(RecordTally(amount=7), correlation_id="corr-1")

    await eventually(lambda: received == [7])
    assert seen == [7]


async def test_failing_handler_is_retried_then_parked_with_nothing_lost(
    make_bus: BuildBus, broker_url: str
) -> None:
    attempts: list[str] = []
    await make_bus("tally", tally_service([], attempts))
    sender = await make_bus("sender")

    envelope = await sender.publish(ExplodeAlways(note="boom"), correlation_id="corr-2")

    bodies = await parked_bodies(broker_url, "tally", expect=1)
    assert len(bodies) == 1
    assert json.loads(bodies[0])["id"] == envelope.id
    # The first delivery plus DELIVERY_LIMIT redeliveries, then parking.
    assert len(attempts) == 4


async def test_redelivered_message_has_a_single_effect(
    make_bus: BuildBus, mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    # The effect lives in the database, in the same transaction as the dedupe record.
    totals = mongo[f"{db_prefix}_tally"]["totals"]
    registry = HandlerRegistry()

    async def record(message: RecordTally, context: MessageContext) -> None:
        await totals.update_one(
            {"_id": "total"},
            {"$inc": {"sum": message.amount, "count": 1}},
            upsert=True,
            session=context.session,
        )

    registry.command(RecordTally, record)
    await make_bus("tally", registry)
    sender = await make_bus("sender")

    envelope = Envelope.wrap(
        RecordTally(amount=3), occurred_at=SystemClock().now(), correlation_id="corr-3"
    )
    for _ in range(3):
        await sender.publish_envelope(envelope)
    await sender.publish(RecordTally(amount=4), correlation_id="corr-3b")

    async def total() -> dict[str, int] | None:
        return await totals.find_one({"_id": "total"}, {"_id": 0})

    deadline = asyncio.get_running_loop().time() + 10
    while await total() != {"sum": 7, "count": 2}:
        assert asyncio.get_running_loop().time() < deadline, await total()
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    assert await total() == {"sum": 7, "count": 2}


async def test_malformed_messages_are_parked_not_crashed_on(
    make_bus: BuildBus, broker_url: str
) -> None:
    seen: list[int] = []
    await make_bus("tally", tally_service(seen, []))
    connection = await aio_pika.connect(broker_url)
    channel = await connection.channel()
    commands = await channel.get_exchange(topology.COMMANDS_EXCHANGE)
    await commands.publish(
        aio_pika.Message(body=b"{not json"), routing_key=RecordTally.message_type
    )
    wrong_payload = Envelope.wrap(
        TallyRecorded(amount=1), occurred_at=SystemClock().now(), correlation_id="c"
    ).model_copy(update={"type": RecordTally.message_type, "payload": {"amount": "lots"}})
    await commands.publish(
        aio_pika.Message(body=wrong_payload.model_dump_json().encode()),
        routing_key=RecordTally.message_type,
    )
    await connection.close()

    bodies = await parked_bodies(broker_url, "tally", expect=2)
    assert bodies[0] == b"{not json"
    assert json.loads(bodies[1])["payload"] == {"amount": "lots"}

    sender = await make_bus("sender")
    await sender.publish(RecordTally(amount=5), correlation_id="corr-4")
    await eventually(lambda: seen == [5])


async def test_request_reply_round_trip_refusal_and_timeout(make_bus: BuildBus) -> None:
    seen: list[int] = []
    await make_bus("tally", tally_service(seen, []))
    caller = await make_bus("caller")
    await caller.publish(RecordTally(amount=2), correlation_id="corr-5")
    await eventually(lambda: seen == [2])

    reply = await caller.request(GetTally(), correlation_id="corr-5")
    assert reply.ok and reply.result == {"total": 2}

    refused = await caller.request(GetTally(refuse=True), correlation_id="corr-5")
    assert not refused.ok and refused.error is not None
    assert (refused.error.code, refused.error.status) == ("not_today", 409)
    assert refused.error.details == {"reason": "asked"}

    with pytest.raises(BusUnavailable):
        await caller.request(GetTally(delay=2.0), correlation_id="corr-5", timeout=0.5)


async def test_unroutable_publish_is_an_error(make_bus: BuildBus) -> None:
    sender = await make_bus("sender")
    # Nobody declared a queue for this command, so the broker returns it.
    with pytest.raises(BusUnavailable):
        await sender.publish(RecordTally(amount=1), correlation_id="corr-6")


async def test_consumers_come_back_after_connections_are_forcibly_closed(
    make_bus: BuildBus, vhost: tuple[str, str]
) -> None:
    seen: list[int] = []
    tally = await make_bus("tally", tally_service(seen, []))
    sender = await make_bus("sender")

    close_all_connections(vhost[0])
    await eventually(lambda: tally.connections_made >= 2 and tally.is_ready, timeout=20)
    await eventually(lambda: sender.connections_made >= 2 and sender.is_ready, timeout=20)

    await sender.publish(RecordTally(amount=9), correlation_id="corr-7")
    await eventually(lambda: seen == [9])
    reply = await sender.request(GetTally(), correlation_id="corr-7")
    assert reply.result == {"total": 9}


async def test_stopping_lets_the_message_in_hand_finish_and_acks_it(
    make_bus: BuildBus, broker_url: str
) -> None:
    started = asyncio.Event()
    finished: list[int] = []
    slow = HandlerRegistry()

    async def record_slowly(message: RecordTally, context: MessageContext) -> None:
        started.set()
        await asyncio.sleep(1.0)
        finished.append(message.amount)

    slow.command(RecordTally, record_slowly)
    draining = await make_bus("tally", slow)
    sender = await make_bus("sender")
    await sender.publish(RecordTally(amount=3), correlation_id="corr-drain")
    await asyncio.wait_for(started.wait(), timeout=10)

    # What SIGTERM does: stop consuming, finish what is in hand, then close.
    await draining.stop(grace=5)

    assert finished == [3]
    connection = await aio_pika.connect(broker_url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(topology.inbox_queue("tally"), passive=True)
        declared = queue.declaration_result
        # Acked before the connection closed: nothing waits to be delivered again.
        assert declared is not None and declared.message_count == 0
    finally:
        await connection.close()
    redelivered: list[int] = []
    await make_bus("tally", tally_service(redelivered, []))
    await asyncio.sleep(1.0)
    assert redelivered == []
