"""When to try a delivery again, and when an endpoint has failed for long enough to stop."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

# 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 24 h, 24 h: ten attempts over about 3.2 days.
DEFAULT_SCHEDULE_SECONDS: tuple[float, ...] = (
    5,
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    10 * 3600,
    24 * 3600,
    24 * 3600,
)


class Verdict(Enum):
    SUCCEEDED = "succeeded"
    GONE = "gone"
    RETRY = "retry"


def verdict(status_code: int | None) -> Verdict:
    """Any 2xx is delivered; 410 means the receiver wants no more; everything else retries."""
    if status_code is not None and 200 <= status_code < 300:
        return Verdict.SUCCEEDED
    if status_code == 410:
        return Verdict.GONE
    return Verdict.RETRY


@dataclass(frozen=True)
class RetryPolicy:
    delays: tuple[float, ...] = DEFAULT_SCHEDULE_SECONDS
    # +-20 %: receivers that failed together are not all retried in the same second.
    jitter: float = 0.2
    disable_after: timedelta = timedelta(hours=72)

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def next_attempt_at(
        self,
        now: datetime,
        attempts_made: int,
        max_attempts: int,
        rng: random.Random | None = None,
    ) -> datetime | None:
        """When to try again after `attempts_made` failures, or None when none are left."""
        if attempts_made >= max_attempts or attempts_made > len(self.delays):
            return None
        spread = (rng or random).uniform(1 - self.jitter, 1 + self.jitter)
        return now + timedelta(seconds=self.delays[attempts_made - 1] * spread)

    def should_disable(self, failing_since: datetime | None, now: datetime) -> bool:
        """True once an endpoint has not accepted a single delivery for `disable_after`."""
        return failing_since is not None and now - failing_since >= self.disable_after
