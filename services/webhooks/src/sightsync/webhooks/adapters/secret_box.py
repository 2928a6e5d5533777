"""Signing secrets at rest: sealed with Fernet when keys are configured.

Secrets must be recoverable to sign with, so they cannot be hashed like API keys. A key
list (newest first) lets operators rotate the encryption key without losing old secrets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cryptography.fernet import Fernet, MultiFernet

_FERNET = "fernet:"
_PLAIN = "plain:"


class SecretBox(Protocol):
    def seal(self, secret: str) -> str: ...

    def open(self, sealed: str) -> str: ...


class FernetSecretBox:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one Fernet key is needed")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def seal(self, secret: str) -> str:
        return _FERNET + self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        if sealed.startswith(_PLAIN):
            return sealed.removeprefix(_PLAIN)
        return self._fernet.decrypt(sealed.removeprefix(_FERNET).encode()).decode()


class PlainSecretBox:
    """For local runs without WEBHOOK_SECRETS_KEYS; the service warns when it uses this."""

    def seal(self, secret: str) -> str:
        return _PLAIN + secret

    def open(self, sealed: str) -> str:
        if not sealed.startswith(_PLAIN):
            raise ValueError("this secret was sealed with a key; set WEBHOOK_SECRETS_KEYS")
        return sealed.removeprefix(_PLAIN)


def secret_box(keys: Sequence[str]) -> SecretBox:
    return FernetSecretBox(keys) if keys else PlainSecretBox()
