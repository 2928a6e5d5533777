"""Helpers for tests that use the public API: practices and keys made as sightsync-admin
makes them (requests on the bus), and sessions that send the key."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from sightsync.gateway.entrypoints.admin.client import AdminClient, connect
from sightsync.gateway.settings import GatewaySettings
from tests.support.system import RunningSystem


@dataclass(frozen=True)
class PracticeKey:
    """A practice and one API key for it."""

    practice_id: str
    api_key: str
    key_id: str

    @property
    def headers(self) -> dict[str, str]:
        return auth_headers(self.api_key)


@asynccontextmanager
async def admin_client(env: Mapping[str, str], timeout: float = 10.0) -> AsyncIterator[AdminClient]:
    """The CLI's bus client, configured from a system's environment."""
    async with connect(GatewaySettings.model_validate(dict(env)), timeout=timeout) as client:
        yield client


async def create_practice(client: AdminClient, **fields: Any) -> dict[str, Any]:
    """`sightsync-admin practices create`; returns the PracticeView as a dict."""
    return await client.create_practice(**{"name": "Test Opticians", **fields})


async def create_api_key(client: AdminClient, practice_id: str) -> PracticeKey:
    """`sightsync-admin keys create --practice ID`."""
    created = await client.create_api_key(practice_id)
    return PracticeKey(practice_id=practice_id, api_key=created["api_key"], key_id=created["id"])


async def practice_with_key(system: RunningSystem, **practice_fields: Any) -> PracticeKey:
    """A new practice (defaults: starter, england, active) and a key for it."""
    async with admin_client(system.env) as client:
        practice = await create_practice(client, **practice_fields)
        return await create_api_key(client, practice["id"])


def auth_headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


@asynccontextmanager
async def api_session(system: RunningSystem, api_key: str) -> AsyncIterator[aiohttp.ClientSession]:
    """A session whose requests carry the key; paths are relative to /api/v1/."""
    async with aiohttp.ClientSession(
        base_url=system.url("gateway", "/api/v1/"), headers=auth_headers(api_key)
    ) as session:
        yield session
