"""The benchmarks, in the order a full run takes them.

`growth` goes first, on a fresh database: SecantusDB's writes slow down as the server
ages under the services' traffic (seeding the same 180,000 patients took five times as
long after the other benchmarks), and the rest do not depend on the growth data, which
sits in other practices. `events` goes last: it is the one that can leave work behind.
"""

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
    "growth": growth,
    "patients_list": patients_list,
    "patients_create": patients_create,
    "rate_limit": rate_limit,
    "recall": recall,
    "events": events,
}
