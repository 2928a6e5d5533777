"""Subscription plans, their monthly call allowance and the UK month that allowance covers."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from types import MappingProxyType

from sightsync.compliance.domain.uk_time import uk_instant, uk_wall_clock


class Plan(StrEnum):
    STARTER = "starter"
    PRACTICE = "practice"
    GROUP = "group"


MONTHLY_CALL_LIMITS = MappingProxyType({Plan.STARTER: 300, Plan.PRACTICE: 750, Plan.GROUP: 2000})


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    TRIALING = "trialing"
    PAST_DUE = "past_due"
    CANCELED = "canceled"


CALLING_STATUSES = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING})


def monthly_call_limit(plan: Plan) -> int:
    return MONTHLY_CALL_LIMITS[plan]


def may_place_calls(status: SubscriptionStatus) -> bool:
    return status in CALLING_STATUSES


def month_bounds(instant: datetime) -> tuple[datetime, datetime]:
    """The UK calendar month holding `instant`, as UTC [start, end): end is the next start."""
    first = uk_wall_clock(instant).date().replace(day=1)
    year, month = (first.year + 1, 1) if first.month == 12 else (first.year, first.month + 1)
    following = date(year, month, 1)
    return uk_instant(first, time(0)), uk_instant(following, time(0))


def usage_month(instant: datetime) -> str:
    """The UK calendar month holding `instant` as `YYYY-MM`: the key calls are counted under."""
    return uk_wall_clock(instant).strftime("%Y-%m")
