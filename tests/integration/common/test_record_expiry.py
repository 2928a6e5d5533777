"""Records that a TTL index expires are stamped in real time, whatever the deployment clock.

The database expires documents by its own wall clock. A deployment whose SIGHTSYNC_NOW
lies months in the past (every test, and many demos) must still keep dedupe records,
idempotency keys, rate-limit windows, SMS replies and the webhook delivery log for as
long as they are meant to be kept.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.clock import OffsetClock
from sightsync.common.ids import new_id
from sightsync.common.messages.base import Envelope
from sightsync.common.outbox import (
    OUTBOX,
    OUTBOX_INDEXES,
    PROCESSED,
    PROCESSED_RETENTION,
    PUBLISHED_RETENTION,
    MongoMessageStore,
)
from sightsync.common.storage import EXPIRES_AT, CollectionIndexes, Document, declare_indexes
from sightsync.dialer.adapters.sms_replies import (
    RETENTION as SMS_RETENTION,
)
from sightsync.dialer.adapters.sms_replies import (
    SMS_REPLIES,
    SMS_REPLY_INDEXES,
    MongoSmsReplies,
)
from sightsync.gateway.adapters.idempotency import (
    IDEMPOTENCY_INDEXES,
    IDEMPOTENCY_KEYS,
    MongoIdempotencyStore,
)
from sightsync.gateway.adapters.rate_limits import (
    RATE_LIMIT_INDEXES,
    RATE_LIMIT_WINDOWS,
    MongoRateLimiter,
)
from sightsync.gateway.domain.rate_limit import RateLimitPolicy
from sightsync.webhooks.adapters.deliveries import (
    DELIVERIES,
    EVENTS,
    MongoDeliveryRepository,
)
from sightsync.webhooks.adapters.deliveries import (
    RETENTION as DELIVERY_RETENTION,
)
from sightsync.webhooks.adapters.endpoints import ENDPOINTS
from sightsync.webhooks.adapters.indexes import WEBHOOKS_INDEXES
from sightsync.webhooks.domain.events import WebhookEvent

pytestmark = pytest.mark.integration

# Nine months behind the real clock, as a test dated in the spring runs in December.
PAST_CLOCK = OffsetClock(-270 * 24 * 3600)


def expiry_of(document: Document | None) -> datetime:
    assert document is not None
    expires_at: datetime = document[EXPIRES_AT]
    return expires_at


def assert_kept_for(document: Document | None, retention: timedelta) -> None:
    """The record expires `retention` after the real moment it was written, give or take."""
    expected = datetime.now(UTC) + retention
    assert abs(expiry_of(document) - expected) < timedelta(minutes=1)


async def assert_ttl_index(
    db: AsyncDatabase[Document], specs: tuple[CollectionIndexes, ...]
) -> None:
    for spec in specs:
        indexes = await db[spec.collection].index_information()
        ttl = [index for index in indexes.values() if "expireAfterSeconds" in index]
        assert [(index["key"], index["expireAfterSeconds"]) for index in ttl] == [
            ([(EXPIRES_AT, 1)], 0)
        ], spec.collection


async def test_dedupe_records_and_the_outbox(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    db = mongo[f"{db_prefix}_common"]
    await declare_indexes(db, OUTBOX_INDEXES)
    store = MongoMessageStore(db, PAST_CLOCK)
    envelope = Envelope(
        type="test.expiry", occurred_at=PAST_CLOCK.now(), correlation_id="req_x", payload={}
    )

    await store.mark_handled("msg_handled", None)
    await store.stage([envelope], None)
    staged = await db[OUTBOX].find_one({"_id": envelope.id})
    await store.mark_published(envelope.id)

    await assert_ttl_index(db, OUTBOX_INDEXES)
    assert_kept_for(await db[PROCESSED].find_one({"_id": "msg_handled"}), PROCESSED_RETENTION)
    # An entry still waiting for the broker must never expire.
    assert staged is not None and EXPIRES_AT not in staged
    assert_kept_for(await db[OUTBOX].find_one({"_id": envelope.id}), PUBLISHED_RETENTION)


async def test_idempotency_keys_and_rate_limit_windows(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    db = mongo[f"{db_prefix}_gateway"]
    await declare_indexes(db, (IDEMPOTENCY_INDEXES, RATE_LIMIT_INDEXES))
    retention = timedelta(hours=24)
    idempotency = MongoIdempotencyStore(db, PAST_CLOCK, retention)
    limiter = MongoRateLimiter(db, RateLimitPolicy(limit=120), PAST_CLOCK)

    assert await idempotency.begin("key_1:retry-me", "fingerprint") is None
    status = await limiter.hit("key_1")

    await assert_ttl_index(db, (IDEMPOTENCY_INDEXES, RATE_LIMIT_INDEXES))
    assert_kept_for(await db[IDEMPOTENCY_KEYS].find_one({"_id": "key_1:retry-me"}), retention)
    window = await db[RATE_LIMIT_WINDOWS].find_one({})
    assert status.used == 1
    assert_kept_for(window, timedelta(seconds=120))


async def test_sms_replies_and_the_webhook_delivery_log(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    dialer_db = mongo[f"{db_prefix}_dialer"]
    webhooks_db = mongo[f"{db_prefix}_webhooks"]
    await declare_indexes(dialer_db, (SMS_REPLY_INDEXES,))
    await declare_indexes(webhooks_db, WEBHOOKS_INDEXES)
    now = PAST_CLOCK.now()
    event = WebhookEvent(new_id("evt", now), "call.completed", "prac_1", now, {"call_id": "c_1"})
    deliveries = MongoDeliveryRepository(webhooks_db)

    await MongoSmsReplies(dialer_db).record("SM1", now, ["prac_1"], None)
    await deliveries.store_event(event, now)
    delivery_id = await deliveries.add(event, "whk_1", now, max_attempts=3)

    await assert_ttl_index(dialer_db, (SMS_REPLY_INDEXES,))
    await assert_ttl_index(
        webhooks_db, tuple(spec for spec in WEBHOOKS_INDEXES if spec.collection != ENDPOINTS)
    )
    assert_kept_for(await dialer_db[SMS_REPLIES].find_one({"_id": "SM1"}), SMS_RETENTION)
    assert_kept_for(await webhooks_db[EVENTS].find_one({"_id": event.id}), DELIVERY_RETENTION)
    assert_kept_for(
        await webhooks_db[DELIVERIES].find_one({"_id": delivery_id}), DELIVERY_RETENTION
    )
    # The deployment's own timestamps stay on the deployment clock.
    stored = await webhooks_db[DELIVERIES].find_one({"_id": delivery_id})
    assert stored is not None
    assert abs(stored["created_at"].timestamp() - (time.time() - 270 * 24 * 3600)) < 60


async def test_a_ttl_index_no_longer_declared_is_dropped_at_start_up(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    db = mongo[f"{db_prefix}_common"]
    # What a database created before expiry moved to `expires_at` still holds.
    await db[PROCESSED].create_index("handled_at", expireAfterSeconds=30 * 24 * 3600)
    await db[PROCESSED].create_index("handled_by")

    await declare_indexes(db, OUTBOX_INDEXES)
    await declare_indexes(db, OUTBOX_INDEXES)

    await assert_ttl_index(db, OUTBOX_INDEXES)
    # Only expiry rules are pruned; any other index is left to whoever made it.
    assert "handled_by_1" in await db[PROCESSED].index_information()
