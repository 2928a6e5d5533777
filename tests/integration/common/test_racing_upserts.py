"""Upserts of one new key racing each other, as replicas and concurrent requests make them."""

from __future__ import annotations

import asyncio

import pytest
from pymongo import AsyncMongoClient

from sightsync.common.clock import SystemClock
from sightsync.common.ids import new_id
from sightsync.common.storage import Document, declare_indexes, upsert_returning
from sightsync.gateway.adapters.rate_limits import (
    RATE_LIMIT_INDEXES,
    RATE_LIMIT_WINDOWS,
    MongoRateLimiter,
)
from sightsync.gateway.domain.rate_limit import RateLimitPolicy

pytestmark = pytest.mark.integration

RACERS = 64


async def test_racing_upserts_all_return_the_one_document(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    collection = mongo[f"{db_prefix}_races"]["counters"]

    for round_ in range(10):
        key = {"_id": f"counter_{round_}"}
        documents = await asyncio.gather(
            *(
                upsert_returning(
                    collection, key, {"$inc": {"n": 1}, "$setOnInsert": {"tag": new_id("req")}}
                )
                for _ in range(RACERS)
            )
        )

        # One document was created, every racer saw it, and each update counted once.
        assert len({document["tag"] for document in documents}) == 1
        stored = await collection.find_one(key)
        assert stored is not None and stored["n"] == RACERS


async def test_a_burst_on_one_key_is_counted_exactly_and_never_fails(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    db = mongo[f"{db_prefix}_gateway"]
    await declare_indexes(db, (RATE_LIMIT_INDEXES,))
    limiter = MongoRateLimiter(db, RateLimitPolicy(limit=100_000), SystemClock())

    for round_ in range(10):
        subject = f"key_{round_}"
        await asyncio.gather(*(limiter.hit(subject) for _ in range(RACERS)))

        # A round that crosses a minute boundary counts into two windows of the key.
        windows = db[RATE_LIMIT_WINDOWS].find({"_id": {"$regex": f"^{subject}:"}})
        assert sum([window["count"] async for window in windows]) == RACERS
