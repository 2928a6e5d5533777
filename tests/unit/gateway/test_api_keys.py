"""API key format, hashing, comparison and the short-lived lookup cache."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sightsync.gateway.domain.api_keys import (
    ApiKey,
    bearer_token,
    generate_secret,
    hash_secret,
    hashes_match,
    is_well_formed,
    key_hint,
)
from sightsync.gateway.entrypoints.http.auth import ApiKeyAuthenticator

CREATED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_generated_keys_are_prefixed_urlsafe_and_unique() -> None:
    keys = {generate_secret() for _ in range(200)}

    assert len(keys) == 200
    for key in keys:
        assert key.startswith("nvc_live_")
        assert is_well_formed(key)
        assert set(key.removeprefix("nvc_live_")) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )


def test_malformed_keys_are_recognised_without_a_lookup() -> None:
    good = generate_secret()

    assert not is_well_formed("")
    assert not is_well_formed(good[:-1])
    assert not is_well_formed(good + "A")
    assert not is_well_formed(good.replace("nvc_live_", "nvc_test_"))
    assert not is_well_formed(good[:-1] + "=")


def test_the_stored_hash_is_the_hex_sha256_of_the_whole_key() -> None:
    key = generate_secret()

    assert hash_secret(key) == hashlib.sha256(key.encode()).hexdigest()
    assert hashes_match(hash_secret(key), hash_secret(key))
    assert not hashes_match(hash_secret(key), hash_secret(generate_secret()))


def test_the_hint_shows_only_the_last_four_characters() -> None:
    key = generate_secret()

    assert key_hint(key) == f"nvc_live_…{key[-4:]}"
    assert key[9:-4] not in key_hint(key)


def test_bearer_tokens_are_read_case_insensitively_and_nothing_else_is() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer   abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer") is None
    assert bearer_token("Bearer a b") is None
    assert bearer_token(None) is None


class CountingKeys:
    def __init__(self, key: ApiKey) -> None:
        self.key = key
        self.lookups = 0

    async def by_hash(self, key_hash: str) -> ApiKey | None:
        self.lookups += 1
        return self.key if key_hash == self.key.key_hash else None


def _stored(secret: str, revoked_at: datetime | None = None) -> ApiKey:
    return ApiKey(
        id="key_1",
        practice_id="prac_1",
        key_hash=hash_secret(secret),
        hint=key_hint(secret),
        created_at=CREATED,
        revoked_at=revoked_at,
    )


async def test_a_known_key_authenticates_as_its_practice() -> None:
    secret = generate_secret()
    authenticator = ApiKeyAuthenticator(CountingKeys(_stored(secret)))

    caller = await authenticator.authenticate(secret)

    assert caller is not None
    assert (caller.api_key_id, caller.practice_id) == ("key_1", "prac_1")
    assert await authenticator.authenticate(generate_secret()) is None
    assert await authenticator.authenticate("nvc_live_short") is None


async def test_a_revoked_key_is_refused_once_the_cache_entry_is_older_than_its_ttl() -> None:
    secret = generate_secret()
    keys = CountingKeys(_stored(secret))
    now = [100.0]
    authenticator = ApiKeyAuthenticator(keys, cache_seconds=0.5, monotonic=lambda: now[0])

    assert await authenticator.authenticate(secret) is not None
    keys.key = _stored(secret, revoked_at=CREATED)
    now[0] += 0.4
    assert await authenticator.authenticate(secret) is not None
    assert keys.lookups == 1

    now[0] += 0.2
    assert await authenticator.authenticate(secret) is None
    assert keys.lookups == 2
