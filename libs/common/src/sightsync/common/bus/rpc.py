"""Waiting for replies on RabbitMQ's direct reply-to pseudo-queue."""

from __future__ import annotations

import asyncio

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Reply

DIRECT_REPLY_TO = "amq.rabbitmq.reply-to"

log = get_logger(__name__)


class ReplyWaiter:
    """Matches replies to pending requests by correlation id."""

    def __init__(self) -> None:
        self._pending: dict[str, asyncio.Future[Reply]] = {}

    async def attach(self, channel: AbstractChannel) -> None:
        """Consume direct replies on the channel that publishes requests, as RabbitMQ requires."""
        queue = await channel.get_queue(DIRECT_REPLY_TO, ensure=False)
        await queue.consume(self._on_reply, no_ack=True)
        # Requests in flight on the previous connection can never be answered now.
        for future in self._pending.values():
            if not future.done():
                future.set_exception(TimeoutError())

    def expect(self, correlation_id: str) -> tuple[str, asyncio.Future[Reply]]:
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = future
        return DIRECT_REPLY_TO, future

    def forget(self, correlation_id: str) -> None:
        self._pending.pop(correlation_id, None)

    async def _on_reply(self, incoming: AbstractIncomingMessage) -> None:
        future = self._pending.get(incoming.correlation_id or "")
        if future is None or future.done():
            log.debug("late_reply_dropped", correlation_id=incoming.correlation_id)
            return
        try:
            future.set_result(Reply.model_validate_json(incoming.body))
        except ValueError as error:
            future.set_exception(error)
