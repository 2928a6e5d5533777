"""Whether a recall call may be placed now: every compliance rule, checked in a fixed order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from sightsync.compliance.domain.bank_holidays import Nation
from sightsync.compliance.domain.call_spacing import SpacingRule, check_call_spacing
from sightsync.compliance.domain.calling_window import (
    OutsideReason,
    closing_time,
    next_window_opening,
    outside_window_reason,
)
from sightsync.compliance.domain.phone import CallableNumber, check_stored_number
from sightsync.compliance.domain.plans import (
    Plan,
    SubscriptionStatus,
    may_place_calls,
    monthly_call_limit,
)
from sightsync.compliance.domain.uk_time import as_utc

# Each time rule only ever moves the candidate later, and a window opening is at most a
# fortnight away, so a handful of rounds settles; the bound guards against a future rule
# that does not converge.
_MAX_ROUNDS = 32


class RejectionRule(StrEnum):
    SUBSCRIPTION_INACTIVE = "subscription_inactive"
    OPTED_OUT = "opted_out"
    NUMBER_NOT_CALLABLE = "number_not_callable"
    TPS_REGISTERED = "tps_registered"
    OUTSIDE_CALLING_HOURS = "outside_calling_hours"
    MIN_GAP = "min_gap_24h"
    ROLLING_CAP = "rolling_cap_30d"
    MONTHLY_QUOTA_EXHAUSTED = "monthly_quota_exhausted"


REJECTION_STATUS_CODES = MappingProxyType(
    {
        RejectionRule.SUBSCRIPTION_INACTIVE: 402,
        RejectionRule.OPTED_OUT: 409,
        RejectionRule.NUMBER_NOT_CALLABLE: 422,
        RejectionRule.TPS_REGISTERED: 451,
        RejectionRule.OUTSIDE_CALLING_HOURS: 425,
        RejectionRule.MIN_GAP: 429,
        RejectionRule.ROLLING_CAP: 429,
        RejectionRule.MONTHLY_QUOTA_EXHAUSTED: 429,
    }
)

_SPACING_REJECTIONS = {
    SpacingRule.MIN_GAP: RejectionRule.MIN_GAP,
    SpacingRule.ROLLING_CAP: RejectionRule.ROLLING_CAP,
}


@dataclass(frozen=True)
class RecallRequest:
    now: datetime
    nation: Nation
    subscription_status: SubscriptionStatus
    plan: Plan
    calls_used_this_month: int
    overage_allowed: bool
    opted_out: bool
    tps_registered: bool
    phone_e164: str
    previous_call_instants: tuple[datetime, ...] = ()
    # A practice's negotiated allowance; None means the plan's standard one.
    monthly_limit: int | None = None


@dataclass(frozen=True)
class RecallAccepted:
    # Latest moment the call may start ringing; the dialer must not begin after it.
    window_closes_at: datetime
    # The plan's allowance is used up and this call is billed as overage.
    overage: bool = False
    status_code: int = 202
    rule: str = "accepted"


@dataclass(frozen=True)
class RecallRejected:
    rule: RejectionRule
    message: str
    next_allowed_at: datetime | None = None
    outside_reason: OutsideReason | None = None
    calls_used: int | None = None
    monthly_limit: int | None = None

    @property
    def status_code(self) -> int:
        return REJECTION_STATUS_CODES[self.rule]


RecallDecision = RecallAccepted | RecallRejected


def earliest_allowed_at(
    now: datetime, nation: Nation, previous_call_instants: Sequence[datetime]
) -> datetime:
    """The earliest UTC instant >= `now` at which every time-based rule passes at once."""
    rules: tuple[Callable[[datetime], datetime], ...] = (
        lambda at: check_call_spacing(previous_call_instants, at).earliest_allowed_at,
        lambda at: next_window_opening(at, nation),
    )
    candidate = as_utc(now)
    for _ in range(_MAX_ROUNDS):
        moved = candidate
        for earliest_from in rules:
            moved = earliest_from(moved)
        if moved == candidate:
            return candidate
        candidate = moved
    raise RuntimeError("calling rules did not agree on an instant")


def decide_recall(request: RecallRequest) -> RecallDecision:
    """Accept the call, or name the first rule that refuses it."""
    if not may_place_calls(request.subscription_status):
        return RecallRejected(
            RejectionRule.SUBSCRIPTION_INACTIVE,
            "The practice's subscription does not allow calls; update billing to resume.",
        )
    if request.opted_out:
        return RecallRejected(RejectionRule.OPTED_OUT, "The patient has opted out of calls.")

    number = check_stored_number(request.phone_e164)
    if not isinstance(number, CallableNumber):
        return RecallRejected(RejectionRule.NUMBER_NOT_CALLABLE, number.message)
    if request.tps_registered:
        return RecallRejected(
            RejectionRule.TPS_REGISTERED,
            "The number is registered with the Telephone Preference Service.",
        )

    timing = _time_rejection(request)
    if timing is not None:
        return timing

    limit = (
        monthly_call_limit(request.plan) if request.monthly_limit is None else request.monthly_limit
    )
    over_quota = request.calls_used_this_month >= limit
    if over_quota and not request.overage_allowed:
        return RecallRejected(
            RejectionRule.MONTHLY_QUOTA_EXHAUSTED,
            "Monthly call limit reached",
            calls_used=request.calls_used_this_month,
            monthly_limit=limit,
        )
    return RecallAccepted(window_closes_at=closing_time(request.now), overage=over_quota)


def _time_rejection(request: RecallRequest) -> RecallRejected | None:
    # Retrying at the window opening alone could still break spacing, so both kinds of
    # rejection point at the instant every time rule allows.
    reason = outside_window_reason(request.now, request.nation)
    if reason is not None:
        return RecallRejected(
            RejectionRule.OUTSIDE_CALLING_HOURS,
            _OUTSIDE_MESSAGES[reason],
            next_allowed_at=_next_allowed(request),
            outside_reason=reason,
        )
    blocking = check_call_spacing(request.previous_call_instants, request.now).blocking_rule
    if blocking is not None:
        return RecallRejected(
            _SPACING_REJECTIONS[blocking],
            _SPACING_MESSAGES[blocking],
            next_allowed_at=_next_allowed(request),
        )
    return None


def _next_allowed(request: RecallRequest) -> datetime:
    return earliest_allowed_at(request.now, request.nation, request.previous_call_instants)


_OUTSIDE_MESSAGES = {
    OutsideReason.WEEKEND: "Calls are not placed at weekends.",
    OutsideReason.BANK_HOLIDAY: "Calls are not placed on bank holidays.",
    OutsideReason.BEFORE_HOURS: "Calls are placed from 09:00 UK time.",
    OutsideReason.AFTER_HOURS: "Calls are placed until 18:00 UK time.",
}

_SPACING_MESSAGES = {
    SpacingRule.MIN_GAP: "The patient was called less than 24 hours ago.",
    SpacingRule.ROLLING_CAP: "The patient has had 3 calls in the last 30 days.",
}
