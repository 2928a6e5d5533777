"""practice.create / update / get / list: compliance is the authority on plans and status."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.ids import new_id
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Refusal
from sightsync.common.messages.practices import (
    CreatePractice,
    GetPractice,
    InvalidDiary,
    ListPractices,
    PracticeView,
    UpdatePractice,
    parse_diary,
)
from sightsync.compliance.domain.bank_holidays import Nation
from sightsync.compliance.domain.plans import Plan, SubscriptionStatus
from sightsync.compliance.domain.practice import (
    CallerIdProblem,
    Practice,
    limit_override_after,
    normalise_caller_id,
)
from sightsync.compliance.handlers.common import current_instant, practice_not_found
from sightsync.compliance.handlers.ports import PracticeRepository
from sightsync.compliance.handlers.views import practice_updated, practice_view

log = get_logger(__name__)


class PracticeHandlers:
    def __init__(self, practices: PracticeRepository) -> None:
        self._practices = practices

    async def create(self, message: CreatePractice, context: MessageContext) -> PracticeView:
        caller_id = _caller_id(message.caller_id)
        diary = _diary(message.diary)
        now = current_instant(context)
        plan = Plan(message.plan)
        practice = Practice(
            id=new_id("prac"),
            name=message.name,
            plan=plan,
            limit_override=limit_override_after(plan, None, message.monthly_limit),
            allow_overage=message.allow_overage,
            status=SubscriptionStatus(message.status),
            nation=Nation(message.nation),
            caller_id=caller_id,
            diary=diary,
            revision=1,
            created_at=now,
            updated_at=now,
        )

        await self._practices.add(practice, context.session)

        context.emit(practice_updated(practice), practice_id=practice.id)
        log.info("practice_created", practice_id=practice.id, plan=practice.plan.value)
        return practice_view(practice)

    async def update(self, message: UpdatePractice, context: MessageContext) -> PracticeView:
        current = await self._practices.get(message.practice_id, context.session)
        if current is None:
            raise practice_not_found()

        changed = _apply(current, message)
        if changed == current:
            return practice_view(current)
        changed = replace(changed, updated_at=current_instant(context))
        saved = await self._practices.save_changes(changed, context.session)
        if saved is None:
            raise practice_not_found()

        context.emit(practice_updated(saved), practice_id=saved.id)
        log.info("practice_updated", practice_id=saved.id, revision=saved.revision)
        return practice_view(saved)

    async def get(self, message: GetPractice, context: MessageContext) -> PracticeView:
        practice = await self._practices.get(message.practice_id, None)
        if practice is None:
            raise practice_not_found()
        return practice_view(practice)

    async def list(self, message: ListPractices, context: MessageContext) -> dict[str, Any]:
        practices = await self._practices.list_all()
        return {
            "practices": [practice_view(practice).model_dump(mode="json") for practice in practices]
        }


def _apply(current: Practice, message: UpdatePractice) -> Practice:
    """`current` with the fields the update names; fields left None stay as they are."""
    plan = current.plan if message.plan is None else Plan(message.plan)
    caller_id = current.caller_id
    if message.caller_id is not None:
        # An empty caller id is how an operator goes back to the telephony default.
        caller_id = _caller_id(message.caller_id) if message.caller_id.strip() else None
    return replace(
        current,
        name=current.name if message.name is None else message.name,
        plan=plan,
        limit_override=limit_override_after(plan, current.limit_override, message.monthly_limit),
        allow_overage=(
            current.allow_overage if message.allow_overage is None else message.allow_overage
        ),
        status=current.status if message.status is None else SubscriptionStatus(message.status),
        nation=current.nation if message.nation is None else Nation(message.nation),
        caller_id=caller_id,
        diary=current.diary if message.diary is None else _diary(message.diary),
    )


def _caller_id(raw: str | None) -> str | None:
    if raw is None:
        return None
    normalised = normalise_caller_id(raw)
    if isinstance(normalised, CallerIdProblem):
        raise Refusal("invalid_caller_id", normalised.message, 422, field="caller_id")
    return normalised


def _diary(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """The diary as it is kept: checked and put in order, or None for the default layout."""
    if raw is None:
        return None
    try:
        diary = parse_diary(raw)
    except InvalidDiary as problem:
        raise Refusal("invalid_diary", problem.message, 422, field=problem.field) from None
    return None if diary is None else diary.model_dump(mode="json")
