"""Fixed-window rate limiting per API key and the IETF RateLimit header fields.

A window is a clock-aligned minute (floor of epoch seconds / 60). Every request in it adds
one to a shared counter; over the limit, the request is refused until the window ends.
Headers follow draft-ietf-httpapi-ratelimit-headers (structured fields):
`RateLimit-Policy: "default";q=120;w=60` and `RateLimit: "default";r=57;t=23`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

POLICY_NAME: Final = "default"


@dataclass(frozen=True)
class RateLimitPolicy:
    limit: int
    window_seconds: int = 60

    def window_start(self, now: datetime) -> datetime:
        epoch = int(now.timestamp())
        return datetime.fromtimestamp(epoch - epoch % self.window_seconds, UTC)

    def window_end(self, now: datetime) -> datetime:
        return self.window_start(now) + timedelta(seconds=self.window_seconds)


@dataclass(frozen=True)
class RateLimitStatus:
    """Where one key stands after counting the current request."""

    policy: RateLimitPolicy
    used: int
    now: datetime
    reset_at: datetime

    @property
    def allowed(self) -> bool:
        return self.used <= self.policy.limit

    @property
    def remaining(self) -> int:
        return max(0, self.policy.limit - self.used)

    @property
    def reset_seconds(self) -> int:
        """Whole seconds until the window ends, rounded up so a client never retries early."""
        return max(1, math.ceil((self.reset_at - self.now).total_seconds()))


def policy_header(policy: RateLimitPolicy) -> str:
    return f'"{POLICY_NAME}";q={policy.limit};w={policy.window_seconds}'


def ratelimit_header(status: RateLimitStatus) -> str:
    return f'"{POLICY_NAME}";r={status.remaining};t={status.reset_seconds}'
