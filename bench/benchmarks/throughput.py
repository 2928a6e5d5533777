"""Figures for an endpoint measured between two runs of the bare aiohttp baseline."""

from __future__ import annotations

from typing import Any

from bench.context import BenchContext
from bench.schema import figure
from bench.stats import mean_of

CONCURRENCIES = (1, 8, 32)
WINDOW_SECONDS = 4.0


async def against_bare(
    ctx: BenchContext,
    benchmark: str,
    title: str,
    scenario: dict[str, Any],
    concurrency: int,
    profile: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Bare, endpoint, bare again: the baseline is the mean of the two runs around it."""
    before = await ctx.bare_http(concurrency)
    measured = await ctx.http(
        f"{title} c={concurrency}", concurrency=concurrency, profile=profile, **scenario
    )
    after = await ctx.bare_http(concurrency)
    bare = {
        "throughput_per_second": mean_of(
            [before["throughput_per_second"], after["throughput_per_second"]]
        ),
        **{
            f"p{q}": mean_of([before["latency_ms"].get(f"p{q}"), after["latency_ms"].get(f"p{q}")])
            for q in (50, 95, 99)
        },
        "drift": _drift(before["throughput_per_second"], after["throughput_per_second"]),
    }
    note = _status_note(measured)
    ctx.figures.append(
        figure(
            benchmark,
            f"{title} throughput, {concurrency} client(s)",
            measured["throughput_per_second"],
            "req/s",
            baseline=f"bare aiohttp, {concurrency} client(s)",
            baseline_value=bare["throughput_per_second"],
            note=note,
        )
    )
    for q in (50, 95, 99):
        ctx.figures.append(
            figure(
                benchmark,
                f"{title} p{q} latency, {concurrency} client(s)",
                measured["latency_ms"].get(f"p{q}"),
                "ms",
                baseline=f"bare aiohttp p{q}, {concurrency} client(s)",
                baseline_value=bare[f"p{q}"],
            )
        )
    return {"measured": measured, "bare_before": before, "bare_after": after, "bare": bare}


def _drift(before: float | None, after: float | None) -> float | None:
    """How far the baseline moved while the endpoint ran (after / before)."""
    if not before or after is None:
        return None
    return round(after / before, 3)


def _status_note(result: dict[str, Any]) -> str:
    statuses = result.get("statuses", {})
    unexpected = {status: count for status, count in statuses.items() if not status.startswith("2")}
    parts = []
    if unexpected:
        parts.append(f"non-2xx answers: {unexpected}")
    if result.get("errors"):
        parts.append(f"client errors: {result['errors']}")
    return "; ".join(parts)
