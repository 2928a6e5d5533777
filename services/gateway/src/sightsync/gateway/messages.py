"""The gateway's private requests: API key management, asked by the operators' CLI."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from sightsync.common.messages.base import Request
from sightsync.common.messages.registry import register


class ApiKeyView(BaseModel):
    """An API key as operators see it: never the secret, only its last characters."""

    model_config = ConfigDict(frozen=True)

    id: str
    practice_id: str
    hint: str
    created_at: datetime
    revoked_at: datetime | None


class CreatedApiKey(BaseModel):
    """The one reply that carries the secret; it is not stored and cannot be shown again."""

    model_config = ConfigDict(frozen=True)

    api_key: str
    id: str


class CreateApiKey(Request):
    """Issue a key for an existing practice (checked with compliance). Replies CreatedApiKey."""

    message_type: ClassVar[str] = "api_key.create"
    owner: ClassVar[str] = "gateway"

    practice_id: str


class ListApiKeys(Request):
    """Replies {"keys": [ApiKeyView, ...]}, oldest first."""

    message_type: ClassVar[str] = "api_key.list"
    owner: ClassVar[str] = "gateway"

    practice_id: str


class RevokeApiKey(Request):
    """Revoke a key for good; revoking twice is harmless. Replies ApiKeyView; 404 if unknown."""

    message_type: ClassVar[str] = "api_key.revoke"
    owner: ClassVar[str] = "gateway"

    key_id: str


register(CreateApiKey, ListApiKeys, RevokeApiKey)
