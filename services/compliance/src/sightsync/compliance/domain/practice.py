"""A practice as compliance holds it, and the rules for changing its terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sightsync.compliance.domain.bank_holidays import Nation
from sightsync.compliance.domain.phone import CallableNumber, check_phone_number
from sightsync.compliance.domain.plans import Plan, SubscriptionStatus, monthly_call_limit


@dataclass(frozen=True)
class Practice:
    id: str
    name: str
    plan: Plan
    # An explicitly negotiated allowance; None means the limit follows the plan.
    limit_override: int | None
    allow_overage: bool
    status: SubscriptionStatus
    nation: Nation
    caller_id: str | None
    # A PracticeDiary as JSON; None means the dialer's default layout. Diaries are checked
    # on the way in, but one kept before that began may still not parse.
    diary: dict[str, Any] | None
    revision: int
    created_at: datetime
    updated_at: datetime

    @property
    def monthly_limit(self) -> int:
        return effective_monthly_limit(self.plan, self.limit_override)


def effective_monthly_limit(plan: Plan, override: int | None) -> int:
    return monthly_call_limit(plan) if override is None else override


def limit_override_after(plan: Plan, current: int | None, requested: int | None) -> int | None:
    """The override to keep once `plan` applies and `requested` (if any) was asked for.

    An explicit limit stays through later plan changes; a limit equal to the plan's own
    allowance is no override at all, which is also how an operator clears one.
    """
    if requested is None:
        return current
    return None if requested == monthly_call_limit(plan) else requested


@dataclass(frozen=True)
class CallerIdProblem:
    message: str


def normalise_caller_id(raw: str) -> str | CallerIdProblem:
    """The E.164 form of a caller id patients can ring back, or why it cannot be one."""
    checked = check_phone_number(raw)
    if isinstance(checked, CallableNumber):
        return checked.e164
    return CallerIdProblem(
        "caller_id must be a UK geographic, mobile or 03 number patients can call back. "
        + checked.message
    )
