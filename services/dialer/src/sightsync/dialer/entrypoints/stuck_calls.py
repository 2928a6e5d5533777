"""Settles calls whose provider stopped reporting, so none holds a practice line forever.

A lost final callback, or a process that died while playing a simulated call, leaves a
call `calling`, `ringing` or `in_progress` with nothing left to move it. Every replica
sweeps: an overdue call is looked up at the provider and settled through the CallDesk
with a check on the version it was read at, so when two replicas sweep the same call
only one settles it and its events are emitted once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Final

from sightsync.common.clock import Clock
from sightsync.common.logging import get_logger
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.telephony.base import Telephony
from sightsync.dialer.domain.provider_events import ProviderEvent
from sightsync.dialer.domain.stuck_calls import Remedy, past_hard_limit, remedy
from sightsync.dialer.handlers.call_desk import CallDesk

log = get_logger(__name__)

BATCH: Final = 50


class StuckCallSweeper:
    def __init__(
        self,
        calls: MongoCallRepository,
        telephony: Telephony,
        desk: CallDesk,
        clock: Clock,
        *,
        interval_seconds: float,
        ring_limit_seconds: float,
        max_call_seconds: float,
    ) -> None:
        self._calls = calls
        self._telephony = telephony
        self._desk = desk
        self._clock = clock
        self._interval = interval_seconds
        self._ring_limit = timedelta(seconds=ring_limit_seconds)
        self._max_call = timedelta(seconds=max_call_seconds)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="dialer-stuck-calls")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def run_once(self) -> int:
        """Look at every overdue call once; returns how many this replica settled."""
        now = self._clock.now()
        overdue = await self._calls.stuck(now - self._ring_limit, now - self._max_call, BATCH)
        settled = 0
        for record in overdue:
            try:
                if await self._sweep(record):
                    settled += 1
            except Exception:
                log.warning("stuck_call_not_settled", call_id=record.id, exc_info=True)
        return settled

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("stuck_call_sweep_failed")
            await asyncio.sleep(self._interval)

    async def _sweep(self, record: CallRecord) -> bool:
        reported = await self._ask_provider(record)
        kind = reported.kind if reported is not None else None
        late = past_hard_limit(
            self._clock.now(), record.placed_at, record.answered_at, self._max_call
        )
        action = remedy(record.phase, kind, late)
        log.info("stuck_call_found", call_id=record.id, phase=record.phase, remedy=action.value)

        if action is Remedy.SETTLE:
            return await self._desk.settle(record.id, record.version, reported)
        if action is Remedy.ANSWER and reported is not None:
            await self._desk.report(record.id, reported)
        elif action is Remedy.HANG_UP and record.provider_call_id:
            # The provider's final callback, or the next sweep, then settles it.
            try:
                await self._telephony.hang_up(record.provider_call_id)
            except Exception:
                log.warning("stuck_call_hang_up_failed", call_id=record.id, exc_info=True)
        return False

    async def _ask_provider(self, record: CallRecord) -> ProviderEvent | None:
        if not record.provider_call_id:
            return None
        return await self._telephony.status(record.provider_call_id)
