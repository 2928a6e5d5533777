"""The benchmarks, in the order a full run takes them (the noisiest ones last)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bench.benchmarks.events import events
from bench.benchmarks.growth import growth
from bench.benchmarks.patients import patients_create, patients_list
from bench.benchmarks.rate_limit import rate_limit
from bench.benchmarks.recall import recall
from bench.context import BenchContext

Benchmark = Callable[[BenchContext], Awaitable[None]]

BENCHMARKS: dict[str, Benchmark] = {
    "patients_list": patients_list,
    "patients_create": patients_create,
    "rate_limit": rate_limit,
    "recall": recall,
    "growth": growth,
    "events": events,
}
