"""The load generator: its own process, one scenario in (JSON on stdin), results out (stdout).

Every loop is bounded twice, by a request count and by a duration, and only ever talks to
loopback. Latency is measured per request with `time.perf_counter`; the moments a
response arrived, when asked for, use `time.monotonic`, which on Linux is the system-wide
CLOCK_MONOTONIC and so comparable with the orchestrator's own readings.

Scenario kinds:
- `http`: one method and URL; a fixed body, a body template whose `{n}` is replaced by a
  running number, or a list of bodies used once each.
- `amqp_rpc`: request/reply through RabbitMQ's direct reply-to, as the services' bus does.
- `mongo`: single-document inserts, or finds by an indexed field.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.stats import summarise

ALLOWED_HOSTS = ("127.0.0.1", "localhost")


@dataclass
class Tally:
    """What the workers of one run record."""

    latencies_ms: list[float] = field(default_factory=list)
    by_status: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    collected: list[list[Any]] = field(default_factory=list)
    # (status, monotonic arrival) of every answer, when the scenario asks for it.
    timeline: list[list[Any]] = field(default_factory=list)

    def record(self, status: str, elapsed_ms: float) -> None:
        self.latencies_ms.append(elapsed_ms)
        self.by_status.setdefault(status, []).append(elapsed_ms)
        self.statuses[status] += 1


Attempt = Callable[[int, Tally], Awaitable[None]]


async def drive(attempt: Attempt, scenario: dict[str, Any]) -> dict[str, Any]:
    """Run `attempt` from `concurrency` workers until the count or the time bound is hit."""
    concurrency = int(scenario["concurrency"])
    max_requests = int(scenario["max_requests"])
    max_seconds = float(scenario["max_seconds"])
    warmup = int(scenario.get("warmup_requests", 0))
    pause = float(scenario.get("pause_seconds", 0.0))

    if warmup:
        await _run_workers(attempt, Tally(), concurrency, warmup, max_seconds, 0, pause)
    tally = Tally()
    cpu_before = time.process_time()
    started = time.perf_counter()
    await _run_workers(attempt, tally, concurrency, max_requests, max_seconds, warmup, pause)
    elapsed = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_before

    done = len(tally.latencies_ms)
    return {
        "concurrency": concurrency,
        "requests": done,
        "elapsed_seconds": round(elapsed, 4),
        "throughput_per_second": round(done / elapsed, 2) if elapsed > 0 else None,
        "latency_ms": summarise(tally.latencies_ms),
        "latency_ms_by_status": {
            status: summarise(samples) for status, samples in sorted(tally.by_status.items())
        },
        "statuses": dict(tally.statuses),
        "errors": dict(tally.errors),
        "loadgen_cpu_seconds": round(cpu_seconds, 3),
        "collected": tally.collected,
        "timeline": tally.timeline,
    }


async def _run_workers(
    attempt: Attempt,
    tally: Tally,
    concurrency: int,
    count: int,
    max_seconds: float,
    start: int,
    pause: float,
) -> None:
    deadline = time.monotonic() + max_seconds
    issued = 0

    async def worker() -> None:
        nonlocal issued
        while issued < count and time.monotonic() < deadline:
            number = start + issued
            issued += 1
            await attempt(number, tally)
            if pause:
                await asyncio.sleep(pause)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


# ----- http ----------------------------------------------------------------------------


def _body_for(scenario: dict[str, Any], number: int) -> bytes | None:
    if "bodies" in scenario:
        return json.dumps(scenario["bodies"][number]).encode()
    if "body_template" in scenario:
        offset = int(scenario.get("number_offset", 0))
        template = str(scenario["body_template"])
        return template.replace("{n}", str(offset + number)).encode()
    if scenario.get("body") is not None:
        return json.dumps(scenario["body"]).encode()
    return None


def _dig(document: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(part)
    return document


async def run_http(scenario: dict[str, Any]) -> dict[str, Any]:
    import aiohttp
    from yarl import URL

    url = scenario["url"]
    if URL(url).host not in ALLOWED_HOSTS:
        raise SystemExit(f"refusing to load a non-loopback host: {url}")
    if "bodies" in scenario:
        scenario["max_requests"] = min(int(scenario["max_requests"]), len(scenario["bodies"]))
        scenario["warmup_requests"] = 0
    method = scenario.get("method", "GET")
    headers = {"Content-Type": "application/json", **scenario.get("headers", {})}
    collect = scenario.get("collect")
    timeline = bool(scenario.get("timeline"))
    timeout = aiohttp.ClientTimeout(total=float(scenario.get("timeout_seconds", 30)))
    connector = aiohttp.TCPConnector(limit=int(scenario["concurrency"]))

    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, headers=headers
    ) as session:

        async def attempt(number: int, tally: Tally) -> None:
            body = _body_for(scenario, number)
            started = time.perf_counter()
            try:
                async with session.request(method, url, data=body) as response:
                    payload = await response.read()
                    status = str(response.status)
            except (aiohttp.ClientError, TimeoutError) as error:
                tally.errors[type(error).__name__] += 1
                return
            tally.record(status, (time.perf_counter() - started) * 1000)
            if timeline:
                tally.timeline.append([status, time.monotonic()])
            if collect and status.startswith("2"):
                tally.collected.append([_dig(json.loads(payload), collect), time.monotonic()])

        return await drive(attempt, scenario)


# ----- amqp request/reply ----------------------------------------------------------------


async def run_amqp_rpc(scenario: dict[str, Any]) -> dict[str, Any]:
    import aio_pika

    connection = await aio_pika.connect(scenario["url"])
    try:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        exchange = await channel.get_exchange(scenario["exchange"])
        pending: dict[str, asyncio.Future[bytes]] = {}

        async def on_reply(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            future = pending.pop(message.correlation_id or "", None)
            if future is not None and not future.done():
                future.set_result(message.body)

        reply_queue = await channel.get_queue("amq.rabbitmq.reply-to", ensure=False)
        await reply_queue.consume(on_reply, no_ack=True)
        body = json.dumps({"payload": "x" * int(scenario.get("payload_bytes", 300))}).encode()

        async def attempt(number: int, tally: Tally) -> None:
            correlation_id = f"rpc-{number}"
            future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
            pending[correlation_id] = future
            started = time.perf_counter()
            try:
                await exchange.publish(
                    aio_pika.Message(
                        body=body,
                        content_type="application/json",
                        correlation_id=correlation_id,
                        reply_to="amq.rabbitmq.reply-to",
                        expiration=5,
                    ),
                    routing_key=scenario["routing_key"],
                    mandatory=True,
                    timeout=5,
                )
                await asyncio.wait_for(future, 5)
            except (TimeoutError, aio_pika.exceptions.AMQPError) as error:
                pending.pop(correlation_id, None)
                tally.errors[type(error).__name__] += 1
                return
            tally.record("ok", (time.perf_counter() - started) * 1000)

        return await drive(attempt, scenario)
    finally:
        await connection.close()


# ----- database ----------------------------------------------------------------------------

FIND_DOCUMENTS = 1000


async def run_mongo(scenario: dict[str, Any]) -> dict[str, Any]:
    import os
    from datetime import UTC, datetime

    from pymongo import ASCENDING, AsyncMongoClient

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(scenario["url"])
    try:
        collection = client[scenario["database"]][scenario["collection"]]
        await collection.create_index([("key", ASCENDING)], name="key")
        if scenario["op"] == "find" and await collection.count_documents({}) < FIND_DOCUMENTS:
            await collection.insert_many(
                [{"key": f"k{i:06d}", "payload": "x" * 200} for i in range(FIND_DOCUMENTS)]
            )
        run_tag = os.urandom(4).hex()

        async def insert(number: int, tally: Tally) -> None:
            started = time.perf_counter()
            await collection.insert_one(
                {
                    "_id": f"{run_tag}-{number}",
                    "key": f"i{run_tag}{number}",
                    "payload": "x" * 200,
                    "at": datetime.now(UTC),
                }
            )
            tally.record("ok", (time.perf_counter() - started) * 1000)

        async def find(number: int, tally: Tally) -> None:
            started = time.perf_counter()
            found = await collection.find_one({"key": f"k{number % FIND_DOCUMENTS:06d}"})
            tally.record("ok" if found else "missing", (time.perf_counter() - started) * 1000)

        return await drive(insert if scenario["op"] == "insert" else find, scenario)
    finally:
        await client.close()


RUNNERS = {"http": run_http, "amqp_rpc": run_amqp_rpc, "mongo": run_mongo}


def main() -> None:
    scenario = json.loads(sys.stdin.read())
    result = asyncio.run(RUNNERS[scenario["kind"]](scenario))
    result["kind"] = scenario["kind"]
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
