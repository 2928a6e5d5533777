"""Names and declarations of every exchange and queue; one place to read the wiring.

- `sightsync.events` (topic): domain events, routing key = event type (`call.completed`).
- `sightsync.commands` (direct): commands, routed to the owning service's inbox.
- `sightsync.requests` (direct): request/reply, routed to the owning service's rpc queue.
- `sightsync.events.unrouted` (fanout): the events exchange's alternate exchange. An event
  that no service subscribes to yet is kept in the capped `events.unrouted` queue for
  inspection instead of vanishing; commands and requests have no such fallback, so an
  unroutable one is an error.
- `sightsync.dead-letter` (direct): where a queue sends what it gives up on; each service
  has a parking queue bound under its queue names, so nothing is lost.
"""

from __future__ import annotations

from typing import Any, Final

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue

EVENTS_EXCHANGE: Final = "sightsync.events"
COMMANDS_EXCHANGE: Final = "sightsync.commands"
REQUESTS_EXCHANGE: Final = "sightsync.requests"
DEAD_LETTER_EXCHANGE: Final = "sightsync.dead-letter"
UNROUTED_EVENTS_EXCHANGE: Final = "sightsync.events.unrouted"
UNROUTED_EVENTS_QUEUE: Final = "events.unrouted"
UNROUTED_EVENTS_KEPT: Final = 10_000


def inbox_queue(service: str) -> str:
    """Commands and subscribed events for a service."""
    return f"{service}.inbox"


def rpc_queue(service: str) -> str:
    """Requests a service answers while a caller waits."""
    return f"{service}.rpc"


def parking_queue(service: str) -> str:
    """Messages a service could not handle within its delivery limit, or could not decode."""
    return f"{service}.parking"


def work_queue_arguments(queue_name: str, delivery_limit: int) -> dict[str, Any]:
    """Quorum queue arguments: bounded redelivery, then at-least-once dead-lettering."""
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": delivery_limit,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": queue_name,
        # at-least-once dead-lettering needs reject-publish overflow; it is what makes a
        # parked message impossible to lose between the two queues.
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


async def declare_exchanges(channel: AbstractChannel) -> dict[str, AbstractExchange]:
    """Declare the shared exchanges (idempotent; every service does it at start-up)."""
    unrouted = await channel.declare_exchange(
        UNROUTED_EVENTS_EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=True
    )
    unrouted_queue = await channel.declare_queue(
        UNROUTED_EVENTS_QUEUE,
        durable=True,
        arguments={"x-max-length": UNROUTED_EVENTS_KEPT, "x-overflow": "drop-head"},
    )
    await unrouted_queue.bind(unrouted)
    events = await channel.declare_exchange(
        EVENTS_EXCHANGE,
        aio_pika.ExchangeType.TOPIC,
        durable=True,
        arguments={"alternate-exchange": UNROUTED_EVENTS_EXCHANGE},
    )
    kinds = {
        COMMANDS_EXCHANGE: aio_pika.ExchangeType.DIRECT,
        REQUESTS_EXCHANGE: aio_pika.ExchangeType.DIRECT,
        DEAD_LETTER_EXCHANGE: aio_pika.ExchangeType.DIRECT,
    }
    exchanges = {
        name: await channel.declare_exchange(name, kind, durable=True)
        for name, kind in kinds.items()
    }
    return {EVENTS_EXCHANGE: events, UNROUTED_EVENTS_EXCHANGE: unrouted, **exchanges}


async def declare_service_queues(
    channel: AbstractChannel,
    exchanges: dict[str, AbstractExchange],
    service: str,
    *,
    commands: list[str],
    events: list[str],
    requests: list[str],
    delivery_limit: int,
) -> dict[str, AbstractQueue]:
    """Declare a service's inbox, rpc and parking queues and bind what it handles."""
    parking = await channel.declare_queue(
        parking_queue(service), durable=True, arguments={"x-queue-type": "quorum"}
    )
    queues: dict[str, AbstractQueue] = {"parking": parking}
    for kind, name, keys in (
        ("inbox", inbox_queue(service), None),
        ("rpc", rpc_queue(service), requests),
    ):
        if kind == "inbox" and not (commands or events):
            continue
        if kind == "rpc" and not keys:
            continue
        queue = await channel.declare_queue(
            name, durable=True, arguments=work_queue_arguments(name, delivery_limit)
        )
        await parking.bind(exchanges[DEAD_LETTER_EXCHANGE], routing_key=name)
        queues[kind] = queue
    if "inbox" in queues:
        for key in commands:
            await queues["inbox"].bind(exchanges[COMMANDS_EXCHANGE], routing_key=key)
        for key in events:
            await queues["inbox"].bind(exchanges[EVENTS_EXCHANGE], routing_key=key)
    if "rpc" in queues:
        for key in requests:
            await queues["rpc"].bind(exchanges[REQUESTS_EXCHANGE], routing_key=key)
    return queues
