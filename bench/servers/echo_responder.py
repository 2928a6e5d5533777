"""A request/reply responder that does nothing but answer: the floor of a bus round trip.

It declares what the services' request path uses (a direct exchange, a quorum queue bound
to it, the same prefetch) and answers each request on the caller's direct reply-to queue
with the request's own body, then acknowledges it.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

EXCHANGE = "bench.requests"
QUEUE = "bench.echo"
ROUTING_KEY = "bench.echo"
PREFETCH = 16


async def serve(url: str) -> None:
    connection = await aio_pika.connect(url)
    channel = await connection.channel()
    await channel.set_qos(prefetch_count=PREFETCH)
    exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.DIRECT)
    queue = await channel.declare_queue(QUEUE, durable=True, arguments={"x-queue-type": "quorum"})
    await queue.bind(exchange, routing_key=ROUTING_KEY)

    async def answer(message: AbstractIncomingMessage) -> None:
        if message.reply_to:
            await channel.default_exchange.publish(
                aio_pika.Message(
                    body=message.body,
                    content_type="application/json",
                    correlation_id=message.correlation_id,
                ),
                routing_key=message.reply_to,
            )
        await message.ack()

    await queue.consume(answer)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    asyncio.run(serve(parser.parse_args().url))


if __name__ == "__main__":
    main()
