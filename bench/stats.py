"""Summaries of measured samples: percentiles, rates and ratios, and how they are printed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

PERCENTILES = (50, 95, 99)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating linearly between the closest ranks."""
    if not values:
        raise ValueError("no samples")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    above = math.ceil(position)
    if below == above:
        return ordered[below]
    weight = position - below
    return ordered[below] * (1 - weight) + ordered[above] * weight


def summarise(samples_ms: Sequence[float]) -> dict[str, Any]:
    """Count, mean, min, max and p50/p95/p99 of latencies in milliseconds."""
    if not samples_ms:
        return {"count": 0}
    summary: dict[str, Any] = {
        "count": len(samples_ms),
        "mean": round(sum(samples_ms) / len(samples_ms), 3),
        "min": round(min(samples_ms), 3),
        "max": round(max(samples_ms), 3),
    }
    for q in PERCENTILES:
        summary[f"p{q}"] = round(percentile(samples_ms, q), 3)
    return summary


def ratio(value: float | None, baseline: float | None) -> float | None:
    """value / baseline, or None when either is missing or the baseline is zero."""
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline


def mean_of(values: Sequence[float | None]) -> float | None:
    """The mean of the values that were measured; None when none were."""
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def format_number(value: float | None, digits: int = 3) -> str:
    """A figure with about `digits` significant digits, thousands separated."""
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    return f"{value:,.{decimals}f}"


def format_ratio(value: float | None) -> str:
    """A ratio as a multiplier: `0.42×`, `3.1×`, `120×`."""
    if value is None:
        return "n/a"
    return f"{format_number(value, 2)}×"
