from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aio_pika
import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright

from sightsync.common.bus import topology
from sightsync.common.clock import SystemClock, clock_from_environment
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Request
from sightsync.common.messages.registry import all_message_classes
from sightsync.common.storage import create_client
from sightsync.gateway.adapters.api_keys import MongoApiKeyRepository
from sightsync.gateway.domain.api_keys import ApiKey, generate_secret, hash_secret, key_hint
from sightsync.gateway.entrypoints.admin.client import AdminClient
from tests.support.api import PracticeKey, admin_client
from tests.support.backing import create_vhost, delete_vhost
from tests.support.system import RunningSystem, running_system

# Debian's chromium (SYSTEM_PACKAGES in the Makefile), driven by Playwright; Playwright's
# own browser downloads are never used.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path("test-artifacts")


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """Where browser tests leave their screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not at {CHROMIUM}; `make system-deps` installs it")
    return CHROMIUM


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium(chromium_path: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        await browser.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def gateway_alone(database_url: str) -> AsyncIterator[RunningSystem]:
    """Only the gateway, with compliance's request queue left behind by a stopped compliance:
    requests are accepted by the broker and never answered, so they time out (after 1 s)."""
    async with _fresh_backing(database_url) as (broker_url, prefix):
        await _declare_stopped_compliance(broker_url)
        async with running_system(
            broker_url=broker_url,
            database_url=database_url,
            db_prefix=prefix,
            clock=SystemClock(),
            services=("gateway",),
            env={"RPC_TIMEOUT_SECONDS": "1"},
        ) as system:
            yield system


async def stored_key(system: RunningSystem, practice_id: str | None = None) -> PracticeKey:
    """A key written straight into the gateway's database, for when compliance is absent
    (issuing one through the CLI asks compliance whether the practice exists)."""
    db = system.apps["gateway"].db
    assert db is not None
    secret = generate_secret()
    key = ApiKey(
        id=new_id("key"),
        practice_id=practice_id or new_id("prac"),
        key_hash=hash_secret(secret),
        hint=key_hint(secret),
        created_at=system.clock.now(),
    )
    await MongoApiKeyRepository(db).add(key)
    return PracticeKey(practice_id=key.practice_id, api_key=secret, key_id=key.id)


@asynccontextmanager
async def _fresh_backing(database_url: str) -> AsyncIterator[tuple[str, str]]:
    """A vhost and a database prefix for one module, both removed afterwards."""
    vhost, broker_url = create_vhost()
    prefix = new_id("req").lower().replace("req_", "t")
    try:
        yield broker_url, prefix
    finally:
        client = create_client(database_url)
        for name in await client.list_database_names():
            if name.startswith(prefix):
                await client.drop_database(name)
        await client.close()
        delete_vhost(vhost)


async def _declare_stopped_compliance(broker_url: str) -> None:
    requests = sorted(
        name
        for name, cls in all_message_classes().items()
        if issubclass(cls, Request) and cls.owner == "compliance"
    )
    connection = await aio_pika.connect(broker_url)
    async with connection:
        channel = await connection.channel()
        exchanges = await topology.declare_exchanges(channel)
        await topology.declare_service_queues(
            channel,
            exchanges,
            "compliance",
            commands=[],
            events=[],
            requests=requests,
            delivery_limit=5,
        )


# A weekday at 10:00 in the UK (GMT): inside the calling window, so recalls are accepted.
WEEKDAY_MORNING = "2026-03-03T10:00:00+00:00"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def full_system(database_url: str) -> AsyncIterator[RunningSystem]:
    """All four services, shared by a module's tests (each makes its own practices)."""
    clock_env = {"SIGHTSYNC_NOW": WEEKDAY_MORNING, "SIGHTSYNC_NOW_ANCHOR": repr(time.time())}
    async with (
        _fresh_backing(database_url) as (broker_url, prefix),
        running_system(
            broker_url=broker_url,
            database_url=database_url,
            db_prefix=prefix,
            clock=clock_from_environment(clock_env),
            env=clock_env,
        ) as system,
    ):
        yield system


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(full_system: RunningSystem) -> AsyncIterator[AdminClient]:
    async with admin_client(full_system.env) as client:
        yield client
