"""Two gateway replicas, the second a real process: one rate limit, revocation in < 1 s."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from sightsync.common.devstack import free_port
from sightsync.gateway.entrypoints.admin.client import AdminClient
from tests.support.api import PracticeKey, create_api_key, create_practice
from tests.support.system import RunningSystem

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def second_gateway(
    full_system: RunningSystem, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """Base URL of another gateway process on the same broker, database and clock."""
    port = free_port()
    env = {**os.environ, **full_system.env, "GATEWAY_PORT": str(port), "LOG_FORMAT": "json"}
    log_path = Path(tmp_path_factory.mktemp("gateway2")) / "gateway.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sightsync.gateway", env=env, stdout=log_file, stderr=log_file
        )
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(full_system.http, base, process, log_path)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _wait_ready(
    http: aiohttp.ClientSession, base: str, process: asyncio.subprocess.Process, log: Path
) -> None:
    for _ in range(150):
        if process.returncode is not None:
            raise RuntimeError(f"second gateway exited: {_tail(log)}")
        try:
            async with http.get(f"{base}/readyz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("second gateway not ready within 30 s")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


async def _key(admin: AdminClient) -> PracticeKey:
    practice = await create_practice(admin)
    return await create_api_key(admin, practice["id"])


async def _status(http: aiohttp.ClientSession, url: str, key: PracticeKey) -> int:
    # limit=0 is refused by the gateway itself: counted, authenticated, no backend needed.
    async with http.get(url, params={"limit": "0"}, headers=key.headers) as response:
        await response.read()
        return response.status


async def test_the_limit_is_shared_by_both_replicas(
    full_system: RunningSystem, admin: AdminClient, second_gateway: str
) -> None:
    key = await _key(admin)
    urls = [full_system.api("/patients"), f"{second_gateway}/api/v1/patients"]
    now = full_system.clock.now()
    if now.second >= 50:
        # Let the counts all land in one window.
        await asyncio.sleep(60.5 - now.second - now.microsecond / 1e6)

    statuses = [await _status(full_system.http, urls[n % 2], key) for n in range(120)]
    assert set(statuses) == {400}

    for url in urls:
        async with full_system.http.get(url, headers=key.headers) as response:
            body = await response.json()
            assert response.status == 429
            retry_after = int(response.headers["Retry-After"])
            assert 1 <= retry_after <= 60
            assert response.headers["RateLimit-Policy"] == '"default";q=120;w=60'
            assert response.headers["RateLimit"] == f'"default";r=0;t={retry_after}'
            assert body["error"]
            assert body["reset"].endswith(":00.000Z")

    other = await _key(admin)
    assert await _status(full_system.http, urls[1], other) == 400


async def test_a_revoked_key_is_refused_by_every_replica_within_a_second(
    full_system: RunningSystem,
    admin: AdminClient,
    second_gateway: str,
) -> None:
    key = await _key(admin)
    urls = [full_system.api("/patients"), f"{second_gateway}/api/v1/patients"]
    for url in urls:
        assert await _status(full_system.http, url, key) == 400

    loop = asyncio.get_running_loop()
    await admin.revoke_api_key(key.key_id)
    revoked_at = loop.time()
    latencies = []
    for url in urls:
        while await _status(full_system.http, url, key) != 401:
            assert loop.time() - revoked_at < 2.0, "revocation did not reach a replica"
            await asyncio.sleep(0.01)
        latencies.append(loop.time() - revoked_at)

    sys.stderr.write(f"revocation reached both replicas in {max(latencies):.3f} s\n")
    assert max(latencies) < 1.0, latencies
