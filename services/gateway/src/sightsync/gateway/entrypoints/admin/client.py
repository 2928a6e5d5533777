"""The operators' bus client: every admin operation is one request to a service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import Clock, clock_from_environment
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Request
from sightsync.common.messages.practices import CreatePractice, GetPractice, ListPractices
from sightsync.common.settings import CommonSettings
from sightsync.gateway.messages import CreateApiKey, ListApiKeys, RevokeApiKey

DEFAULT_TIMEOUT_SECONDS = 30.0
CONNECT_TIMEOUT_SECONDS = 15.0


class AdminError(Exception):
    """A request was refused or not answered; carries what the CLI prints on stderr."""

    def __init__(self, message: str, status: int, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details

    def as_json(self) -> dict[str, Any]:
        return {"error": self.message, "status": self.status, **self.details}


class AdminClient:
    def __init__(self, bus: Bus, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._bus = bus
        self._timeout = timeout

    async def ask(self, message: Request, *, practice_id: str | None = None) -> dict[str, Any]:
        """The reply's result, or AdminError with the refusal's status and details."""
        reply = await self._bus.request(
            message,
            correlation_id=new_id("req"),
            practice_id=practice_id,
            timeout=self._timeout,
        )
        if reply.ok:
            return reply.result or {}
        assert reply.error is not None
        raise AdminError(
            reply.error.message, reply.error.status, code=reply.error.code, **reply.error.details
        )

    async def create_practice(self, **fields: Any) -> dict[str, Any]:
        return await self.ask(CreatePractice(**fields))

    async def get_practice(self, practice_id: str) -> dict[str, Any]:
        return await self.ask(GetPractice(practice_id=practice_id), practice_id=practice_id)

    async def list_practices(self) -> dict[str, Any]:
        return await self.ask(ListPractices())

    async def create_api_key(self, practice_id: str) -> dict[str, Any]:
        """{"api_key": the secret, shown this once, "id": "key_..."}."""
        return await self.ask(CreateApiKey(practice_id=practice_id), practice_id=practice_id)

    async def list_api_keys(self, practice_id: str) -> dict[str, Any]:
        return await self.ask(ListApiKeys(practice_id=practice_id), practice_id=practice_id)

    async def revoke_api_key(self, key_id: str) -> dict[str, Any]:
        return await self.ask(RevokeApiKey(key_id=key_id))


@asynccontextmanager
async def connect(
    settings: CommonSettings,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    clock: Clock | None = None,
) -> AsyncIterator[AdminClient]:
    """A client on its own broker connection, closed on exit; it consumes nothing."""
    bus = Bus(
        "admin", settings.rabbitmq_url, clock or clock_from_environment(), request_timeout=timeout
    )
    await bus.start(timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        yield AdminClient(bus, timeout)
    finally:
        await bus.stop(grace=1)
