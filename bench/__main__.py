"""`python -m bench`: start the system as `make run` does, run the benchmarks, write results.

A full run writes bench/results/latest.json and latest.md; a run of some benchmarks only
(`--only a,b`) writes bench/results/only-<names>.json and .md instead, so it never
replaces the committed full results.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from pymongo import AsyncMongoClient

from bench import machine, report
from bench.benchmarks import BENCHMARKS
from bench.context import BenchContext
from bench.monitor import ProcessMonitor
from bench.schema import SCHEMA_VERSION, problems
from bench.stack import (
    RunningStack,
    default_rabbitmq_url,
    fresh_vhost,
    running_stack,
    work_directory,
)
from sightsync.common.logging import configure_logging
from sightsync.common.storage import Document

RESULTS = Path(__file__).parent / "results"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only", default="", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--list", action="store_true", help="print the benchmark names and exit")
    parser.add_argument("--events", type=int, default=50_000, help="backlog size for `events`")
    parser.add_argument(
        "--drain-cap", type=float, default=100.0, help="seconds before `events` extrapolates"
    )
    parser.add_argument(
        "--growth-sizes", default="1000,10000,100000", help="patients per series at each stage"
    )
    parser.add_argument(
        "--growth-seed-budget",
        type=float,
        default=300.0,
        help="seconds `growth` may spend seeding in all; stages past it are measured as reached",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where results are written")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dir and logs")
    parser.add_argument(
        "--on-disk",
        action="store_true",
        help="keep the data dir on disk rather than tmpfs (/dev/shm)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the busiest processes with py-spy (perturbs the figures a little)",
    )
    return parser.parse_args(argv)


def selected_benchmarks(only: str) -> list[str]:
    """The benchmarks to run, in the full run's order; unknown names are an error."""
    if not only.strip():
        return list(BENCHMARKS)
    wanted = {name.strip() for name in only.split(",") if name.strip()}
    unknown = wanted - set(BENCHMARKS)
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    return [name for name in BENCHMARKS if name in wanted]


def output_stem(selected: Sequence[str]) -> str:
    return "latest" if list(selected) == list(BENCHMARKS) else "only-" + "-".join(selected)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.list:
        sys.stdout.write("\n".join(BENCHMARKS) + "\n")
        return
    selected = selected_benchmarks(args.only)
    # The admin client's bus logs like a service's; only its warnings belong on stderr.
    configure_logging("bench", "WARNING", "console")
    options = {
        "events": args.events,
        "drain_cap_seconds": args.drain_cap,
        "growth_sizes": [int(size) for size in args.growth_sizes.split(",")],
        "growth_seed_budget_seconds": args.growth_seed_budget,
        "profile": args.profile,
    }
    described = machine.describe()
    started = time.monotonic()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    with (
        work_directory(args.keep, args.on_disk) as work,
        fresh_vhost(default_rabbitmq_url()) as vhost,
        running_stack(vhost, work) as stack,
    ):
        sys.stderr.write(f"bench: system ready; deployment clock at {stack.now.isoformat()}\n")
        outcome = asyncio.run(run(stack, selected, options))
    document = {
        "schema_version": SCHEMA_VERSION,
        "machine": described,
        "run": {
            "started_at": started_at,
            "duration_seconds": round(time.monotonic() - started, 1),
            "selected": selected,
            "options": options,
            "deployment_clock": stack.now.isoformat(),
            "data_dir": str(stack.env["SIGHTSYNC_DATA_DIR"]),
            "settings": _settings(stack),
            "benchmark_seconds": outcome["timings"],
        },
        "figures": [item.as_json() for item in outcome["context"].figures],
        "baselines": outcome["context"].baselines,
        "benchmarks": outcome["context"].details,
        "processes": outcome["processes"],
        "profiles": outcome["context"].profiles,
    }
    _write(document, args.output, output_stem(selected))


async def run(
    stack: RunningStack, selected: Sequence[str], options: dict[str, Any]
) -> dict[str, Any]:
    monitor = ProcessMonitor()
    for name, pid in stack.pids.items():
        monitor.track(name, pid)
    monitor.track("orchestrator", os.getpid())
    broker = _broker_pid()
    if broker is not None:
        monitor.track("broker", broker, shared=True)
    monitor.start()
    mongo: AsyncMongoClient[Document] = AsyncMongoClient(stack.database_url, tz_aware=True)
    ctx = BenchContext(stack=stack, monitor=monitor, mongo=mongo, options=options)
    timings: dict[str, float] = {}
    try:
        for name in selected:
            sys.stderr.write(f"bench: --- {name} ---\n")
            began = time.monotonic()
            await BENCHMARKS[name](ctx)
            timings[name] = round(time.monotonic() - began, 1)
    finally:
        monitor.stop()
        await mongo.close()
    return {"context": ctx, "processes": monitor.summary(), "timings": timings}


def _broker_pid() -> int | None:
    """The local RabbitMQ node's VM, which every vhost (and every other user) shares."""
    for process in psutil.process_iter(["name"]):
        if process.info["name"] == "beam.smp":
            return int(process.pid)
    return None


def _settings(stack: RunningStack) -> dict[str, str]:
    keys = (
        "RATE_LIMIT_PER_MINUTE",
        "DIALER_CALLS_PER_SECOND",
        "DIALER_MAX_CONCURRENT_CALLS_PER_PRACTICE",
        "TELEPHONY",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "PREFETCH_COUNT",
        "RPC_TIMEOUT_SECONDS",
    )
    return {key: stack.env[key] for key in keys if key in stack.env}


def _write(document: dict[str, Any], output: Path, stem: str) -> None:
    found = problems(document)
    if found:
        raise SystemExit("bench: results do not match the schema:\n" + "\n".join(found))
    output.mkdir(parents=True, exist_ok=True)
    (output / f"{stem}.json").write_text(json.dumps(document, indent=1, default=str) + "\n")
    table = report.render(document)
    (output / f"{stem}.md").write_text(table)
    sys.stdout.write(table)
    sys.stderr.write(f"bench: wrote {output / stem}.json and .md\n")


if __name__ == "__main__":
    main()
