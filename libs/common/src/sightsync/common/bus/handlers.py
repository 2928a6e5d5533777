"""The handler registry: reading it tells you what a service does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession

from sightsync.common.clock import Clock
from sightsync.common.messages.base import Command, Envelope, Event, Message, Request

M = TypeVar("M", bound=Message)
Handler = Callable[[Any, "MessageContext"], Awaitable[Any]]


@dataclass
class MessageContext:
    """What a handler gets besides its message: metadata, time, and a way to emit."""

    envelope: Envelope
    clock: Clock
    session: AsyncClientSession | None = None
    emitted: list[Envelope] = field(default_factory=list)
    committed_hooks: list[Callable[[], None]] = field(default_factory=list)

    def emit(self, message: Message, *, practice_id: str | None = None) -> Envelope:
        """Queue a follow-on message; it is published only if the handler's work commits."""
        envelope = Envelope.wrap(
            message,
            occurred_at=self.clock.now(),
            correlation_id=self.envelope.correlation_id,
            causation_id=self.envelope.id,
            practice_id=practice_id if practice_id is not None else self.envelope.practice_id,
        )
        self.emitted.append(envelope)
        return envelope

    def after_commit(self, hook: Callable[[], None]) -> None:
        """Run `hook` once the handler's work has committed (metrics, logs of the outcome).

        A transaction may be retried, so anything counted inside it could count twice.
        """
        self.committed_hooks.append(hook)


@dataclass(frozen=True)
class HandlerSpec:
    message_class: type[Message]
    handler: Handler
    name: str
    transactional: bool
    # Its own writes make a redelivery harmless, so no dedupe record is kept for it.
    idempotent: bool = False


class HandlerRegistry:
    """Commands and requests have exactly one handler; events have any number."""

    def __init__(self) -> None:
        self.commands: dict[str, HandlerSpec] = {}
        self.requests: dict[str, HandlerSpec] = {}
        self.events: dict[str, list[HandlerSpec]] = {}

    def command(self, cls: type[Command], handler: Handler, *, transactional: bool = True) -> None:
        """Register the one handler of a command."""
        self._add_single(self.commands, cls, handler, transactional)

    def request(self, cls: type[Request], handler: Handler, *, transactional: bool = False) -> None:
        """Register the one handler of a request; its return value becomes the reply."""
        self._add_single(self.requests, cls, handler, transactional)

    def event(
        self,
        cls: type[Event],
        handler: Handler,
        *,
        transactional: bool = True,
        idempotent: bool = False,
    ) -> None:
        """Add a handler of an event.

        `idempotent` is for a handler that emits nothing and whose writes already make a
        second delivery change nothing: the dispatcher then skips its dedupe record.
        """
        self.events.setdefault(cls.message_type, []).append(
            HandlerSpec(cls, handler, _handler_name(handler), transactional, idempotent)
        )

    def handlers_for(self, message_type: str) -> list[HandlerSpec]:
        """Every handler a message of this type goes to, in registration order."""
        single = self.commands.get(message_type) or self.requests.get(message_type)
        return [single] if single else list(self.events.get(message_type, []))

    def _add_single(
        self,
        table: dict[str, HandlerSpec],
        cls: type[Message],
        handler: Handler,
        transactional: bool,
    ) -> None:
        if cls.message_type in table:
            raise ValueError(f"{cls.message_type} already has a handler")
        table[cls.message_type] = HandlerSpec(cls, handler, _handler_name(handler), transactional)


def _handler_name(handler: Handler) -> str:
    module = getattr(handler, "__module__", "") or ""
    qualname = getattr(handler, "__qualname__", type(handler).__name__)
    return f"{module.rsplit('.', 1)[-1]}.{qualname}"
