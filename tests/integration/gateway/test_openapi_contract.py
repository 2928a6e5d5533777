"""The running gateway honours its OpenAPI document: schemathesis drives every operation.

All services run in-process; schemathesis runs as its own process against the gateway's
served document with a real API key, with every check enabled: no 500s, every status,
header, content type and body as documented, bad input refused, auth never ignored.
Seeded patients, a call, an appointment and a webhook endpoint give the id parameters
something real to find part of the time.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from sightsync.common.clock import clock_from_environment
from sightsync.common.ids import new_id
from sightsync.common.storage import create_client
from tests.support.api import PracticeKey, practice_with_key
from tests.support.backing import create_vhost, delete_vhost
from tests.support.system import RunningSystem, running_system

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

# A Tuesday at 10:00 in the UK (GMT): inside the calling window, so recalls are accepted.
WEEKDAY_MORNING = "2026-03-03T10:00:00+00:00"
# A fixed seed keeps CI repeatable; set CONTRACT_SEED (and CONTRACT_MAX_EXAMPLES) to explore.
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "20"))
SEED = int(os.environ.get("CONTRACT_SEED", "20260303"))
# Refusals of well-formed requests that the rules, not the shape, decide: documented answers.
BUSINESS_REFUSALS = [402, 404, 409, 422, 425, 429, 451]
# A webhook URL is vetted after DNS (400 with a reason); offline no https host resolves.
URL_VETTED = ("createWebhookEndpoint", "updateWebhookEndpoint")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
DOCUMENT = Path(__file__).parents[3] / "docs" / "openapi.json"
ARTIFACTS = Path("test-artifacts")
# Numbers in Ofcom's drama range; the last digit picks the simulated patient (9 books).
SEEDED_NUMBERS = ("07700 900109", "07700 900213", "07700 900317")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def contract_system(database_url: str) -> AsyncIterator[RunningSystem]:
    clock_env = {"SIGHTSYNC_NOW": WEEKDAY_MORNING, "SIGHTSYNC_NOW_ANCHOR": repr(time.time())}
    env = {
        **clock_env,
        # Schemathesis sends thousands of requests a minute with one key.
        "RATE_LIMIT_PER_MINUTE": "1000000",
        "DIALER_SIMULATED_STEP_SECONDS": "0",
    }
    vhost, broker_url = create_vhost()
    prefix = new_id("req").lower().replace("req_", "t")
    try:
        async with running_system(
            broker_url=broker_url,
            database_url=database_url,
            db_prefix=prefix,
            clock=clock_from_environment(clock_env),
            env=env,
        ) as system:
            yield system
    finally:
        client = create_client(database_url)
        for name in await client.list_database_names():
            if name.startswith(prefix):
                await client.drop_database(name)
        await client.close()
        delete_vhost(vhost)


async def _seed(system: RunningSystem, key: PracticeKey) -> dict[str, list[str]]:
    """Ids of real resources of the key's practice, by the parameter names that take them."""
    http = system.http

    async def call(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        async with http.request(method, system.api(path), headers=key.headers, **kwargs) as r:
            assert r.status < 300, await r.text()
            answer: dict[str, Any] = await r.json()
            return answer

    patients = [
        (await call("POST", "/patients", json={"first_name": "Sam", "phone_number": number}))[
            "patient"
        ]["id"]
        for number in SEEDED_NUMBERS
    ]
    recall = await call("POST", "/recall", json={"patient_id": patients[0]})
    endpoint = await call(
        "POST",
        "/webhook_endpoints",
        json={"url": "http://127.0.0.1:9/hooks", "events": ["appointment.booked"]},
    )
    endpoint_id = endpoint["endpoint"]["id"]
    ping = await call("POST", f"/webhook_endpoints/{endpoint_id}/test")

    appointments: list[str] = []
    for _ in range(100):
        page = await call("GET", "/appointments")
        appointments = [appointment["id"] for appointment in page["appointments"]]
        if appointments:
            break
        await asyncio.sleep(0.1)
    assert appointments, "the simulated patient ending in 9 should have booked"
    return {
        "patient_id": patients,
        "call_id": [recall["call_id"]],
        "appointment_id": appointments,
        "endpoint_id": [endpoint_id],
        "delivery_id": [ping["delivery_id"]],
    }


def _config(base_url: str, api_key: str, ids: dict[str, list[str]], report: Path) -> str:
    lines = [
        f'base-url = "{base_url}"',
        f'hooks = "{HOOKS}"',
        f"seed = {SEED}",
        # One worker: Python 3.11 keeps the AST builder's depth per interpreter, so two
        # threads describing Hypothesis filters at once fail with "recursion depth mismatch".
        "workers = 1",
        "[generation]",
        f"max-examples = {MAX_EXAMPLES}",
        # Nothing carried over from earlier runs: the same seed makes the same requests.
        'database = ":memory:"',
        "[phases.stateful]",
        "max-steps = 20",
        "[checks]",
        "enabled = true",
        f"positive_data_acceptance.expected-statuses = {['2xx', 401, *BUSINESS_REFUSALS]}",
        "[auth.openapi.ApiKey]",
        f'bearer = "{api_key}"',
        "[reports.json]",
        "enabled = true",
        f'path = "{report}"',
    ]
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}"]
    lines += [
        "[[operations]]",
        f"include-operation-id = {json.dumps(URL_VETTED)}",
        "checks.positive_data_acceptance.expected-statuses = "
        f"{['2xx', 400, 401, *BUSINESS_REFUSALS]}",
    ]
    lines.append("[parameters]")
    for name in ids:
        for location in ("path", "query", "body"):
            binding = f'{{ dictionary = "{name}", probability = 0.5 }}'
            lines.append(f'"{location}.{name}" = {binding}')
    return "\n".join(lines) + "\n"


@pytest.mark.timeout(300)
async def test_every_operation_answers_as_documented(
    contract_system: RunningSystem, tmp_path: Path
) -> None:
    key = await practice_with_key(contract_system)
    ids = await _seed(contract_system, key)
    config = tmp_path / "schemathesis.toml"
    report = tmp_path / "report.json"
    config.write_text(_config(contract_system.api(""), key.api_key, ids, report))

    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "--no-color",
        "run",
        contract_system.api("/openapi.json"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "CONTRACT_TODAY": WEEKDAY_MORNING[:10],
        },
    )
    output, _ = await process.communicate()
    elapsed = time.monotonic() - started

    text = output.decode(errors="replace")
    _keep_log(text)
    assert process.returncode == 0, text[-20_000:]
    figures = _read_json(report)
    # Every operation but GET /openapi.json, the document schemathesis loads and leaves out.
    assert figures["operations"]["tested"] == _documented_operations() - 1
    assert figures["test_cases"]["generated"] > 500
    assert elapsed < 180, f"schemathesis took {elapsed:.0f} s; keep the suite fast"


async def test_the_served_document_is_the_committed_one(contract_system: RunningSystem) -> None:
    async with contract_system.http.get(contract_system.api("/openapi.json")) as response:
        assert response.status == 200
        assert await response.json() == json.loads(DOCUMENT.read_text())


def _keep_log(text: str) -> None:
    """The run's output, with its figures, where CI keeps test artifacts."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis.log").write_text(text)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def _documented_operations() -> int:
    paths = json.loads(DOCUMENT.read_text())["paths"]
    return sum(len(item) for item in paths.values())
