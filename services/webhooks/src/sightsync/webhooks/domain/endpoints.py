"""A practice's webhook endpoint and the secrets it signs with."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

MAX_ENDPOINTS_PER_PRACTICE = 10


@dataclass(frozen=True)
class SealedSecret:
    """A signing secret as stored: sealed, with when it stops signing (None: never)."""

    sealed: str
    created_at: datetime
    expires_at: datetime | None = None

    def in_force(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass(frozen=True)
class Endpoint:
    id: str
    practice_id: str
    url: str
    events: tuple[str, ...]
    description: str | None
    enabled: bool
    secrets: tuple[SealedSecret, ...]
    created_at: datetime
    updated_at: datetime
    disabled_reason: str | None = None
    disabled_at: datetime | None = None
    failing_since: datetime | None = None
    consecutive_failures: int = 0

    def secrets_in_force(self, now: datetime) -> list[SealedSecret]:
        """Newest first: the current secret, then any predecessor still in its overlap."""
        return [secret for secret in self.secrets if secret.in_force(now)]

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in self.events


def rotated(
    secrets: tuple[SealedSecret, ...], new: SealedSecret, now: datetime, overlap: timedelta
) -> tuple[SealedSecret, ...]:
    """The new secret first; the current one signs for `overlap` more; expired ones go."""
    kept = []
    for secret in secrets:
        if not secret.in_force(now):
            continue
        if secret.expires_at is None:
            secret = replace(secret, expires_at=now + overlap)
        kept.append(secret)
    return (new, *kept)


def unique_events(events: list[str]) -> tuple[str, ...]:
    """Subscribed types in the order given, each once."""
    return tuple(dict.fromkeys(events))
