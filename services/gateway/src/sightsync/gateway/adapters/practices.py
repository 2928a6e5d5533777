"""The practices compliance knows, asked over the bus."""

from __future__ import annotations

from sightsync.common.bus.connection import Bus
from sightsync.common.messages.practices import GetPractice


class BusPracticeDirectory:
    def __init__(self, bus: Bus) -> None:
        self._bus = bus

    async def exists(self, practice_id: str, *, correlation_id: str) -> bool:
        """True when compliance has the practice; BusUnavailable when it does not answer."""
        reply = await self._bus.request(
            GetPractice(practice_id=practice_id),
            correlation_id=correlation_id,
            practice_id=practice_id,
        )
        if reply.ok:
            return True
        if reply.error is not None and reply.error.status == 404:
            return False
        raise RuntimeError(f"practice.get failed: {reply.error}")
