"""Messages about practices, owned by compliance (the authority on plans and status)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from sightsync.common.messages.base import Event
from sightsync.common.messages.registry import register

Plan = Literal["starter", "practice", "group"]
SubscriptionStatus = Literal["active", "trialing", "past_due", "canceled"]
Nation = Literal["england", "wales", "scotland", "northern_ireland"]


class PracticeUpdated(Event):
    """A practice was created or changed; carries its whole current state."""

    message_type: ClassVar[str] = "practice.updated"

    practice_id: str
    name: str
    plan: Plan
    monthly_limit: int
    allow_overage: bool
    status: SubscriptionStatus
    nation: Nation
    caller_id: str | None
    diary: dict[str, Any] | None = None
    revision: int


register(PracticeUpdated)
