"""The dialer's projection of practices, kept from `practice.updated` events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from sightsync.common.logging import get_logger
from sightsync.common.messages.practices import PracticeUpdated
from sightsync.common.storage import Document
from sightsync.dialer.domain.slots import DiarySettings

PRACTICES = "practices"

log = get_logger(__name__)


@dataclass(frozen=True)
class PracticeProfile:
    practice_id: str
    name: str
    caller_id: str | None
    nation: str
    status: str
    diary: DiarySettings
    revision: int


class MongoPracticeDirectory:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._practices = db[PRACTICES]

    async def apply(self, event: PracticeUpdated, session: AsyncClientSession | None) -> bool:
        """Store the practice as the event describes it, unless a newer revision is known."""
        fields = {
            "name": event.name,
            "caller_id": event.caller_id,
            "nation": event.nation,
            "status": event.status,
            "diary": event.diary,
            "revision": event.revision,
        }
        current = await self._practices.find_one({"_id": event.practice_id}, session=session)
        if current is None:
            await self._practices.insert_one({"_id": event.practice_id, **fields}, session=session)
            return True
        if current.get("revision", -1) >= event.revision:
            return False
        result = await self._practices.update_one(
            {"_id": event.practice_id, "revision": current.get("revision")},
            {"$set": fields},
            session=session,
        )
        return result.modified_count == 1

    async def get(
        self, practice_id: str, session: AsyncClientSession | None = None
    ) -> PracticeProfile | None:
        doc = await self._practices.find_one({"_id": practice_id}, session=session)
        if doc is None:
            return None
        return PracticeProfile(
            practice_id=practice_id,
            name=doc["name"],
            caller_id=doc.get("caller_id"),
            nation=doc.get("nation", "england"),
            status=doc.get("status", "active"),
            diary=diary_from(doc.get("diary"), practice_id),
            revision=doc.get("revision", 0),
        )


def diary_from(raw: dict[str, Any] | None, practice_id: str) -> DiarySettings:
    """The practice's diary, or the default layout when it has none or it does not parse.

    Compliance stores a checked PracticeDiary, whose fields DiarySettings reads as they are.
    """
    if not raw:
        return DiarySettings()
    try:
        return DiarySettings.model_validate(raw)
    except ValidationError:
        # Only a diary stored before compliance began checking them can fail here. Calls
        # should not stop over it, but the defaults may offer days the practice is closed,
        # so every use says so until an operator sends a valid diary.
        log.warning("diary_invalid_using_defaults", practice_id=practice_id)
        return DiarySettings()
