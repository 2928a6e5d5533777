"""Per-patient limits on how often a recall call may be placed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sightsync.compliance.domain.uk_time import as_utc

MIN_GAP = timedelta(hours=24)
ROLLING_PERIOD = timedelta(days=30)
MAX_CALLS_PER_PERIOD = 3


class SpacingRule(StrEnum):
    MIN_GAP = "min_gap_24h"
    ROLLING_CAP = "rolling_cap_30d"


@dataclass(frozen=True)
class SpacingCheck:
    allowed: bool
    earliest_allowed_at: datetime
    # The rule that sets `earliest_allowed_at` when the call is not allowed yet.
    blocking_rule: SpacingRule | None


def check_call_spacing(previous_calls: Iterable[datetime], now: datetime) -> SpacingCheck:
    """Whether a call may be placed at `now` given earlier accepted calls, and if not, when."""
    now = as_utc(now)
    latest_first = sorted((as_utc(call) for call in previous_calls), reverse=True)
    if not latest_first:
        return SpacingCheck(allowed=True, earliest_allowed_at=now, blocking_rule=None)

    # Both thresholds are fixed points in time: once a rule passes it keeps passing.
    gap_passes_at = latest_first[0] + MIN_GAP
    cap_passes_at = now
    if len(latest_first) >= MAX_CALLS_PER_PERIOD:
        # A call exactly ROLLING_PERIOD ago has left the window, so the oldest of the
        # most recent MAX_CALLS_PER_PERIOD calls frees a slot at that moment.
        cap_passes_at = latest_first[MAX_CALLS_PER_PERIOD - 1] + ROLLING_PERIOD

    earliest = max(now, gap_passes_at, cap_passes_at)
    if earliest == now:
        return SpacingCheck(allowed=True, earliest_allowed_at=now, blocking_rule=None)
    rule = SpacingRule.ROLLING_CAP if cap_passes_at >= gap_passes_at else SpacingRule.MIN_GAP
    return SpacingCheck(allowed=False, earliest_allowed_at=earliest, blocking_rule=rule)
