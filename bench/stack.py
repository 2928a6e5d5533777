"""The system under test, started the way `make run` starts it, and the baseline processes.

`make run` is `python -m sightsync.common.devstack run`: the supervisor starts the embedded
database under SIGHTSYNC_DATA_DIR and the services with their logs interleaved. The bench
runs that same command with its own data directory under a temp dir, free loopback ports,
a fresh RabbitMQ vhost (so nothing else on the broker is touched), a deployment clock on a
weekday 10:00 UK, and the knobs below; the supervisor's output goes to a log file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import psutil

from sightsync.common.clock import anchored_environment
from sightsync.common.devstack import SERVICES, ensure_rabbitmq, free_port, service_command
from sightsync.common.ids import new_id
from sightsync.common.settings import DEFAULT_RABBITMQ_URL
from sightsync.compliance.domain.bank_holidays import Nation, is_bank_holiday

UK = ZoneInfo("Europe/London")
READY_TIMEOUT_SECONDS = 90.0

# Generous enough that the shared limiter is never what a throughput figure measures;
# one benchmark runs a second gateway with the real default limit.
GENEROUS_RATE_LIMIT = 1_000_000
# Pacing and per-practice line limits are deliberate throttles; raised so that dispatch
# latency measures the pipeline rather than the throttle.
BENCH_SETTINGS = {
    "RATE_LIMIT_PER_MINUTE": str(GENEROUS_RATE_LIMIT),
    "DIALER_CALLS_PER_SECOND": "1000",
    "DIALER_MAX_CONCURRENT_CALLS_PER_PRACTICE": "10000",
    "TELEPHONY": "simulated",
    "WEBHOOK_ALLOW_LOOPBACK_HTTP": "true",
    "HTTP_HOST": "127.0.0.1",
    "LOG_LEVEL": "INFO",
    "LOG_FORMAT": "json",
}


def weekday_morning(today: date) -> datetime:
    """10:00 UK time on the first weekday after `today` that is not an English bank holiday.

    A future instant keeps TTL-expired documents (rate-limit windows) alive as they would
    be in production, and inside the calling window every recall is accepted.
    """
    day = today + timedelta(days=1)
    while day.weekday() >= 5 or is_bank_holiday(day, Nation.ENGLAND):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UK)


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def fresh_vhost(base_url: str) -> Iterator[str]:
    """A new RabbitMQ vhost for this run, deleted afterwards; yields its URL."""
    ensure_rabbitmq(base_url)
    name = new_id("req").lower().replace("req_", "bench-")
    parts = urlsplit(base_url)
    _rabbitmqctl("add_vhost", name)
    try:
        _rabbitmqctl("set_permissions", "-p", name, parts.username or "guest", ".*", ".*", ".*")
        yield urlunsplit(parts._replace(path="/" + quote(name, safe="")))
    finally:
        _rabbitmqctl("delete_vhost", name)


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait(check: object, timeout: float, what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited before {what}; see the log")
        if callable(check) and check():
            return
        time.sleep(0.25)
    raise RuntimeError(f"{what} not within {timeout:.0f}s")


@dataclass
class RunningStack:
    """The supervisor, its processes by name, and how to reach them."""

    env: dict[str, str]
    ports: dict[str, int]
    database_url: str
    pids: dict[str, int]
    log_path: Path
    now: datetime
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}{path}"

    def api(self, path: str) -> str:
        return self.url("gateway", f"/api/v1{path}")

    def database(self, service: str) -> str:
        return f"{self.env.get('SIGHTSYNC_DB_PREFIX', 'sightsync')}_{service}"


@contextlib.contextmanager
def running_stack(rabbitmq_url: str, work_dir: Path) -> Iterator[RunningStack]:
    """`devstack run` on free ports with the bench's settings; stopped with SIGINT after."""
    now = weekday_morning(datetime.now(UK).date())
    ports = {name: free_port() for name, _, _ in SERVICES}
    env = {key: value for key, value in os.environ.items() if key != "MONGODB_URL"}
    env.update(BENCH_SETTINGS)
    env.update(
        {
            "RABBITMQ_URL": rabbitmq_url,
            "SIGHTSYNC_DATA_DIR": str(work_dir / "data"),
            "SIGHTSYNC_NOW": now.isoformat(),
            **{variable: str(ports[name]) for name, variable, _ in SERVICES},
        }
    )
    # Fixed here rather than by the supervisor, so the bench shares the services' clock.
    env = anchored_environment(env)
    log_path = work_dir / "devstack.log"
    with log_path.open("wb") as log_file:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "sightsync.common.devstack", "run"],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait(
            lambda: all(_ready(port) for port in ports.values()),
            READY_TIMEOUT_SECONDS,
            "every service ready",
            supervisor,
        )
        pids, database_port = _children(supervisor.pid)
        stack = RunningStack(
            env=env,
            ports=ports,
            database_url=f"mongodb://127.0.0.1:{database_port}/?directConnection=true",
            pids={"supervisor": supervisor.pid, **pids},
            log_path=log_path,
            now=now,
        )
        try:
            yield stack
        finally:
            for process in stack.extra:
                _stop(process)
    finally:
        _stop(supervisor, timeout=60)


