"""Standard Webhooks signatures: HMAC-SHA256 over "{id}.{timestamp}.{body}", base64."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"  # noqa: S105 - the public prefix of every secret, not a secret
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret, `whsec_` then base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a signing secret starts with whsec_")
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(
    secrets_in_force: Sequence[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three signature headers; one signature per secret in force, space-separated."""
    if not secrets_in_force:
        raise ValueError("an endpoint always has at least one secret in force")
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, message_id, timestamp, body) for secret in secrets_in_force
        ),
    }
