"""Which handlers the dispatcher keeps dedupe records for, against the real database."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pymongo import AsyncMongoClient

from sightsync.common.bus.dispatcher import Dispatcher
from sightsync.common.bus.handlers import HandlerRegistry, MessageContext
from sightsync.common.clock import SystemClock
from sightsync.common.messages.base import Envelope, Event
from sightsync.common.messages.registry import register
from sightsync.common.outbox import OUTBOX_INDEXES, PROCESSED, MongoMessageStore
from sightsync.common.storage import Document, declare_indexes

pytestmark = pytest.mark.integration


class ShelfStocked(Event):
    message_type: ClassVar[str] = "test.shelf_stocked"
    items: int


register(ShelfStocked)


async def test_an_idempotent_handler_keeps_no_dedupe_record_and_must_not_emit(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    db = mongo[f"{db_prefix}_dedupe"]
    await declare_indexes(db, OUTBOX_INDEXES)
    deduped: list[int] = []
    idempotent: list[int] = []

    async def count(message: ShelfStocked, context: MessageContext) -> None:
        deduped.append(message.items)

    async def overwrite(message: ShelfStocked, context: MessageContext) -> None:
        idempotent.append(message.items)

    registry = HandlerRegistry()
    registry.event(ShelfStocked, count, transactional=False)
    registry.event(ShelfStocked, overwrite, transactional=False, idempotent=True)
    dispatcher = Dispatcher(
        "dedupe", registry, SystemClock(), store=MongoMessageStore(db, SystemClock())
    )
    envelope = Envelope.wrap(
        ShelfStocked(items=4), occurred_at=SystemClock().now(), correlation_id="corr"
    )

    await dispatcher.dispatch(envelope)
    await dispatcher.dispatch(envelope)

    assert deduped == [4]
    # Delivered twice, handled twice: its own writes are what make that harmless.
    assert idempotent == [4, 4]
    records = [doc["_id"] async for doc in db[PROCESSED].find({})]
    assert records == [f"test_dispatcher_dedupe.{count.__qualname__}:{envelope.id}"]


async def test_an_idempotent_handler_that_emits_is_a_wiring_error(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    db = mongo[f"{db_prefix}_dedupe"]

    async def emits(message: ShelfStocked, context: MessageContext) -> None:
        context.emit(ShelfStocked(items=message.items + 1))

    registry = HandlerRegistry()
    registry.event(ShelfStocked, emits, transactional=False, idempotent=True)
    dispatcher = Dispatcher(
        "dedupe", registry, SystemClock(), store=MongoMessageStore(db, SystemClock())
    )
    envelope = Envelope.wrap(
        ShelfStocked(items=1), occurred_at=SystemClock().now(), correlation_id="corr"
    )

    with pytest.raises(RuntimeError, match="registered idempotent but emitted"):
        await dispatcher.dispatch(envelope)
