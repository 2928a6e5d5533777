"""API keys: their format, how they are hashed and compared. Secrets are never stored."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

KEY_PREFIX: Final = "nvc_live_"
SECRET_BYTES: Final = 32
# token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
_KEY_PATTERN: Final = re.compile(r"^nvc_live_[A-Za-z0-9_-]{43}$")
_BEARER: Final = re.compile(r"^Bearer +(?P<token>\S+) *$", re.IGNORECASE)


@dataclass(frozen=True)
class ApiKey:
    id: str
    practice_id: str
    key_hash: str
    hint: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def generate_secret() -> str:
    """A new key such as `nvc_live_3q2...`: 256 bits from the OS's secure generator."""
    return KEY_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    """What the database keeps and looks keys up by: the SHA-256 of the whole key, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def is_well_formed(secret: str) -> bool:
    return _KEY_PATTERN.fullmatch(secret) is not None


def hashes_match(stored_hash: str, presented_hash: str) -> bool:
    """Constant-time comparison, so response timing says nothing about a stored hash."""
    return hmac.compare_digest(stored_hash.encode(), presented_hash.encode())


def key_hint(secret: str) -> str:
    """Enough of a key for an operator to tell keys apart, too little to use it."""
    return f"{KEY_PREFIX}…{secret[-4:]}"


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None when malformed."""
    if not authorization:
        return None
    match = _BEARER.fullmatch(authorization.strip())
    return match.group("token") if match else None
