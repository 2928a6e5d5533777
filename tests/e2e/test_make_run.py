"""`make run` as a developer runs it: the supervisor, every service, the demo key.

Started exactly as the Makefile starts it, on free ports, with its own data directory
(so its own embedded database) and a fresh broker vhost; driven over HTTP only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sightsync.common.devstack import SERVICES, free_port
from tests.support.backing import create_vhost, delete_vhost

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

BIN = Path(sys.executable).parent
READY_WITHIN_SECONDS = 60
# A Tuesday at 10:00 in the UK: inside the calling window.
WEEKDAY_MORNING = "2026-03-03T10:00:00+00:00"


@pytest.fixture
def broker_vhost() -> Iterator[str]:
    name, url = create_vhost()
    yield url
    delete_vhost(name)


def _http(method: str, url: str, body: Any = None, key: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, method=method)  # noqa: S310 - our own http URLs
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if key is not None:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local http
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _ready(port: int) -> bool:
    try:
        return _http("GET", f"http://127.0.0.1:{port}/readyz")[0] == 200
    except OSError:
        return False


def _wait_for(check: Any, timeout: float, what: str, process: subprocess.Popen[bytes]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert process.poll() is None, f"the stack exited before {what}"
        if check():
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"{what} within {timeout} s")


def _recall(api: str, api_key: str, number: str) -> str:
    status, upserted = _http(
        "POST", f"{api}/patients", {"first_name": "Sam", "phone_number": number}, api_key
    )
    assert status == 200, upserted
    patient_id: str = upserted["patient"]["id"]
    status, recall = _http("POST", f"{api}/recall", {"patient_id": patient_id}, api_key)
    assert status == 202, recall
    assert recall["status"] == "calling"
    return patient_id


def _recall_books_and_opts_out_within_five_seconds(
    api: str, api_key: str, process: subprocess.Popen[bytes]
) -> None:
    """The simulated patient ending in 1 books; the one ending in 6 presses 9 to opt out."""
    booking = _recall(api, api_key, "07700900001")
    opting_out = _recall(api, api_key, "07700900006")

    def booked() -> bool:
        status, body = _http("GET", f"{api}/appointments?patient_id={booking}", key=api_key)
        return (
            status == 200 and body["total"] == 1 and body["appointments"][0]["status"] == "booked"
        )

    def opted_out() -> bool:
        status, body = _http("GET", f"{api}/patients/{opting_out}", key=api_key)
        return status == 200 and body["patient"]["opted_out"] is True

    booked_after = _wait_for(booked, 5, "the appointment booked", process)
    opted_out_after = _wait_for(opted_out, 5, "the opt-out recorded", process)
    sys.stderr.write(
        f"make run: booked after {booked_after:.2f} s, opted out after {opted_out_after:.2f} s\n"
    )
    status, refused = _http("POST", f"{api}/recall", {"patient_id": opting_out}, api_key)
    assert status == 409, refused

    status, usage = _http("GET", f"{api}/usage", key=api_key)
    assert status == 200, usage
    # The two accepted calls, and not the refused one: what compliance enforced.
    assert usage["calls"]["used"] == 2


def test_make_run_serves_the_api_and_stops_cleanly(tmp_path: Path, broker_vhost: str) -> None:
    # Every service the supervisor runs (the four of the recall flow, and any added since).
    ports = {name: free_port() for name, _, _ in SERVICES}
    data_dir = tmp_path / "data"
    env = {key: value for key, value in os.environ.items() if key != "MONGODB_URL"}
    env.update(
        {
            "RABBITMQ_URL": broker_vhost,
            "SIGHTSYNC_DATA_DIR": str(data_dir),
            "SIGHTSYNC_NOW": WEEKDAY_MORNING,
            "SIGHTSYNC_AFTER_READY": f"{BIN / 'sightsync-admin'} demo --if-new",
            "WEBHOOK_ALLOW_LOOPBACK_HTTP": "true",
            "HTTP_HOST": "127.0.0.1",
            **{variable: str(ports[name]) for name, variable, _ in SERVICES},
        }
    )
    log_path = tmp_path / "make-run.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(BIN / "python"), "-m", "sightsync.common.devstack", "run"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        ready_after = _wait_for(
            lambda: all(_ready(port) for port in ports.values()),
            READY_WITHIN_SECONDS,
            "every service ready",
            process,
        )
        sys.stderr.write(f"make run: {len(ports)} /readyz 200 after {ready_after:.1f} s\n")

        key_file = data_dir / "demo-api-key"
        _wait_for(key_file.exists, 30, "the demo key saved", process)
        api_key = key_file.read_text().strip()
        assert api_key.startswith("nvc_live_")

        api = f"http://127.0.0.1:{ports['gateway']}/api/v1"
        _recall_books_and_opts_out_within_five_seconds(api, api_key, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
    assert code == 0, log_path.read_text(errors="replace")[-3000:]
