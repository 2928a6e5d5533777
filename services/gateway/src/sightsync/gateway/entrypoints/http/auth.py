"""Bearer API keys: who is calling, checked on every /api request.

Keys are looked up by their SHA-256 and cached for well under a second, so a revocation
reaches every replica within a second without any broadcast.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from sightsync.gateway.domain.api_keys import ApiKey, hash_secret, hashes_match, is_well_formed
from sightsync.gateway.entrypoints.http.context import Caller

CACHE_MAX_ENTRIES = 10_000


class KeyLookup(Protocol):
    async def by_hash(self, key_hash: str) -> ApiKey | None: ...


class ApiKeyAuthenticator:
    def __init__(
        self,
        keys: KeyLookup,
        *,
        cache_seconds: float = 0.5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keys = keys
        self._cache_seconds = cache_seconds
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, ApiKey]] = {}

    async def authenticate(self, secret: str) -> Caller | None:
        """The caller a key belongs to, or None for a malformed, unknown or revoked key."""
        if not is_well_formed(secret):
            return None
        presented = hash_secret(secret)
        key = await self._lookup(presented)
        if key is None or not key.active or not hashes_match(key.key_hash, presented):
            return None
        return Caller(api_key_id=key.id, practice_id=key.practice_id)

    async def _lookup(self, key_hash: str) -> ApiKey | None:
        now = self._monotonic()
        cached = self._cache.get(key_hash)
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        key = await self._keys.by_hash(key_hash)
        if key is None:
            self._cache.pop(key_hash, None)
            return None
        if self._cache_seconds > 0:
            if len(self._cache) >= CACHE_MAX_ENTRIES:
                self._cache.clear()
            self._cache[key_hash] = (now, key)
        return key
