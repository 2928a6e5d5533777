"""What every benchmark gets: the running stack, the load generator, monitors and fixtures."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from pymongo import AsyncMongoClient

from bench.fixtures import (
    PatientSeeder,
    PhoneBlocks,
    PracticeKey,
    create_patient_via_api,
    phone_number,
)
from bench.fixtures import create_practices as _create_practices
from bench.monitor import ProcessMonitor, cpu_delta
from bench.profile import record
from bench.schema import Figure
from bench.servers.echo_responder import EXCHANGE, ROUTING_KEY
from bench.servers.echo_responder import QUEUE as ECHO_QUEUE
from bench.stack import RunningStack, start_process, wait_for_port
from sightsync.common.devstack import SERVICES, free_port
from sightsync.common.storage import Document

SERVICE_NAMES = tuple(name for name, _, _ in SERVICES)
# What "the system" is when asking whether it has gone quiet.
SYSTEM_PROCESSES = (*SERVICE_NAMES, "database")
QUIET_FRACTION_OF_A_CORE = 0.15
BASELINE_DATABASE = "bench_baseline"


@dataclass
class BenchContext:
    stack: RunningStack
    monitor: ProcessMonitor
    mongo: AsyncMongoClient[Document]
    options: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    baselines: list[dict[str, Any]] = field(default_factory=list)
    profiles: dict[str, Any] = field(default_factory=dict)
    phones: PhoneBlocks = field(default_factory=PhoneBlocks)
    _bare_port: int | None = None
    _echo_started: bool = False
    _seeder: PatientSeeder | None = None

    # ----- load -----------------------------------------------------------------------

    async def load(
        self, label: str, scenario: dict[str, Any], profile: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Run one scenario in a fresh load-generator process; CPU per process attached.

        With `--profile`, the processes named in `profile` are sampled while it runs.
        """
        profiling = self._profile(profile, float(scenario["max_seconds"]))
        before = self.monitor.cpu_seconds()
        ops_before = await self.database_operations()
        self.monitor.mark()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.loadgen",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        output, _ = await process.communicate(json.dumps(scenario).encode())
        if process.returncode != 0:
            raise RuntimeError(f"the load generator failed on {label}")
        result: dict[str, Any] = json.loads(output)
        cpu = cpu_delta(before, self.monitor.cpu_seconds())
        cpu["loadgen"] = result["loadgen_cpu_seconds"]
        ops = await self.database_operations()
        result["db_operations"] = {kind: ops[kind] - ops_before.get(kind, 0) for kind in ops}
        if result["requests"]:
            total = sum(result["db_operations"].values())
            result["db_operations_per_request"] = round(total / result["requests"], 1)
        result["cpu_seconds"] = cpu
        result["peak_rss_mib"] = self.monitor.peaks_since_mark_mib()
        result["label"] = label
        if profiling is not None:
            self.profiles[label] = await profiling
        _progress(label, result)
        return result

    def _profile(
        self, names: tuple[str, ...], seconds: float
    ) -> asyncio.Task[dict[str, Any]] | None:
        if not (names and self.options.get("profile")):
            return None
        pids = {name: self.stack.pids[name] for name in names if name in self.stack.pids}
        return asyncio.create_task(record(pids, seconds, self.stack.log_path.parent))

    async def http(
        self,
        label: str,
        url: str,
        concurrency: int,
        profile: tuple[str, ...] = (),
        **options: Any,
    ) -> dict[str, Any]:
        scenario = {
            "kind": "http",
            "url": url,
            "concurrency": concurrency,
            "max_requests": options.pop("max_requests", 5000),
            "max_seconds": options.pop("max_seconds", 4.0),
            "warmup_requests": options.pop("warmup_requests", 2 * concurrency),
            **options,
        }
        return await self.load(label, scenario, profile)

    async def database_operations(self) -> dict[str, int]:
        """The database server's operation counters (everything it served, not only us)."""
        status = await self.mongo.admin.command("serverStatus")
        counters = status.get("opcounters", {})
        return {kind: int(value) for kind, value in counters.items()}

    # ----- baselines --------------------------------------------------------------------

    async def bare_http(self, concurrency: int, seconds: float = 2.0) -> dict[str, Any]:
        """The bare aiohttp handler at this concurrency, through the same load generator."""
        if self._bare_port is None:
            port = free_port()
            process = start_process(
                self.stack, [sys.executable, "-m", "bench.servers.bare_http", "--port", str(port)]
            )
            wait_for_port(port, process)
            self.monitor.track("bare-http", process.pid)
            self._bare_port = port
        result = await self.http(
            f"baseline bare aiohttp c={concurrency}",
            f"http://127.0.0.1:{self._bare_port}/bare",
            concurrency,
            max_seconds=seconds,
            max_requests=100_000,
        )
        self._baseline("bare_aiohttp", result)
        return result

    async def echo_rpc(self, concurrency: int, seconds: float = 2.0) -> dict[str, Any]:
        """A raw aio-pika request/reply round trip to the echo responder."""
        if not self._echo_started:
            process = start_process(
                self.stack,
                [
                    sys.executable,
                    "-m",
                    "bench.servers.echo_responder",
                    "--url",
                    self.stack.env["RABBITMQ_URL"],
                ],
            )
            await self._until_consumed(ECHO_QUEUE)
            self.monitor.track("echo-responder", process.pid)
            self._echo_started = True
        result = await self.load(
            f"baseline raw request/reply c={concurrency}",
            {
                "kind": "amqp_rpc",
                "url": self.stack.env["RABBITMQ_URL"],
                "exchange": EXCHANGE,
                "routing_key": ROUTING_KEY,
                "concurrency": concurrency,
                "max_requests": 50_000,
                "max_seconds": seconds,
                "warmup_requests": 10,
            },
        )
        self._baseline("raw_request_reply", result)
        return result

    async def database_op(self, op: str, concurrency: int, seconds: float = 2.0) -> dict[str, Any]:
        """Raw single-document inserts or indexed finds on the system's database server."""
        result = await self.load(
            f"baseline raw db {op} c={concurrency}",
            {
                "kind": "mongo",
                "url": self.stack.database_url,
                "database": BASELINE_DATABASE,
                "collection": "documents",
                "op": op,
                "concurrency": concurrency,
                "max_requests": 50_000,
                "max_seconds": seconds,
                "warmup_requests": 10,
            },
        )
        self._baseline(f"raw_db_{op}", result)
        return result

    async def _until_consumed(self, queue_name: str, timeout: float = 30.0) -> None:
        """Wait until a consumer is attached to the queue (the responder is serving)."""
        connection = await aio_pika.connect(self.stack.env["RABBITMQ_URL"])
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                channel = await connection.channel()
                try:
                    queue = await channel.declare_queue(queue_name, passive=True)
                    if queue.declaration_result.consumer_count:
                        return
                except aio_pika.exceptions.ChannelClosed:
                    pass  # not declared yet; the passive declare closed the channel
                await asyncio.sleep(0.2)
        finally:
            await connection.close()
        raise RuntimeError(f"nothing consumes {queue_name} within {timeout:.0f}s")

    def _baseline(self, name: str, result: dict[str, Any]) -> None:
        self.baselines.append(
            {
                "baseline": name,
                "concurrency": result["concurrency"],
                "throughput_per_second": result["throughput_per_second"],
                "latency_ms": result["latency_ms"],
                "requests": result["requests"],
            }
        )

    # ----- fixtures ---------------------------------------------------------------------

    async def practices(self, count: int, *, with_keys: int = 0) -> list[PracticeKey]:
        return await _create_practices(self.stack, count, with_keys=with_keys)

    async def practice(self) -> PracticeKey:
        return (await self.practices(1, with_keys=1))[0]

    async def seeder(self) -> PatientSeeder:
        """Learns the stored shape of a patient created through the API, once."""
        if self._seeder is None:
            owner = await self.practice()
            created = await create_patient_via_api(
                self.stack, owner, phone_number(self.phones.take(1))
            )
            seeder = PatientSeeder(self.mongo, self.stack)
            await seeder.learn_template(created["id"])
            self._seeder = seeder
        return self._seeder

    async def seed_patients(
        self, practice_id: str, count: int, deadline: float | None = None
    ) -> list[str]:
        seeder = await self.seeder()
        return await seeder.seed(practice_id, self.phones.take(count), count, deadline)

    async def seed_practices(
        self, practice_ids: list[str], count_each: int, deadline: float | None = None
    ) -> dict[str, list[str]]:
        seeder = await self.seeder()
        first = self.phones.take(count_each * len(practice_ids))
        return await seeder.seed_many(practice_ids, first, count_each, deadline)

    # ----- pacing -----------------------------------------------------------------------

    async def settle(self, max_seconds: float = 30.0) -> float:
        """Wait until the system's processes are nearly idle; returns how long that took."""
        started = time.monotonic()
        names = [name for name in SYSTEM_PROCESSES if name in self.monitor.names()]
        while time.monotonic() - started < max_seconds:
            busy = await asyncio.to_thread(self.monitor.busy_fraction, names, 1.0)
            if busy < QUIET_FRACTION_OF_A_CORE:
                break
        return round(time.monotonic() - started, 1)


def _progress(label: str, result: dict[str, Any]) -> None:
    latency = result.get("latency_ms", {})
    sys.stderr.write(
        f"bench: {label:<48} {result['requests']:>6} in {result['elapsed_seconds']:>6.2f}s "
        f"{result['throughput_per_second'] or 0:>9.1f}/s p50 {latency.get('p50', 0):>8.2f} ms "
        f"p99 {latency.get('p99', 0):>8.2f} ms {result.get('statuses')}\n"
    )
