"""Runs one decoded message through its handlers with the same guarantees everywhere.

For each handler: skip it if this message was already handled by it; otherwise run it,
record that it ran, and stage what it emitted, all in one transaction when the handler is
transactional. Emitted messages are relayed after commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog
from pydantic import BaseModel, ValidationError
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from sightsync.common.bus.handlers import HandlerRegistry, HandlerSpec, MessageContext
from sightsync.common.clock import Clock
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Envelope, Message, Refusal, Reply
from sightsync.common.outbox import MongoMessageStore, OutboxRelay
from sightsync.common.storage import Document, in_transaction

log = get_logger(__name__)

PublishMany = Callable[[Sequence[Envelope]], Awaitable[None]]


class UndecodableMessage(Exception):
    """The payload does not match the message type it claims to be."""


class Dispatcher:
    def __init__(
        self,
        service: str,
        registry: HandlerRegistry,
        clock: Clock,
        *,
        client: AsyncMongoClient[Document] | None = None,
        store: MongoMessageStore | None = None,
        relay: OutboxRelay | None = None,
        publish_directly: PublishMany | None = None,
    ) -> None:
        self.service = service
        self.registry = registry
        self._clock = clock
        self._client = client
        self._store = store
        self._relay = relay
        self._publish_directly = publish_directly

    async def dispatch(self, envelope: Envelope) -> Reply | None:
        """Handle one message; a request's reply is returned, other messages return None."""
        specs = self.registry.handlers_for(envelope.type)
        if not specs:
            log.warning("message_without_handler", message_type=envelope.type)
            return None
        reply: Reply | None = None
        for spec in specs:
            message = _decode(spec, envelope)
            with structlog.contextvars.bound_contextvars(handler=spec.name):
                reply = await self._run(spec, message, envelope)
        return reply

    async def _run(self, spec: HandlerSpec, message: Message, envelope: Envelope) -> Reply | None:
        is_request = envelope.type in self.registry.requests
        dedupes = not is_request and not spec.idempotent
        dedupe_key = f"{spec.name}:{envelope.id}"
        context = MessageContext(envelope=envelope, clock=self._clock)

        async def work(session: AsyncClientSession | None) -> tuple[bool, Any]:
            context.session = session
            context.emitted.clear()
            context.committed_hooks.clear()
            if dedupes and self._store and await self._store.already_handled(dedupe_key, session):
                return False, None
            result = await spec.handler(message, context)
            if spec.idempotent and context.emitted:
                # Without a dedupe record a redelivery would emit its messages again.
                raise RuntimeError(f"{spec.name} is registered idempotent but emitted messages")
            if self._store is not None:
                if dedupes:
                    await self._store.mark_handled(dedupe_key, session)
                await self._store.stage(context.emitted, session)
            return True, result

        try:
            if spec.transactional and self._client is not None:
                ran, result = await in_transaction(self._client, work)
            else:
                ran, result = await work(None)
        except Refusal as refusal:
            if not is_request:
                raise
            log.info("request_refused", code=refusal.detail.code, status=refusal.detail.status)
            return Reply(ok=False, error=refusal.detail)

        if not ran:
            log.info("message_already_handled", message_type=envelope.type)
            return None
        await self._after_commit(context.emitted)
        for hook in context.committed_hooks:
            hook()
        if is_request:
            return Reply(ok=True, result=_as_result(result))
        return None

    async def _after_commit(self, emitted: Sequence[Envelope]) -> None:
        if not emitted:
            return
        if self._relay is not None:
            await self._relay.relay(emitted)
        elif self._publish_directly is not None:
            await self._publish_directly(emitted)
        else:
            raise RuntimeError("a handler emitted messages but nothing can publish them")


def _decode(spec: HandlerSpec, envelope: Envelope) -> Message:
    try:
        return spec.message_class.model_validate(envelope.payload)
    except ValidationError as error:
        # pydantic's own text quotes the offending input, which may be a name or a number:
        # only where each problem is and what kind it is may reach a log line.
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'payload'}: {problem['type']}"
            for problem in error.errors(include_input=False, include_url=False)
        )
        raise UndecodableMessage(f"{spec.message_class.__name__}: {problems}") from error


def _as_result(result: Any) -> dict[str, Any] | None:
    if result is None:
        return None
    if isinstance(result, BaseModel):
        dumped: dict[str, Any] = result.model_dump(mode="json")
        return dumped
    if isinstance(result, dict):
        return result
    raise TypeError(f"request handlers return a model or a dict, not {type(result).__name__}")
