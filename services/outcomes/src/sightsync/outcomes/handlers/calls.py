"""One call with its transcript, and pages of a practice's calls."""

from __future__ import annotations

from typing import Any

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.messages.base import Refusal
from sightsync.common.messages.outcomes import GetCall, ListCalls
from sightsync.outcomes.adapters.queries import MongoOutcomeQueries
from sightsync.outcomes.handlers.views import call_view


class CallHandlers:
    def __init__(self, queries: MongoOutcomeQueries) -> None:
        self._queries = queries

    async def get_call(self, message: GetCall, context: MessageContext) -> dict[str, Any]:
        doc = await self._queries.call(message.practice_id, message.call_id)
        if doc is None:
            raise Refusal("call_not_found", "Call not found", 404)
        return {"call": call_view(doc, with_transcript=True)}

    async def list_calls(self, message: ListCalls, context: MessageContext) -> dict[str, Any]:
        page, total = await self._queries.calls(
            message.practice_id,
            limit=message.limit,
            offset=message.offset,
            status=message.status,
            patient_id=message.patient_id,
        )
        return {
            "calls": [call_view(doc, with_transcript=False) for doc in page],
            "total": total,
            "limit": message.limit,
            "offset": message.offset,
        }
