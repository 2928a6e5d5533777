"""The practice's usage this UK month."""

from __future__ import annotations

from typing import Any

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.messages.outcomes import GetUsage
from sightsync.outcomes.adapters.queries import MongoOutcomeQueries
from sightsync.outcomes.domain.uk_time import uk_month
from sightsync.outcomes.domain.usage import summarize_usage


class UsageHandlers:
    def __init__(self, queries: MongoOutcomeQueries) -> None:
        self._queries = queries

    async def get_usage(self, message: GetUsage, context: MessageContext) -> dict[str, Any]:
        month = uk_month(context.clock.now())
        practice = await self._queries.practice(message.practice_id)
        calls = await self._queries.calls_touching(message.practice_id, month)
        return summarize_usage(month, practice, calls)
