"""List and recall as the data grows: one practice of N patients, and N across 100 practices.

Patients are seeded straight into compliance's collection (see fixtures.py) in stages of
1k, 10k and 100k. At each stage the bench lists and recalls through the API, times
compliance's own repository call directly, and has the server explain the exact queries
that repository sent.
"""

from __future__ import annotations

import time
from typing import Any

from pymongo import AsyncMongoClient

from bench.benchmarks.growth_plans import CompliancePlans
from bench.context import BenchContext
from bench.fixtures import PracticeKey
from bench.plans import CommandCapture
from bench.schema import figure
from bench.stats import summarise
from sightsync.common.storage import Document
from sightsync.compliance.adapters.patients import MongoPatientRepository

SIZES = (1_000, 10_000, 100_000)
PRACTICES = 100
RECALLS_PER_STAGE = 5
LIST_LIMIT = 100
REPOSITORY_BUDGET_SECONDS = 10.0
REPOSITORY_SAMPLES = 3


async def growth(ctx: BenchContext) -> None:
    sizes = tuple(ctx.options.get("growth_sizes", SIZES))
    big = await ctx.practice()
    spread = await ctx.practices(PRACTICES, with_keys=1)
    capture = CommandCapture()
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        ctx.stack.database_url, event_listeners=[capture], tz_aware=True
    )
    repository = MongoPatientRepository(client[ctx.stack.database("compliance")])
    try:
        raw_find = await ctx.database_op("find", 1)
        stages = await _stages(ctx, sizes, big, spread, repository, capture, client)
    finally:
        await client.close()
    _figures(ctx, stages, raw_find)
    ctx.details["growth"] = {
        "sizes": sizes,
        "practices_in_spread": PRACTICES,
        "seeded": "directly into compliance's collection, copies of an API-created patient",
        "raw_find_baseline": raw_find,
        "stages": stages,
    }


