"""The append-only log of every event outcomes consumed: the source of every read model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sightsync.common.clock import Clock
from sightsync.common.messages.base import Envelope
from sightsync.common.messages.registry import message_class
from sightsync.common.storage import Document
from sightsync.outcomes.domain.events import LoggedEvent, ProjectedEvent, Stream, stream_of

EVENT_LOG = "event_log"
STREAM_ORDER = [("model", ASCENDING), ("key", ASCENDING), ("occurred_at", ASCENDING)]


class MongoEventLog:
    """Events keyed by envelope id, so a redelivered event is logged once."""

    def __init__(self, db: AsyncDatabase[Document], clock: Clock) -> None:
        self._log = db[EVENT_LOG]
        self._clock = clock

    async def append(
        self,
        envelope: Envelope,
        message: ProjectedEvent,
        session: AsyncClientSession | None = None,
    ) -> bool:
        """Log the event; False when this envelope was logged before."""
        stream = stream_of(message)
        try:
            await self._log.insert_one(
                {
                    "_id": envelope.id,
                    "type": envelope.type,
                    "version": envelope.version,
                    "model": stream.model,
                    "key": stream.key,
                    "practice_id": envelope.practice_id,
                    "occurred_at": envelope.occurred_at,
                    "payload": envelope.payload,
                    "logged_at": self._clock.now(),
                },
                session=session,
            )
        except DuplicateKeyError:
            return False
        return True

    async def stream(
        self, stream: Stream, session: AsyncClientSession | None = None
    ) -> list[LoggedEvent]:
        """Every logged event of one stream, in log order."""
        cursor = self._log.find({"model": stream.model, "key": stream.key}, session=session).sort(
            [*STREAM_ORDER, ("_id", ASCENDING)]
        )
        return [decode(doc) async for doc in cursor]

    async def streams(
        self, batch_size: int = 500
    ) -> AsyncIterator[tuple[Stream, list[LoggedEvent]]]:
        """The whole log, one stream at a time, each in log order (for a rebuild)."""
        cursor = self._log.find({}).sort([*STREAM_ORDER, ("_id", ASCENDING)]).batch_size(batch_size)
        current: Stream | None = None
        events: list[LoggedEvent] = []
        async for doc in cursor:
            stream = Stream(doc["model"], doc["key"])
            if stream != current:
                if current is not None:
                    yield current, events
                current, events = stream, []
            events.append(decode(doc))
        if current is not None:
            yield current, events

    async def count(self) -> int:
        return await self._log.count_documents({})


def decode(doc: dict[str, Any]) -> LoggedEvent:
    cls = message_class(doc["type"])
    if cls is None:
        raise ValueError(f"the event log holds an unknown type {doc['type']}")
    message: Any = cls.model_validate(doc["payload"])
    return LoggedEvent(id=doc["_id"], occurred_at=doc["occurred_at"], message=message)
