"""Which patients' text messages have been acted on, by the provider's message id.

Providers retry a webhook they did not hear back from, so an opt-out is recorded under its
message id in the same transaction as the events it emitted; a retry finds it and emits
nothing. The record holds no number or text, and expires once no retry can come.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.storage import (
    EXPIRES_AT,
    CollectionIndexes,
    Document,
    expires_after,
    expiry_index,
)

SMS_REPLIES = "sms_replies"
# Twilio stops retrying a webhook within hours; a month is ample.
RETENTION = timedelta(days=30)

SMS_REPLY_INDEXES = CollectionIndexes(SMS_REPLIES, (expiry_index(),))


class MongoSmsReplies:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._replies = db[SMS_REPLIES]

    async def seen(self, message_sid: str, session: AsyncClientSession | None) -> bool:
        return await self._replies.find_one({"_id": message_sid}, session=session) is not None

    async def record(
        self,
        message_sid: str,
        received_at: datetime,
        practice_ids: list[str],
        session: AsyncClientSession | None,
    ) -> None:
        """Remember that this message was acted on; DuplicateKeyError when it already was."""
        await self._replies.insert_one(
            {
                "_id": message_sid,
                "received_at": received_at,
                "practice_ids": practice_ids,
                EXPIRES_AT: expires_after(RETENTION),
            },
            session=session,
        )