async def _stages(
    ctx: BenchContext,
    sizes: tuple[int, ...],
    big: PracticeKey,
    spread: list[PracticeKey],
    repository: MongoPatientRepository,
    capture: CommandCapture,
    client: AsyncMongoClient[Document],
) -> list[dict[str, Any]]:
    # One budget for all the seeding (settling and measuring do not count against it):
    # SecantusDB's inserts slow down as the collection grows, and a run has minutes, not
    # tens of them. Past it, stages are measured at the sizes reached, and say so.
    budget = float(ctx.options.get("growth_seed_budget_seconds", 300.0))
    stages = []
    in_big, in_watched, spread_total = 0, 0, 0
    # Patients not yet recalled, newest last; recalled ones stay in their practice.
    big_ids: list[str] = []
    watched_ids: list[str] = []
    spread_ids = [practice.practice_id for practice in spread]
    for size in sizes:
        # Seeding is the database's busiest work here; nothing else should compete with it.
        await ctx.settle(max_seconds=60.0)
        started = time.monotonic()
        deadline = started + budget
        # The spread first: it answers whether other practices' data costs anything. It may
        # take half of what is left, so that a budget that runs out still grows both series.
        seeded = await ctx.seed_practices(
            spread_ids, max(0, size // PRACTICES - in_watched), started + budget / 2
        )
        spread_total += sum(len(ids) for ids in seeded.values())
        in_watched += len(seeded[spread_ids[0]])
        watched_ids += seeded[spread_ids[0]]
        added = await ctx.seed_patients(big.practice_id, max(0, size - in_big), deadline)
        in_big += len(added)
        big_ids += added
        seconds = time.monotonic() - started
        budget -= seconds
        _progress(
            f"growth: {in_big:,} in one practice, {spread_total:,} across {PRACTICES} "
            f"(target {size:,}) after {seconds:.1f}s of seeding"
        )
        await ctx.settle()

        measure = _Measure(ctx, repository, capture, client)
        one = await measure(f"1 practice of {in_big:,}", big, big_ids, in_big)
        across = await measure(
            f"{spread_total:,} across {PRACTICES} practices",
            spread[0],
            watched_ids,
            in_watched,
        )
        stages.append(
            {
                "target": size,
                "one_practice_size": in_big,
                "spread_total": spread_total,
                "reached": in_big >= size and spread_total >= size,
                "seed_seconds": round(seconds, 1),
                "one_practice": one,
                "spread": across,
            }
        )
    return stages


class _Measure:
    def __init__(
        self,
        ctx: BenchContext,
        repository: MongoPatientRepository,
        capture: CommandCapture,
        client: AsyncMongoClient[Document],
    ) -> None:
        self._ctx = ctx
        self._repository = repository
        self._plans = CompliancePlans(
            repository, capture, client[ctx.stack.database("compliance")], LIST_LIMIT
        )

    async def __call__(
        self, label: str, practice: PracticeKey, ids: list[str], practice_size: int
    ) -> dict[str, Any]:
        ctx = self._ctx
        samples = max(1, min(5, 50_000 // practice_size))
        listed = await ctx.http(
            f"growth list, {label}",
            ctx.stack.api(f"/patients?limit={LIST_LIMIT}"),
            1,
            headers=practice.headers,
            max_requests=samples,
            max_seconds=10.0,
            warmup_requests=1 if samples > 1 else 0,
        )
        await ctx.settle()
        recalled = await ctx.http(
            f"growth recall, {label}",
            ctx.stack.api("/recall"),
            1,
            method="POST",
            headers=practice.headers,
            bodies=[{"patient_id": patient_id} for patient_id in ids[-RECALLS_PER_STAGE:]],
            max_requests=RECALLS_PER_STAGE,
            max_seconds=10.0,
        )
        del ids[-RECALLS_PER_STAGE:]
        direct = await self._repository_timings(practice.practice_id)
        reads = await self._get_timings(practice.practice_id, ids[:REPOSITORY_SAMPLES])
        plans = await self._plans.explain(practice.practice_id, ids[0], practice_size)
        return {
            "practice_size": practice_size,
            "api_list": listed,
            "api_recall": recalled,
            "repository_page_ms": direct,
            "repository_get_ms": reads,
            "plans": plans,
        }

    async def _get_timings(self, practice_id: str, ids: list[str]) -> dict[str, Any]:
        """compliance's read of one patient, the first thing a recall decision does."""
        timings = []
        for patient_id in ids:
            started = time.perf_counter()
            await self._repository.get(practice_id, patient_id, None)
            timings.append((time.perf_counter() - started) * 1000)
        return summarise(timings)

    async def _repository_timings(self, practice_id: str) -> dict[str, Any]:
        """compliance's own `page()` call, timed from here: no bus, no HTTP."""
        timings: list[float] = []
        spent = 0.0
        while len(timings) < REPOSITORY_SAMPLES:
            started = time.perf_counter()
            await self._repository.page(
                practice_id, risk_category=None, due_before=None, limit=LIST_LIMIT, offset=0
            )
            timings.append((time.perf_counter() - started) * 1000)
            spent += timings[-1] / 1000
            if spent + timings[-1] / 1000 > REPOSITORY_BUDGET_SECONDS:
                break
        return summarise(timings)


def _figures(
    ctx: BenchContext,
    stages: list[dict[str, Any]],
    raw_find: dict[str, Any],
) -> None:
    raw_p50 = raw_find["latency_ms"].get("p50")
    for series, title, size_of in (
        ("one_practice", "1 practice of {size}", "one_practice_size"),
        ("spread", "{size} across 100 practices", "spread_total"),
    ):
        first = stages[0][series]
        for stage in stages:
            run = stage[series]
            where = title.format(size=f"{stage[size_of]:,}")
            smallest = stage is stages[0]
            short = (
                ""
                if stage[size_of] >= stage["target"]
                else (f"seeding budget spent: {stage[size_of]:,} of {stage['target']:,} seeded")
            )
            for what, value, first_value in (
                (
                    "GET /patients?limit=100 p50 (200s only)",
                    _ok_p50(run["api_list"]),
                    _ok_p50(first["api_list"]),
                ),
                (
                    "POST /recall p50",
                    _ok_p50(run["api_recall"], "202"),
                    _ok_p50(first["api_recall"], "202"),
                ),
                (
                    "compliance page() query p50",
                    run["repository_page_ms"].get("p50"),
                    first["repository_page_ms"].get("p50"),
                ),
                (
                    "compliance get() of one patient p50",
                    run["repository_get_ms"].get("p50"),
                    first["repository_get_ms"].get("p50"),
                ),
            ):
                ctx.figures.append(
                    figure(
                        "growth",
                        f"{what}, {where}",
                        value,
                        "ms",
                        baseline="raw indexed find p50"
                        if smallest
                        else f"same at {stages[0][size_of]:,} (this run)",
                        baseline_value=raw_p50 if smallest else first_value,
                        note="; ".join(part for part in (_note(run, what), short) if part),
                    )
                )


def _ok_p50(result: dict[str, Any], status: str = "200") -> float | None:
    p50: float | None = result["latency_ms_by_status"].get(status, {}).get("p50")
    return p50


def _note(run: dict[str, Any], what: str) -> str:
    if not what.startswith("GET"):
        return ""
    statuses = run["api_list"]["statuses"]
    odd = {status: n for status, n in statuses.items() if status != "200"}
    return f"answers: {statuses}" if odd else ""


def _progress(text: str) -> None:
    import sys

    sys.stderr.write(f"bench: {text}\n")
