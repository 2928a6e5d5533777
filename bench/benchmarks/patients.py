"""GET and POST /api/v1/patients at 1, 8 and 32 clients, each beside bare aiohttp."""

from __future__ import annotations

from bench.benchmarks.throughput import CONCURRENCIES, WINDOW_SECONDS, against_bare
from bench.context import BenchContext
from bench.fixtures import patient_body_template

# A practice with two pages of patients: every list answer is a full page of 100.
LIST_PRACTICE_PATIENTS = 200
MAX_REQUESTS = 20_000
# Sampled with `--profile` during the busiest list run: the request's whole path.
PROFILED = ("gateway", "compliance", "database")


async def patients_list(ctx: BenchContext) -> None:
    practice = await ctx.practice()
    await ctx.seed_patients(practice.practice_id, LIST_PRACTICE_PATIENTS)
    await ctx.settle()
    runs = {}
    for concurrency in CONCURRENCIES:
        runs[concurrency] = await against_bare(
            ctx,
            "patients_list",
            "GET /api/v1/patients?limit=100",
            {
                "url": ctx.stack.api("/patients?limit=100"),
                "headers": practice.headers,
                "max_seconds": WINDOW_SECONDS,
                "max_requests": MAX_REQUESTS,
            },
            concurrency,
            profile=PROFILED if concurrency == CONCURRENCIES[-1] else (),
        )
    ctx.details["patients_list"] = {
        "practice_patients": LIST_PRACTICE_PATIENTS,
        "seeded": "directly into compliance's collection (see bench/README.md)",
        "runs": runs,
    }


async def patients_create(ctx: BenchContext) -> None:
    practice = await ctx.practice()
    await ctx.settle()
    runs = {}
    for concurrency in CONCURRENCIES:
        first_number = ctx.phones.take(MAX_REQUESTS + 2 * concurrency)
        runs[concurrency] = await against_bare(
            ctx,
            "patients_create",
            "POST /api/v1/patients (new patient)",
            {
                "url": ctx.stack.api("/patients"),
                "method": "POST",
                "headers": practice.headers,
                "body_template": patient_body_template(),
                "number_offset": first_number,
                "max_seconds": WINDOW_SECONDS,
                "max_requests": MAX_REQUESTS,
            },
            concurrency,
        )
    ctx.details["patients_create"] = {"runs": runs}
