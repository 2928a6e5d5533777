"""API key management, asked by the operators' CLI over the bus."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sightsync.common.bus.connection import BusUnavailable
from sightsync.common.bus.handlers import MessageContext
from sightsync.common.ids import new_id
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Refusal
from sightsync.gateway.domain.api_keys import ApiKey, generate_secret, hash_secret, key_hint
from sightsync.gateway.messages import (
    ApiKeyView,
    CreateApiKey,
    CreatedApiKey,
    ListApiKeys,
    RevokeApiKey,
)

log = get_logger(__name__)


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey) -> None: ...

    async def for_practice(self, practice_id: str) -> list[ApiKey]: ...

    async def revoke(self, key_id: str, at: datetime) -> ApiKey | None: ...


class PracticeDirectory(Protocol):
    async def exists(self, practice_id: str, *, correlation_id: str) -> bool: ...


class ApiKeyHandlers:
    def __init__(self, keys: ApiKeyRepository, practices: PracticeDirectory) -> None:
        self._keys = keys
        self._practices = practices

    async def create(self, message: CreateApiKey, context: MessageContext) -> CreatedApiKey:
        try:
            known = await self._practices.exists(
                message.practice_id, correlation_id=context.envelope.correlation_id
            )
        except BusUnavailable:
            raise Refusal(
                "compliance_unavailable", "Compliance did not answer; please retry", 503
            ) from None
        if not known:
            raise Refusal("practice_not_found", "Practice not found", 404)

        secret = generate_secret()
        key = ApiKey(
            id=new_id("key"),
            practice_id=message.practice_id,
            key_hash=hash_secret(secret),
            hint=key_hint(secret),
            created_at=context.clock.now(),
        )
        await self._keys.add(key)

        log.info("api_key_created", api_key_id=key.id, practice_id=key.practice_id)
        return CreatedApiKey(api_key=secret, id=key.id)

    async def list(self, message: ListApiKeys, context: MessageContext) -> dict[str, Any]:
        keys = await self._keys.for_practice(message.practice_id)
        return {"keys": [_view(key).model_dump(mode="json") for key in keys]}

    async def revoke(self, message: RevokeApiKey, context: MessageContext) -> ApiKeyView:
        key = await self._keys.revoke(message.key_id, context.clock.now())
        if key is None:
            raise Refusal("api_key_not_found", "API key not found", 404)
        log.info("api_key_revoked", api_key_id=key.id, practice_id=key.practice_id)
        return _view(key)


def _view(key: ApiKey) -> ApiKeyView:
    return ApiKeyView(
        id=key.id,
        practice_id=key.practice_id,
        hint=key.hint,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )
