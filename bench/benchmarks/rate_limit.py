"""One figure with the real rate limit on: a second gateway with the default limit.

Every other benchmark runs with a limit nobody reaches. Here a fresh key sends more than a
minute's allowance through a gateway replica started with the default
RATE_LIMIT_PER_MINUTE, so most answers are 429s: the figures say how many got through and
what a refusal costs next to the bare aiohttp floor.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bench.context import BenchContext
from bench.schema import figure
from bench.stack import start_gateway_replica
from bench.stats import mean_of
from sightsync.common.clock import clock_from_environment
from sightsync.gateway.settings import GatewaySettings

CONCURRENCY = 8
WINDOW_SECONDS = 60
# The bare baseline before the run, starting the load generator, and spending the
# allowance at this concurrency all fit in this with room to spare.
NEEDED_IN_WINDOW_SECONDS = 20.0
REQUESTS = 600
MAX_SECONDS = 15.0


async def _start_of_a_window(ctx: BenchContext) -> None:
    """Wait for a fresh minute on the deployment clock if this one is nearly over.

    Windows are clock-aligned minutes; starting early in one means the allowance runs
    out inside it, so the count up to the first 429 is one window's.
    """
    now = clock_from_environment(ctx.stack.env).now().timestamp()
    left = WINDOW_SECONDS - now % WINDOW_SECONDS
    if left < NEEDED_IN_WINDOW_SECONDS:
        await asyncio.sleep(left + 0.5)


def allowed_before_refusal(timeline: list[list[Any]]) -> int:
    """How many answers were 200 before the first 429 arrived.

    The limit counts per fixed minute, so a run that crosses into the next minute gets
    a fresh allowance; counting up to the first refusal measures one window only.
    """
    count = 0
    for status, _ in sorted(timeline, key=lambda item: item[1]):
        if status == "429":
            break
        count += status == "200"
    return count


async def rate_limit(ctx: BenchContext) -> None:
    limit = int(GatewaySettings.model_fields["rate_limit_per_minute"].default)
    process, port = start_gateway_replica(ctx.stack, RATE_LIMIT_PER_MINUTE=str(limit))
    ctx.monitor.track("gateway-limited", process.pid)
    practice = await ctx.practice()
    await ctx.seed_patients(practice.practice_id, 200)
    await ctx.settle()
    await _start_of_a_window(ctx)

    before = await ctx.bare_http(CONCURRENCY)
    measured = await ctx.http(
        f"GET /patients, real limit {limit}/min c={CONCURRENCY}",
        f"http://127.0.0.1:{port}/api/v1/patients?limit=100",
        CONCURRENCY,
        headers=practice.headers,
        max_requests=REQUESTS,
        max_seconds=MAX_SECONDS,
        warmup_requests=0,
        timeline=True,
    )
    after = await ctx.bare_http(CONCURRENCY)

    let_through = allowed_before_refusal(measured.pop("timeline"))
    refused = measured["latency_ms_by_status"].get("429", {})
    bare_p50 = mean_of([before["latency_ms"].get("p50"), after["latency_ms"].get("p50")])
    bare_rate = mean_of([before["throughput_per_second"], after["throughput_per_second"]])
    name = "rate_limit"
    ctx.figures.extend(
        [
            figure(
                name,
                f"requests answered 200 before the first 429 ({REQUESTS} sent)",
                float(let_through),
                "requests",
                baseline="RATE_LIMIT_PER_MINUTE in force",
                baseline_value=float(limit),
                note=f"all answers: {measured['statuses']}; the run starts early in a window",
            ),
            figure(
                name,
                f"answers/s with the real limit, {CONCURRENCY} clients (mostly 429)",
                measured["throughput_per_second"],
                "req/s",
                baseline=f"bare aiohttp, {CONCURRENCY} clients",
                baseline_value=bare_rate,
            ),
            figure(
                name,
                f"429 answer p50 latency, {CONCURRENCY} clients",
                refused.get("p50"),
                "ms",
                baseline=f"bare aiohttp p50, {CONCURRENCY} clients",
                baseline_value=bare_p50,
            ),
        ]
    )
    ctx.details[name] = {
        "limit_per_minute": limit,
        "run": measured,
        "bare_before": before,
        "bare_after": after,
    }
