"""Local stack for `make run`, `make test` and benchmarks.

Starts what the services need when it is not already there (RabbitMQ, and the embedded
SecantusDB server when MONGODB_URL is unset), then runs every service under one
supervisor with their logs prefixed, and stops everything cleanly on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from sightsync.common.clock import anchored_environment
from sightsync.common.settings import DEFAULT_RABBITMQ_URL

SERVICES: tuple[tuple[str, str, int], ...] = (
    ("compliance", "COMPLIANCE_PORT", 8081),
    ("dialer", "DIALER_PORT", 8082),
    ("outcomes", "OUTCOMES_PORT", 8083),
    ("webhooks", "WEBHOOKS_PORT", 8084),
    ("gateway", "GATEWAY_PORT", 8080),
)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _wait_until(check: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} was not ready within {timeout:.0f}s")


def ensure_rabbitmq(url: str = DEFAULT_RABBITMQ_URL, timeout: float = 90.0) -> None:
    """Make sure a broker answers at `url`, starting the local one if it is installed."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5672
    if _port_open(host, port):
        return
    if shutil.which("rabbitmq-server") is None or host not in {"127.0.0.1", "localhost"}:
        raise SystemExit(
            f"RabbitMQ is not reachable at {host}:{port}. Install it (Debian: "
            "`apt-get install rabbitmq-server`) or run `docker compose up -d rabbitmq mongo`, "
            "or point RABBITMQ_URL at a running broker."
        )
    print(f"devstack: starting rabbitmq-server on {host}:{port}", file=sys.stderr)  # noqa: T201 - operator feedback before logging exists
    subprocess.run(["rabbitmq-server", "-detached"], check=False)  # noqa: S607 - found on PATH above
    _wait_until(lambda: _port_open(host, port), timeout, "RabbitMQ")
    if shutil.which("rabbitmqctl"):
        subprocess.run(  # noqa: S603 - fixed arguments
            ["rabbitmqctl", "await_startup", "--timeout", str(int(timeout))],  # noqa: S607
            check=False,
            capture_output=True,
        )


@dataclass
class EmbeddedMongo:
    """A SecantusDB server on a free local port, file-backed under `storage`."""

    storage: Path
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self, timeout: float = 60.0) -> str:
        executable = shutil.which("secantusd-py") or str(
            Path(sys.executable).with_name("secantusd-py")
        )
        self.storage.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        with (self.storage.parent / "secantusd.log").open("ab") as log_file:
            self.process = self._spawn(executable, log_file)
        _wait_until(self._answers, timeout, "the embedded database")
        return self.url

    def _spawn(self, executable: str, log_file: IO[bytes]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603 - our own pinned dependency's script
            [
                executable,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--storage-path",
                str(self.storage),
                "--log-level",
                "WARNING",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError("the embedded database exited; see secantusd.log in the data dir")
        return _port_open("127.0.0.1", self.port)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def backing_services(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Yield an environment whose RABBITMQ_URL and MONGODB_URL both answer."""
    env = dict(env)
    ensure_rabbitmq(env.setdefault("RABBITMQ_URL", DEFAULT_RABBITMQ_URL))
    mongo: EmbeddedMongo | None = None
    if not env.get("MONGODB_URL"):
        data_dir = Path(env.get("SIGHTSYNC_DATA_DIR", ".data"))
        mongo = EmbeddedMongo(data_dir / "mongo")
        env["MONGODB_URL"] = mongo.start()
    try:
        yield env
    finally:
        if mongo is not None:
            mongo.stop()


def service_command(service: str) -> list[str]:
    """How to start a service: its console script next to this interpreter."""
    script = Path(sys.executable).with_name(f"sightsync-{service}")
    return [str(script)] if script.exists() else [sys.executable, "-m", f"sightsync.{service}"]


async def _pump(prefix: str, stream: asyncio.StreamReader) -> None:
    width = max(len(name) for name, _, _ in SERVICES)
    while line := await stream.readline():
        sys.stdout.write(f"{prefix:<{width}} | {line.decode(errors='replace')}")
        sys.stdout.flush()


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


async def supervise(env: dict[str, str], services: Sequence[str], ready_timeout: float) -> int:
    """Run the services until Ctrl-C or one of them exits; return an exit code."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    processes: dict[str, asyncio.subprocess.Process] = {}
    pumps = []
    for name, port_var, default_port in SERVICES:
        if name not in services:
            continue
        env.setdefault(port_var, str(default_port))
        process = await asyncio.create_subprocess_exec(
            *service_command(name),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        processes[name] = process
        assert process.stdout is not None
        pumps.append(asyncio.create_task(_pump(name, process.stdout)))

    ports = {name: int(env[var]) for name, var, _ in SERVICES if name in processes}
    exited = [asyncio.create_task(p.wait()) for p in processes.values()]
    started = time.monotonic()
    announced = False
    code = 0
    while not stop.is_set():
        if any(task.done() for task in exited):
            code = 1
            sys.stderr.write("devstack: a service exited; stopping the others\n")
            break
        if not announced and all(_ready(port) for port in ports.values()):
            announced = True
            elapsed = time.monotonic() - started
            sys.stderr.write(
                f"devstack: all services ready in {elapsed:.1f}s; gateway on "
                f"http://127.0.0.1:{ports.get('gateway', 8080)}\n"
            )
            await _after_ready(env)
        elif not announced and time.monotonic() - started > ready_timeout:
            sys.stderr.write(f"devstack: services not ready within {ready_timeout:.0f}s\n")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)

    for process in processes.values():
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    await asyncio.wait(exited, timeout=30)
    for process in processes.values():
        if process.returncode is None:
            process.kill()
    await asyncio.gather(*pumps, return_exceptions=True)
    return code


async def _after_ready(env: dict[str, str]) -> None:
    """Run the first-start hook (demo practice and key) once the system is ready."""
    hook = env.get("SIGHTSYNC_AFTER_READY", "")
    if not hook:
        return
    process = await asyncio.create_subprocess_exec(*hook.split(), env=env)
    await process.wait()


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m sightsync.common.devstack run|backing`."""
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__)
    parser.add_argument("command", choices=["run", "backing", "ensure-rabbitmq"])
    parser.add_argument("--services", default=",".join(name for name, _, _ in SERVICES))
    parser.add_argument("--ready-timeout", type=float, default=60.0)
    args = parser.parse_args(argv)

    env = anchored_environment(dict(os.environ))
    env.setdefault("TELEPHONY", "simulated")
    if args.command == "ensure-rabbitmq":
        ensure_rabbitmq(env.setdefault("RABBITMQ_URL", DEFAULT_RABBITMQ_URL))
        return
    with backing_services(env) as env:
        if args.command == "backing":
            sys.stdout.write(
                f"RABBITMQ_URL={env['RABBITMQ_URL']}\nMONGODB_URL={env['MONGODB_URL']}\n"
            )
            sys.stdout.flush()
            signals = {signal.SIGINT, signal.SIGTERM}
            signal.pthread_sigmask(signal.SIG_BLOCK, signals)
            signal.sigwait(signals)
            return
        code = asyncio.run(supervise(env, args.services.split(","), args.ready_timeout))
    raise SystemExit(code)


if __name__ == "__main__":
    main()
