"""One transaction of dialer work and the events it emits, inside or outside a bus handler.

Bus handlers already get this from the dispatcher. Webhook requests, the simulated
provider and the placement scheduler run outside any handler, so they stage their events
in the service's outbox in the same transaction as their state change and relay them after
commit, exactly as the dispatcher does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.clock import Clock
from sightsync.common.messages.base import Envelope, Message
from sightsync.common.outbox import MongoMessageStore, OutboxRelay
from sightsync.common.storage import Document, in_transaction

T = TypeVar("T")
AfterCommit = Callable[[], Awaitable[None]]


class StaleRecord(Exception):
    """Someone else changed the record since it was read; the whole unit is retried."""


@dataclass
class Unit:
    """What a piece of work writes through: a session, and a way to emit events."""

    session: AsyncClientSession | None
    emitted: list[Message] = field(default_factory=list)
    after_commit: list[AfterCommit] = field(default_factory=list)
    notes: list[Callable[[], None]] = field(default_factory=list)
    correlation_id: str | None = None
    causation_id: str | None = None
    context: MessageContext | None = None

    def emit(self, message: Message) -> None:
        practice_id = getattr(message, "practice_id", None)
        if self.context is not None:
            self.context.emit(message, practice_id=practice_id)
        else:
            self.emitted.append(message)

    def note(self, record: Callable[[], None]) -> None:
        """Log or count something once the work has committed (never on a retried attempt)."""
        if self.context is not None:
            # Inside a bus handler the dispatcher owns the commit; note at once.
            record()
        else:
            self.notes.append(record)

    def correlate(self, correlation_id: str | None, causation_id: str | None) -> None:
        """Events emitted outside a handler carry the correlation of the call they concern."""
        self.correlation_id = correlation_id
        self.causation_id = causation_id


def handler_unit(context: MessageContext) -> Unit:
    return Unit(session=context.session, context=context)


class UnitRunner:
    """Runs units in a transaction with their outbox entries; relays them after commit."""

    def __init__(
        self,
        mongo: AsyncMongoClient[Document],
        store: MongoMessageStore,
        relay: OutboxRelay | None,
        clock: Clock,
    ) -> None:
        self._mongo = mongo
        self._store = store
        self._relay = relay
        self._clock = clock

    async def run(self, work: Callable[[Unit], Awaitable[T]]) -> T:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(StaleRecord),
            stop=stop_after_attempt(8),
            wait=wait_random(0.005, 0.05),
            reraise=True,
        ):
            with attempt:
                return await self._run_once(work)
        raise AssertionError("unreachable: tenacity re-raises the last attempt")

    async def _run_once(self, work: Callable[[Unit], Awaitable[T]]) -> T:
        holder: list[tuple[Unit, list[Envelope]]] = []

        async def transaction(session: AsyncClientSession) -> T:
            holder.clear()
            unit = Unit(session=session)
            result = await work(unit)
            envelopes = [self._wrap(message, unit) for message in unit.emitted]
            await self._store.stage(envelopes, session)
            holder.append((unit, envelopes))
            return result

        result = await in_transaction(self._mongo, transaction)
        unit, envelopes = holder[0]
        if envelopes and self._relay is not None:
            await self._relay.relay(envelopes)
        for note in unit.notes:
            note()
        for hook in unit.after_commit:
            await hook()
        return result

    def _wrap(self, message: Message, unit: Unit) -> Envelope:
        return Envelope.wrap(
            message,
            occurred_at=self._clock.now(),
            correlation_id=unit.correlation_id or str(getattr(message, "call_id", "dialer")),
            causation_id=unit.causation_id,
            practice_id=getattr(message, "practice_id", None),
        )
