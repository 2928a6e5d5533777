"""Idempotency keys: what a retry with the same `Idempotency-Key` header gets back.

The first request under a key records a fingerprint of what it asked and, once answered,
the answer. A retry that asks the same thing gets that answer replayed; one that asks
something else is refused; one that arrives while the first is still running is told so,
unless the first has held its lease so long that its process must have died.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Final

HEADER: Final = "Idempotency-Key"
_KEY_PATTERN: Final = re.compile(r"^[\x21-\x7e]{1,255}$")


class Verdict(Enum):
    REPLAY = "replay"
    MISMATCH = "mismatch"
    IN_FLIGHT = "in_flight"
    TAKE_OVER = "take_over"


@dataclass(frozen=True)
class IdempotencyRecord:
    scoped_key: str
    fingerprint: str
    started_at: datetime
    status: int | None = None
    body: dict[str, Any] | None = None

    @property
    def completed(self) -> bool:
        return self.status is not None


def is_valid_key(value: str) -> bool:
    """1 to 255 visible ASCII characters (a UUID is the usual choice)."""
    return _KEY_PATTERN.fullmatch(value) is not None


def scoped_key(api_key_id: str, header_value: str) -> str:
    """Keys belong to one API key: two practices may pick the same header value."""
    return f"{api_key_id}:{header_value}"


def fingerprint(method: str, path: str, body: dict[str, Any]) -> str:
    """The same request in any key order or spacing has the same fingerprint."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def judge(
    record: IdempotencyRecord, request_fingerprint: str, now: datetime, lease: timedelta
) -> Verdict:
    """What to do with a request whose key is already recorded."""
    if record.fingerprint != request_fingerprint:
        return Verdict.MISMATCH
    if record.completed:
        return Verdict.REPLAY
    if now - record.started_at < lease:
        return Verdict.IN_FLIGHT
    return Verdict.TAKE_OVER
