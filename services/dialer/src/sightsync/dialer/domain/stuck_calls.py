"""What to do with a call whose progress reports stopped: the provider's word decides.

A call is overdue when it is still unanswered well past the ring timeout, or still in
conversation past the longest call we allow. Its final callback may have been lost, or the
process playing it may have died; the provider is asked, and its answer picks the remedy.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from sightsync.dialer.domain.provider_events import ProviderEventKind

# Reports that say the provider still has the call going.
LIVE_REPORTS: Final = frozenset(
    {ProviderEventKind.INITIATED, ProviderEventKind.RINGING, ProviderEventKind.ANSWERED}
)


class Remedy(StrEnum):
    SETTLE = "settle"
    """End the call: with the provider's final status, or as lost when it has none."""
    ANSWER = "answer"
    """The provider says it was answered; the answered report was lost."""
    HANG_UP = "hang_up"
    """Still live at the provider past the longest call we allow: ask it to end the call."""
    WAIT = "wait"
    """Still live and within bounds: look again on a later sweep."""


def remedy(phase: str, reported: ProviderEventKind | None, past_hard_limit: bool) -> Remedy:
    """The remedy for a call in `phase` that the provider reports as `reported` (None: the
    provider has no record of it)."""
    if reported is None or reported not in LIVE_REPORTS:
        return Remedy.SETTLE
    if reported is ProviderEventKind.ANSWERED and phase in ("calling", "ringing"):
        return Remedy.ANSWER
    return Remedy.HANG_UP if past_hard_limit else Remedy.WAIT


def past_hard_limit(
    now: datetime, placed_at: datetime | None, answered_at: datetime | None, max_call: timedelta
) -> bool:
    """True when the call has lasted longer than any recall call should, ringing included."""
    started = answered_at or placed_at
    return started is not None and now - started > max_call
