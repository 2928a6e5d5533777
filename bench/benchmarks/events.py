"""The event pipeline: a backlog of call events drained by outcomes into its read models.

A burst of valid `call.accepted`, `call.placed` and `call.completed` envelopes for one
bench practice is published straight to the events exchange, as the dialer and compliance
would publish them. Progress is read from the depth of outcomes' inbox; the end is
confirmed in outcomes' database by adding up the events folded into the practice's call
documents. If the backlog is not drained within the cap, the rate measured so far gives an
extrapolated drain time, marked as such, and the rest of the backlog is purged.
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import datetime, timedelta
from typing import Any

import aio_pika

from bench.context import BenchContext
from bench.profile import record
from bench.schema import figure
from sightsync.common.bus.topology import EVENTS_EXCHANGE, inbox_queue
from sightsync.common.clock import Clock, clock_from_environment
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Envelope, Event
from sightsync.common.messages.calls import CallAccepted, CallCompleted, CallPlaced, TranscriptTurn

DEFAULT_EVENTS = 50_000
PUBLISH_WINDOW = 500
# Calls are published a group at a time: every call's accepted, then placed, then
# completed, as a backlog of many concurrent calls would hold them.
CALLS_PER_GROUP = 100
POLL_SECONDS = 1.0
PROFILE_SECONDS = 20.0


def call_events(practice_id: str, count: int, clock: Clock) -> list[tuple[Event, datetime]]:
    """`count` events for count/3 calls (the last call may stop short of completing)."""
    calls = math.ceil(count / 3)
    events: list[tuple[Event, datetime]] = []
    now = clock.now()
    for group_start in range(0, calls, CALLS_PER_GROUP):
        group = [
            (new_id("c"), new_id("pat"))
            for _ in range(group_start, min(calls, group_start + CALLS_PER_GROUP))
        ]
        for step in range(3):
            for call_id, patient_id in group:
                events.append((_event(step, practice_id, call_id, patient_id, now), now))
    # Trim per call from the end: the last calls lose their completion first.
    return _trim(events, count)


def _event(step: int, practice_id: str, call_id: str, patient_id: str, now: datetime) -> Event:
    ids = {"call_id": call_id, "practice_id": practice_id, "patient_id": patient_id}
    if step == 0:
        return CallAccepted(**ids, accepted_at=now)
    if step == 1:
        return CallPlaced(**ids, placed_at=now, provider="simulated", provider_call_id=call_id)
    ended = now + timedelta(seconds=42)
    return CallCompleted(
        **ids,
        outcome="declined",
        summary="Patient will book later.",
        duration_seconds=42.0,
        started_at=now,
        ended_at=ended,
        transcript=[
            TranscriptTurn(index=0, speaker="agent", text="Hello, this is a reminder.", at=now),
            TranscriptTurn(index=1, speaker="patient", text="I will book later.", at=ended),
        ],
    )


def _trim(events: list[tuple[Event, datetime]], count: int) -> list[tuple[Event, datetime]]:
    surplus = len(events) - count
    if surplus <= 0:
        return events
    completed = [i for i, (event, _) in enumerate(events) if isinstance(event, CallCompleted)]
    drop = set(completed[-surplus:])
    return [item for i, item in enumerate(events) if i not in drop]


async def events(ctx: BenchContext) -> None:
    total = int(ctx.options.get("events", DEFAULT_EVENTS))
    cap = float(ctx.options.get("drain_cap_seconds", 100.0))
    practice = (await ctx.practices(1))[0]
    clock = clock_from_environment(ctx.stack.env)
    bodies = [
        _message(
            Envelope.wrap(
                event,
                occurred_at=at,
                correlation_id=new_id("req"),
                practice_id=practice.practice_id,
            )
        )
        for event, at in call_events(practice.practice_id, total, clock)
    ]
    await ctx.settle()
    insert = await ctx.database_op("insert", 16)

    before = ctx.monitor.cpu_seconds()
    connection = await aio_pika.connect(ctx.stack.env["RABBITMQ_URL"])
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE)
        started = time.monotonic()
        for window in range(0, len(bodies), PUBLISH_WINDOW):
            await asyncio.gather(
                *(
                    exchange.publish(message, routing_key=message.type or "")
                    for message in bodies[window : window + PUBLISH_WINDOW]
                )
            )
        published = time.monotonic() - started
        profiling = None
        if ctx.options.get("profile"):
            pids = {name: ctx.stack.pids[name] for name in ("outcomes", "database")}
            profiling = asyncio.create_task(
                record(pids, min(PROFILE_SECONDS, cap), ctx.stack.log_path.parent)
            )
        progress, drained = await _drain(ctx, channel, practice.practice_id, total, started, cap)
        if profiling is not None:
            ctx.profiles["events drain"] = await profiling
        elapsed = time.monotonic() - started
        applied = await _applied(ctx, practice.practice_id)
        if not drained:
            for service in ("outcomes", "webhooks"):
                queue = await channel.declare_queue(inbox_queue(service), passive=True)
                await queue.purge()
    finally:
        await connection.close()
    cpu = {
        name: round(after - before.get(name, 0.0), 2)
        for name, after in ctx.monitor.cpu_seconds().items()
    }

    rate = applied / elapsed if elapsed > 0 else None
    drain_seconds = elapsed if drained else (total / rate if rate else None)
    raw_rate = insert["throughput_per_second"]
    name = "events"
    ctx.figures.extend(
        [
            figure(
                name,
                "call events folded into outcomes' read models per second",
                round(rate, 1) if rate else None,
                "events/s",
                baseline="raw single-document inserts/s, 16 clients",
                baseline_value=raw_rate,
                baseline_unit="inserts/s",
                note="each event costs outcomes three database round trips (log, stream, save)",
            ),
            figure(
                name,
                f"drain a backlog of {total:,} call events"
                + ("" if drained else " (extrapolated)"),
                round(drain_seconds, 1) if drain_seconds else None,
                "s",
                baseline=f"{total:,} raw single-document inserts at the raw rate",
                baseline_value=round(total / raw_rate, 1) if raw_rate else None,
                extrapolated=not drained,
                note=""
                if drained
                else f"stopped after {elapsed:.0f}s with {applied:,} of {total:,} applied",
            ),
        ]
    )
    ctx.details[name] = {
        "events": total,
        "calls": math.ceil(total / 3),
        "publish_seconds": round(published, 2),
        "publish_rate_per_second": round(total / published, 1) if published else None,
        "drained": drained,
        "applied": applied,
        "elapsed_seconds": round(elapsed, 1),
        "cap_seconds": cap,
        "inbox_depth": progress,
        "cpu_seconds": cpu,
        "raw_insert_baseline": insert,
    }


def _message(envelope: Envelope) -> aio_pika.Message:
    # The properties the services' bus publishes events with.
    return aio_pika.Message(
        body=envelope.model_dump_json().encode(),
        content_type="application/json",
        message_id=envelope.id,
        correlation_id=envelope.correlation_id,
        type=envelope.type,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


async def _drain(
    ctx: BenchContext,
    channel: aio_pika.abc.AbstractChannel,
    practice_id: str,
    total: int,
    started: float,
    cap: float,
) -> tuple[list[list[float]], bool]:
    """Poll until every event is applied or the cap is reached; the inbox depth over time."""
    progress: list[list[float]] = []
    while time.monotonic() - started < cap:
        queue = await channel.declare_queue(inbox_queue("outcomes"), passive=True)
        depth = queue.declaration_result.message_count or 0
        progress.append([round(time.monotonic() - started, 1), depth])
        if depth == 0 and await _applied(ctx, practice_id) >= total:
            return progress, True
        await asyncio.sleep(POLL_SECONDS)
    return progress, False


async def _applied(ctx: BenchContext, practice_id: str) -> int:
    """Events folded into the practice's call documents, as outcomes counts them."""
    calls = ctx.mongo[ctx.stack.database("outcomes")]["calls"]
    pipeline: list[dict[str, Any]] = [
        {"$match": {"practice_id": practice_id}},
        {"$group": {"_id": None, "events": {"$sum": "$event_count"}}},
    ]
    async for row in await calls.aggregate(pipeline):
        return int(row["events"])
    return 0
