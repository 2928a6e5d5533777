"""Messages about practices, owned by compliance (the authority on plans and status)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from sightsync.common.messages.base import Event, Request
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


class PracticeView(BaseModel):
    """A practice as operators see it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    plan: Plan
    monthly_limit: int
    allow_overage: bool
    status: SubscriptionStatus
    nation: Nation
    caller_id: str | None
    diary: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class CreatePractice(Request):
    """Create a practice; `monthly_limit` defaults to the plan's allowance. Replies PracticeView."""

    message_type: ClassVar[str] = "practice.create"
    owner: ClassVar[str] = "compliance"

    name: str = Field(min_length=1, max_length=200)
    plan: Plan = "starter"
    monthly_limit: int | None = Field(default=None, ge=0)
    allow_overage: bool = False
    status: SubscriptionStatus = "active"
    nation: Nation = "england"
    caller_id: str | None = None
    diary: dict[str, Any] | None = None


class UpdatePractice(Request):
    """Change the given fields (None leaves a field as it is). Replies PracticeView."""

    message_type: ClassVar[str] = "practice.update"
    owner: ClassVar[str] = "compliance"

    practice_id: str
    name: str | None = Field(default=None, min_length=1, max_length=200)
    plan: Plan | None = None
    monthly_limit: int | None = Field(default=None, ge=0)
    allow_overage: bool | None = None
    status: SubscriptionStatus | None = None
    nation: Nation | None = None
    caller_id: str | None = None
    diary: dict[str, Any] | None = None


class GetPractice(Request):
    """Replies PracticeView, or refuses with 404."""

    message_type: ClassVar[str] = "practice.get"
    owner: ClassVar[str] = "compliance"

    practice_id: str


class ListPractices(Request):
    """Replies {"practices": [PracticeView, ...]}."""

    message_type: ClassVar[str] = "practice.list"
    owner: ClassVar[str] = "compliance"


register(CreatePractice, UpdatePractice, GetPractice, ListPractices)
