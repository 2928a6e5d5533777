"""POST /api/v1/recall: how long acceptance takes, and how long until the call is placed.

Accept latency is what the client waits for the 202, read against a raw request/reply
round trip through the same broker. Dispatch latency runs from the moment the 202 arrived
to the moment `call.placed` arrived on a queue bound to the events exchange, both read
from the system-wide monotonic clock; the call ids match the two up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from bench.context import BenchContext
from bench.schema import figure
from bench.stats import mean_of, summarise
from sightsync.common.bus.topology import EVENTS_EXCHANGE

# (name, clients, at most this many recalls, seconds, pause after each): the paced run
# sends slower than the dialer places calls, so its dispatch latency is the pipeline's own.
RUNS = (
    ("paced", 1, 30, 15.0, 0.3),
    ("1 client", 1, 250, 10.0, 0.0),
    ("8 clients", 8, 300, 8.0, 0.0),
)
PLACED_WAIT_SECONDS = 30.0


class PlacedCalls:
    """Arrival times of `call.placed`, by call id."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.complete = asyncio.Event()
        self._wanted: set[str] = set()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        at = time.monotonic()
        payload = json.loads(message.body).get("payload", {})
        self.arrived.setdefault(str(payload.get("call_id")), at)
        self._check()

    def expect(self, call_ids: set[str]) -> None:
        self._wanted = call_ids
        self._check()

    def _check(self) -> None:
        if self._wanted and self._wanted <= self.arrived.keys():
            self.complete.set()


def dispatch_latencies(accepted: list[list[Any]], placed: dict[str, float]) -> list[float]:
    """Milliseconds from each 202 to its call's `call.placed`, for calls seen both ways."""
    return [(placed[call_id] - at) * 1000 for call_id, at in accepted if call_id in placed]


async def recall(ctx: BenchContext) -> None:
    practice = await ctx.practice()
    patients = await ctx.seed_patients(practice.practice_id, sum(run[2] for run in RUNS))
    placed = PlacedCalls()
    connection = await aio_pika.connect(ctx.stack.env["RABBITMQ_URL"])
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(await channel.get_exchange(EVENTS_EXCHANGE), routing_key="call.placed")
        await queue.consume(placed.on_message, no_ack=True)
        await ctx.settle()
        runs = await _runs(ctx, practice.headers, patients)
        await _wait_for(placed, runs)
    finally:
        await connection.close()

    details: dict[str, Any] = {"runs": {}}
    for label, run in runs.items():
        accepted = run["measured"].pop("collected")
        dispatch = summarise(dispatch_latencies(accepted, placed.arrived))
        missing = len(accepted) - dispatch.get("count", 0)
        details["runs"][label] = {**run, "dispatch_ms": dispatch, "not_placed": missing}
        _figures(ctx, label, run, dispatch, missing)
    ctx.details["recall"] = details


def _figures(
    ctx: BenchContext, label: str, run: dict[str, Any], dispatch: dict[str, Any], missing: int
) -> None:
    measured, rpc = run["measured"], run["rpc"]
    clients = run["clients"]
    rpc_clients = f"{clients} client(s)"
    if label == "paced":
        label = f"1 client, {run['pause_seconds']}s between recalls"
    for q in (50, 99):
        ctx.figures.append(
            figure(
                "recall",
                f"accept p{q} latency, {label}",
                measured["latency_ms"].get(f"p{q}"),
                "ms",
                baseline=f"raw request/reply p{q}, {rpc_clients}",
                baseline_value=rpc[f"p{q}"],
                note=_statuses(measured),
            )
        )
    for q in (50, 99):
        ctx.figures.append(
            figure(
                "recall",
                f"dispatch p{q} (202 → call.placed), {label}",
                dispatch.get(f"p{q}"),
                "ms",
                baseline=f"raw request/reply p{q}, {rpc_clients}",
                baseline_value=rpc[f"p{q}"],
                note=f"{missing} accepted calls not placed within the wait" if missing else "",
            )
        )
    if not run["pause_seconds"]:
        ctx.figures.append(
            figure(
                "recall",
                f"recalls accepted/s, {label}",
                measured["throughput_per_second"],
                "req/s",
                baseline=f"raw request/reply round trips/s, {rpc_clients}",
                baseline_value=rpc["throughput_per_second"],
            )
        )


async def _runs(
    ctx: BenchContext, headers: dict[str, str], patients: list[str]
) -> dict[str, dict[str, Any]]:
    runs: dict[str, dict[str, Any]] = {}
    used = 0
    for label, clients, count, seconds, pause in RUNS:
        bodies = [{"patient_id": patient_id} for patient_id in patients[used : used + count]]
        used += count
        before = await ctx.echo_rpc(clients)
        measured = await ctx.http(
            f"POST /api/v1/recall, {label}",
            ctx.stack.api("/recall"),
            clients,
            method="POST",
            headers=headers,
            bodies=bodies,
            max_requests=count,
            max_seconds=seconds,
            pause_seconds=pause,
            collect="call_id",
        )
        after = await ctx.echo_rpc(clients)
        rpc = {
            "throughput_per_second": mean_of(
                [before["throughput_per_second"], after["throughput_per_second"]]
            ),
            **{
                f"p{q}": mean_of(
                    [before["latency_ms"].get(f"p{q}"), after["latency_ms"].get(f"p{q}")]
                )
                for q in (50, 95, 99)
            },
        }
        runs[label] = {"clients": clients, "pause_seconds": pause, "measured": measured, "rpc": rpc}
        await ctx.settle(max_seconds=10.0)
    return runs


async def _wait_for(placed: PlacedCalls, runs: dict[str, dict[str, Any]]) -> None:
    placed.expect(
        {call_id for run in runs.values() for call_id, _ in run["measured"].get("collected", [])}
    )
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(placed.complete.wait(), PLACED_WAIT_SECONDS)


def _statuses(result: dict[str, Any]) -> str:
    odd = {status: n for status, n in result.get("statuses", {}).items() if status != "202"}
    return f"answers other than 202: {odd}" if odd else ""
