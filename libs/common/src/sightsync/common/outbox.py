"""Transactional outbox and processed-message inbox, kept in a service's own database.

A handler's follow-on messages are written in the same transaction as its effects and
the record that its message was handled, then relayed to the broker after commit. A
crash between commit and publish is healed by the periodic sweep, and consumers dedupe
on message id, so nothing is lost or applied twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sightsync.common.clock import Clock
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Envelope
from sightsync.common.storage import (
    EXPIRES_AT,
    CollectionIndexes,
    Document,
    expires_after,
    expiry_index,
)

OUTBOX = "outbox"
PROCESSED = "processed_messages"
PUBLISHED_RETENTION = timedelta(days=7)
PROCESSED_RETENTION = timedelta(days=30)

Publish = Callable[[Envelope], Awaitable[None]]

log = get_logger(__name__)

OUTBOX_INDEXES = (
    CollectionIndexes(
        OUTBOX,
        (
            IndexModel([("published_at", ASCENDING), ("created_at", ASCENDING)]),
            # Set only once published: an entry still waiting for the broker never expires.
            expiry_index(),
        ),
    ),
    CollectionIndexes(PROCESSED, (expiry_index(),)),
)


class MongoMessageStore:
    """Dedupe records and the outbox of one service."""

    def __init__(self, db: AsyncDatabase[Document], clock: Clock) -> None:
        self._outbox = db[OUTBOX]
        self._processed = db[PROCESSED]
        self._clock = clock

    async def already_handled(self, key: str, session: AsyncClientSession | None) -> bool:
        return await self._processed.find_one({"_id": key}, session=session) is not None

    async def mark_handled(self, key: str, session: AsyncClientSession | None) -> None:
        try:
            await self._processed.insert_one(
                {
                    "_id": key,
                    "handled_at": self._clock.now(),
                    EXPIRES_AT: expires_after(PROCESSED_RETENTION),
                },
                session=session,
            )
        except DuplicateKeyError:
            # Only reachable without a transaction: a concurrent redelivery won the race.
            log.warning("message_marked_twice", dedupe_key=key)

    async def stage(
        self, envelopes: Sequence[Envelope], session: AsyncClientSession | None
    ) -> None:
        if not envelopes:
            return
        now = self._clock.now()
        await self._outbox.insert_many(
            [
                {
                    "_id": envelope.id,
                    "envelope": envelope.model_dump(mode="json"),
                    "created_at": now,
                    "published_at": None,
                }
                for envelope in envelopes
            ],
            session=session,
        )

    async def mark_published(self, envelope_id: str) -> None:
        now = self._clock.now()
        await self._outbox.update_one(
            {"_id": envelope_id, "published_at": None},
            {"$set": {"published_at": now, EXPIRES_AT: expires_after(PUBLISHED_RETENTION)}},
        )

    async def pending(self, older_than: timedelta, limit: int = 500) -> list[Envelope]:
        cutoff = self._clock.now() - older_than
        cursor = (
            self._outbox.find({"published_at": None, "created_at": {"$lte": cutoff}})
            .sort("created_at", ASCENDING)
            .limit(limit)
        )
        return [Envelope.model_validate(doc["envelope"]) async for doc in cursor]


class OutboxRelay:
    """Publishes committed outbox entries: at once after commit, and by a periodic sweep."""

    def __init__(
        self,
        store: MongoMessageStore,
        publish: Publish,
        *,
        sweep_every: float = 2.0,
        grace: timedelta = timedelta(seconds=5),
    ) -> None:
        self._store = store
        self._publish = publish
        self._sweep_every = sweep_every
        self._grace = grace
        self._task: asyncio.Task[None] | None = None

    async def relay(self, envelopes: Sequence[Envelope]) -> None:
        """Publish freshly committed envelopes; failures are left for the sweep."""
        for envelope in envelopes:
            try:
                await self._publish(envelope)
                await self._store.mark_published(envelope.id)
            except Exception:
                log.warning("outbox_relay_deferred", message_id=envelope.id, exc_info=True)
                return

    async def sweep(self, older_than: timedelta | None = None) -> int:
        """Publish whatever is still pending (after a crash or a broker outage)."""
        pending = await self._store.pending(self._grace if older_than is None else older_than)
        for envelope in pending:
            await self._publish(envelope)
            await self._store.mark_published(envelope.id)
        if pending:
            log.info("outbox_swept", count=len(pending))
        return len(pending)

    def start(self) -> None:
        self._task = asyncio.create_task(self._sweep_forever(), name="outbox-sweep")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self._sweep_every)
            try:
                await self.sweep()
            except Exception:
                log.warning("outbox_sweep_failed", exc_info=True)
