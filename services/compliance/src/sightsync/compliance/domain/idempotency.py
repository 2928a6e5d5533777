"""Idempotency keys on recall requests: when a key replays its call and when it is free again.

The gateway keeps its own record of each key for a day, but that record can be lost (a 503
releases it), so the accepted call carries the key too. A key is the caller's for as long
as the API contract keeps it, and only for the request first made under it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from enum import Enum
from typing import Final

# The API contract's retention, the same as the gateway's records.
KEY_RETENTION: Final = timedelta(hours=24)


class KeyVerdict(Enum):
    REPLAY = "replay"
    MISMATCH = "mismatch"
    EXPIRED = "expired"


def request_fingerprint(patient_id: str) -> str:
    """What a recall request asks, minus its key and the practice the key is scoped to."""
    canonical = json.dumps({"patient_id": patient_id}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def judge_key(
    earlier_fingerprint: str, accepted_at: datetime, fingerprint: str, now: datetime
) -> KeyVerdict:
    """What a request under a key does when a call accepted at `accepted_at` holds it."""
    if now - accepted_at >= KEY_RETENTION:
        return KeyVerdict.EXPIRED
    if earlier_fingerprint != fingerprint:
        return KeyVerdict.MISMATCH
    return KeyVerdict.REPLAY