def _children(supervisor_pid: int) -> tuple[dict[str, int], int]:
    """Each service's pid, the database's pid and the database's port."""
    pids: dict[str, int] = {}
    database_port = 0
    for child in psutil.Process(supervisor_pid).children(recursive=True):
        command = " ".join(child.cmdline())
        if "secantusd" in command:
            pids["database"] = child.pid
            arguments = child.cmdline()
            database_port = int(arguments[arguments.index("--port") + 1])
            continue
        for name, _, _ in SERVICES:
            if f"sightsync-{name}" in command or f"sightsync.{name}" in command:
                pids[name] = child.pid
    missing = {name for name, _, _ in SERVICES} - set(pids)
    if missing or not database_port:
        raise RuntimeError(f"could not find processes: {sorted(missing) or 'database'}")
    return pids, database_port


def start_process(
    stack: RunningStack, args: list[str], env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """A helper process (baseline server, extra replica) stopped with the stack."""
    with stack.log_path.open("ab") as log_file:
        process = subprocess.Popen(
            args,
            env=env or stack.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack.extra.append(process)
    return process


def start_gateway_replica(
    stack: RunningStack, **settings: str
) -> tuple[subprocess.Popen[bytes], int]:
    """One more gateway on its own port against the same broker and database."""
    port = free_port()
    env = {
        **stack.env,
        "GATEWAY_PORT": str(port),
        "MONGODB_URL": stack.database_url,
        **settings,
    }
    process = start_process(stack, service_command("gateway"), env)
    _wait(lambda: _ready(port), READY_TIMEOUT_SECONDS, "the extra gateway ready", process)
    return process, port


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    def answers() -> bool:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bare", timeout=1) as response,
        ):
            return bool(response.status == 200)
        return False

    _wait(answers, timeout, f"a server on port {port}", process)


def _stop(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# Memory-backed, when the machine has it: on a shared VM the disk is the noisiest resource,
# and the embedded database waits on it (fsync) rather than computing.
TMPFS = Path("/dev/shm")  # noqa: S108 - mkdtemp makes a private dir inside it
TMPFS_HEADROOM_BYTES = 4 * 1024**3


def scratch_root(on_disk: bool) -> Path | None:
    """Where the run's temp dir goes: tmpfs with room to spare, else the default temp dir."""
    if on_disk or not TMPFS.is_dir():
        return None
    return TMPFS if shutil.disk_usage(TMPFS).free > TMPFS_HEADROOM_BYTES else None


@contextlib.contextmanager
def work_directory(keep: bool, on_disk: bool = False) -> Iterator[Path]:
    """A temp dir for the run's data and logs; kept when asked or when the run failed."""
    path = Path(tempfile.mkdtemp(prefix="sightsync-bench-", dir=scratch_root(on_disk)))
    failed = False
    try:
        yield path
    except BaseException:
        failed = True
        raise
    finally:
        if keep or failed:
            sys.stderr.write(f"bench: data and logs kept in {path}\n")
        else:
            shutil.rmtree(path, ignore_errors=True)


def default_rabbitmq_url() -> str:
    return os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)
