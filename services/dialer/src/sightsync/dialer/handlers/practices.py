"""`practice.updated`: keep the dialer's projection of practices (older revisions lose)."""

from __future__ import annotations

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.logging import get_logger
from sightsync.common.messages.practices import PracticeUpdated
from sightsync.dialer.adapters.practices import MongoPracticeDirectory

log = get_logger(__name__)


class HandlePracticeUpdated:
    def __init__(self, practices: MongoPracticeDirectory) -> None:
        self._practices = practices

    async def __call__(self, message: PracticeUpdated, context: MessageContext) -> None:
        applied = await self._practices.apply(message, context.session)
        if applied:
            log.info(
                "practice_projected", practice_id=message.practice_id, revision=message.revision
            )
        else:
            log.info(
                "practice_revision_skipped",
                practice_id=message.practice_id,
                revision=message.revision,
            )
