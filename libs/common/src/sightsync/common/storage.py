"""MongoDB helpers shared by every service: client, indexes, transactions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pymongo import ASCENDING, AsyncMongoClient, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from sightsync.common.logging import get_logger

T = TypeVar("T")
Document = dict[str, Any]

# The field every TTL index reads; see `expires_after`.
EXPIRES_AT = "expires_at"

log = get_logger(__name__)


def create_client(url: str) -> AsyncMongoClient[Document]:
    """An AsyncMongoClient with timeouts that fail fast enough for readiness checks."""
    return AsyncMongoClient(
        url,
        serverSelectionTimeoutMS=5000,
        connectTimeoutMS=5000,
        tz_aware=True,
        uuidRepresentation="standard",
    )


@dataclass(frozen=True)
class CollectionIndexes:
    """The indexes one collection needs; declared at start-up, idempotently."""

    collection: str
    indexes: Sequence[IndexModel] = field(default_factory=tuple)


def expiry_index() -> IndexModel:
    """The TTL index that drops each document of a collection once its `expires_at` passes."""
    return IndexModel([(EXPIRES_AT, ASCENDING)], expireAfterSeconds=0)


def expires_after(retention: timedelta) -> datetime:
    """The `expires_at` of a document to be kept for `retention` from now."""
    # The server's TTL monitor compares with its own wall clock, never the deployment
    # clock that SIGHTSYNC_NOW shifts: reckoned from that, a deployment dated months back
    # would see its dedupe records, rate-limit windows and delivery log purged in a minute.
    return datetime.now(UTC) + retention


async def upsert_returning(
    collection: AsyncCollection[Document],
    key: Document,
    update: Document,
    *,
    projection: Document | None = None,
    session: AsyncClientSession | None = None,
) -> Document:
    """Apply `update` to the document matching `key`, inserting it if need be; return it after.

    Two first upserts of one key race: the loser fails on the unique index and is applied
    again, now to the winner's document. The embedded SecantusDB sometimes applies a racing
    upsert yet returns no document; it is then read back rather than updated twice.
    """
    for attempt in (1, 2):
        try:
            document = await collection.find_one_and_update(
                key,
                update,
                upsert=True,
                return_document=ReturnDocument.AFTER,
                projection=projection,
                session=session,
            )
        except DuplicateKeyError:
            if attempt == 2:
                raise
            continue
        if document is None:
            document = await collection.find_one(key, projection=projection, session=session)
        if document is not None:
            return document
    raise RuntimeError(f"an upsert into {collection.name} left no document to return")


async def declare_indexes(db: AsyncDatabase[Document], specs: Sequence[CollectionIndexes]) -> None:
    """Create every collection's indexes (a no-op when they already exist).

    A TTL index the collection no longer declares is dropped: it would go on deleting
    documents by a rule the code has left behind.
    """
    for spec in specs:
        collection = db[spec.collection]
        created = await collection.create_indexes(list(spec.indexes)) if spec.indexes else []
        for name, index in (await collection.index_information()).items():
            if "expireAfterSeconds" in index and name not in created:
                await collection.drop_index(name)
                log.warning("stale_ttl_index_dropped", collection=spec.collection, index=name)
        log.debug("indexes_declared", collection=spec.collection, count=len(spec.indexes))


async def in_transaction(
    client: AsyncMongoClient[Document],
    work: Callable[[AsyncClientSession], Awaitable[T]],
) -> T:
    """Run `work` in a majority transaction, retried on transient conflicts by the driver."""
    async with client.start_session() as session:
        result: T = await session.with_transaction(
            work,
            read_concern=ReadConcern("snapshot"),
            write_concern=WriteConcern(w="majority"),
        )
        return result


async def ping(client: AsyncMongoClient[Document]) -> bool:
    """True when the database answers; used by readiness probes."""
    try:
        await client.admin.command("ping")
    except Exception:
        log.warning("database_ping_failed", exc_info=True)
        return False
    return True
