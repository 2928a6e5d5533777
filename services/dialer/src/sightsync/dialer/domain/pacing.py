"""Account-wide pacing as a token bucket kept in one number: the next free instant.

This is the generic cell rate algorithm: a bucket refilling at `rate` tokens a second and
holding `burst` tokens lets a call through at `now` when its theoretical arrival time is
no more than (burst - 1) intervals ahead. Keeping a single instant makes the bucket easy to
share between replicas with one compare-and-set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PaceDecision:
    allowed: bool
    next_free: datetime
    """The bucket's new theoretical arrival time (store it when `allowed`)."""
    retry_at: datetime
    """When a call refused now would be let through; equals `now` when allowed."""


def interval_for(calls_per_second: float) -> timedelta:
    if calls_per_second <= 0:
        raise ValueError("the call rate must be positive")
    return timedelta(seconds=1 / calls_per_second)


def take_token(
    now: datetime, next_free: datetime | None, interval: timedelta, burst: int = 1
) -> PaceDecision:
    """Try to take one token at `now` from a bucket whose state is `next_free`."""
    if burst < 1:
        raise ValueError("a bucket holds at least one token")
    arrival = now if next_free is None or next_free < now else next_free
    earliest = arrival - interval * (burst - 1)
    if earliest > now:
        return PaceDecision(allowed=False, next_free=arrival, retry_at=earliest)
    return PaceDecision(allowed=True, next_free=arrival + interval, retry_at=now)
