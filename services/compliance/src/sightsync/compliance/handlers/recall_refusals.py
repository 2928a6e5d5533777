"""How a refused recall decision is answered: status, message and the fields the API lists."""

from __future__ import annotations

from typing import Any

from sightsync.common.clock import isoformat_z
from sightsync.common.messages.base import Refusal
from sightsync.compliance.domain.recall_decision import RecallRejected

# Word for word what the gateway answers when its own record of the key shows another body,
# so a caller sees one error whichever of the two records caught the reuse.
IDEMPOTENCY_KEY_REUSED = "Idempotency-Key was already used with a different request body"


def refusal_for(decision: RecallRejected) -> Refusal:
    details: dict[str, Any] = {}
    if decision.outside_reason is not None:
        details["reason"] = decision.outside_reason.value
    if decision.next_allowed_at is not None:
        details["next_allowed_at"] = isoformat_z(decision.next_allowed_at)
    if decision.calls_used is not None:
        details["calls_used"] = decision.calls_used
    if decision.monthly_limit is not None:
        details["monthly_limit"] = decision.monthly_limit
    return Refusal(decision.rule.value, decision.message, decision.status_code, **details)


def idempotency_key_reused() -> Refusal:
    return Refusal("idempotency_key_mismatch", IDEMPOTENCY_KEY_REUSED, 422)
