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

from bench.context import BenchContext
from bench.fixtures import PracticeKey
from bench.plans import CommandCapture, equality_fields, index_provides_sort, summarise_plan
from bench.schema import figure
from bench.stats import summarise
from sightsync.common.storage import Document
from sightsync.compliance.adapters.indexes import COMPLIANCE_INDEXES
from sightsync.compliance.adapters.patients import PATIENTS, MongoPatientRepository

SIZES = (1_000, 10_000, 100_000)
PRACTICES = 100
RECALLS_PER_STAGE = 5
LIST_LIMIT = 100
REPOSITORY_BUDGET_SECONDS = 15.0
REPOSITORY_SAMPLES = 3
# Executing an explain costs a whole query; above this the plan is read without running it.
EXECUTED_EXPLAIN_UP_TO = 10_000
# The commands `_plans` makes the repository send, in order.
_ROLES = ("list_find", "list_count", "recall_get")


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
    _figures(ctx, sizes, stages, raw_find)
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
    stages = []
    in_big, per_practice = 0, 0
    big_ids: list[str] = []
    watched_ids: list[str] = []
    for size in sizes:
        # Seeding is the database's busiest work here; nothing else should compete with it.
        await ctx.settle(max_seconds=60.0)
        started = time.monotonic()
        big_ids += await ctx.seed_patients(big.practice_id, size - in_big)
        each = size // PRACTICES
        seeded_spread = await ctx.seed_practices(
            [practice.practice_id for practice in spread], each - per_practice
        )
        watched_ids += seeded_spread[spread[0].practice_id]
        in_big, per_practice = size, each
        seeded = time.monotonic() - started
        _progress(f"growth: seeded to {size:,} per series in {seeded:.1f}s")
        await ctx.settle()

        measure = _Measure(ctx, repository, capture, client)
        one = await measure(f"1 practice of {size:,}", big, big_ids, size)
        across = await measure(
            f"{size:,} across {PRACTICES} practices", spread[0], watched_ids, each
        )
        stages.append(
            {"size": size, "seed_seconds": round(seeded, 1), "one_practice": one, "spread": across}
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
        self._capture = capture
        self._client = client

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
        plans = await self._plans(practice, ids[0], practice_size)
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

    async def _plans(
        self, practice: PracticeKey, patient_id: str, practice_size: int
    ) -> dict[str, Any]:
        """Explain the list's find and count, and the recall's patient read, as sent."""
        self._capture.commands.clear()
        self._capture.recording = True
        try:
            await self._repository.page(
                practice.practice_id, risk_category=None, due_before=None, limit=1, offset=0
            )
            await self._repository.get(practice.practice_id, patient_id, None)
        finally:
            self._capture.recording = False
        verbosity = "executionStats" if practice_size <= EXECUTED_EXPLAIN_UP_TO else "queryPlanner"
        database = self._client[self._ctx.stack.database("compliance")]
        explained: dict[str, Any] = {}
        for role, command in zip(_ROLES, self._capture.commands, strict=False):
            if role == "list_find":
                # Explain the page the API asks for, not the probe's one-document page.
                command = {**command, "limit": LIST_LIMIT}
            try:
                result = await database.command({"explain": command, "verbosity": verbosity})
            except Exception as error:  # noqa: BLE001 - an unexplainable command is reported, not fatal
                explained[role] = {"command": _printable(command), "error": str(error)}
                continue
            summary = summarise_plan(result)
            if role == "list_find" and summary["key_pattern"]:
                summary["index_provides_sort_on_mongodb"] = index_provides_sort(
                    summary["key_pattern"],
                    equality_fields(command.get("filter", {})),
                    list(command.get("sort", {}).items()),
                )
            explained[role] = {
                "command": _printable(command),
                "verbosity": verbosity,
                "plan": summary,
            }
            if role == "list_find":
                explained["list_find_hinted"] = await self._hinted(database, command, verbosity)
        return explained

    async def _hinted(
        self, database: Any, command: dict[str, Any], verbosity: str
    ) -> dict[str, Any]:
        """The same find pinned to the index compliance declares for it, for comparison.

        That is the index MongoDB's rule says returns this query's keys already sorted;
        the hint is the bench's, never the product's.
        """
        declared = sorting_index(command)
        if declared is None:
            return {"error": "no declared index provides this sort"}
        hinted = {**command, "hint": declared}
        try:
            result = await database.command({"explain": hinted, "verbosity": verbosity})
        except Exception as error:  # noqa: BLE001 - reported beside the plan, not fatal
            return {"command": _printable(hinted), "error": str(error)}
        summary = summarise_plan(result)
        summary["index_provides_sort_on_mongodb"] = True
        return {"command": _printable(hinted), "verbosity": verbosity, "plan": summary}


def sorting_index(command: dict[str, Any]) -> str | None:
    """The name of compliance's declared patients index that serves the find's sort."""
    equal = equality_fields(command.get("filter", {}))
    sort = list(command.get("sort", {}).items())
    for spec in COMPLIANCE_INDEXES:
        if spec.collection != PATIENTS:
            continue
        for index in spec.indexes:
            document = index.document
            if index_provides_sort(dict(document["key"]), equal, sort):
                return str(document["name"])
    return None


def _printable(command: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in command.items() if key != "$db"}


def _figures(
    ctx: BenchContext,
    sizes: tuple[int, ...],
    stages: list[dict[str, Any]],
    raw_find: dict[str, Any],
) -> None:
    raw_p50 = raw_find["latency_ms"].get("p50")
    for series, title in (
        ("one_practice", "1 practice of {size}"),
        ("spread", "{size} across 100 practices"),
    ):
        first = stages[0][series]
        for stage in stages:
            run = stage[series]
            where = title.format(size=f"{stage['size']:,}")
            smallest = stage is stages[0]
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
                        else f"same at {sizes[0]:,} (this run)",
                        baseline_value=raw_p50 if smallest else first_value,
                        note=_note(run, what),
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
