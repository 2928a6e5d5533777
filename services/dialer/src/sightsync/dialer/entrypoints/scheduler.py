"""Places due calls: the dialer's own durable queue, drained by every replica.

Each pass first looks after claims whose placement never reported back (a replica died
between claiming and hearing from the provider), then takes due calls one by one: claim
atomically unless the patient opted out, re-check the calling window, take a practice line
and a pacing token, look at the opt-out register once more, dial.
A call that has to wait goes back to the queue with a later due time, so waiting holds
no bus message and survives restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Final

from sightsync.common.clock import Clock
from sightsync.common.logging import get_logger
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.pacer import MongoPacer
from sightsync.dialer.adapters.practice_lines import MongoPracticeLines
from sightsync.dialer.adapters.practices import MongoPracticeDirectory, PracticeProfile
from sightsync.dialer.adapters.telephony.base import Placement, PlacementRefused, Telephony
from sightsync.dialer.domain.call_state import FailureReason
from sightsync.dialer.domain.calling_window import check_window, warm_up
from sightsync.dialer.domain.opt_out_register import OPTED_OUT_DETAIL
from sightsync.dialer.handlers.call_desk import CallDesk
from sightsync.dialer.handlers.placement_claims import PlacementClaims

log = get_logger(__name__)

BATCH: Final = 20
LINE_RETRY: Final = timedelta(milliseconds=500)


class PlacementScheduler:
    def __init__(
        self,
        calls: MongoCallRepository,
        claims: PlacementClaims,
        practices: MongoPracticeDirectory,
        lines: MongoPracticeLines,
        pacer: MongoPacer,
        telephony: Telephony,
        desk: CallDesk,
        clock: Clock,
        *,
        poll_seconds: float,
        lease_seconds: float,
    ) -> None:
        self._calls = calls
        self._claims = claims
        self._practices = practices
        self._lines = lines
        self._pacer = pacer
        self._telephony = telephony
        self._desk = desk
        self._clock = clock
        self._poll = poll_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look at the queue now rather than at the next poll."""
        self._wakeup.set()

    async def start(self) -> None:
        # Building holiday calendars takes about half a second each; not on the first call.
        await asyncio.to_thread(warm_up, self._clock.now().year)
        self._task = asyncio.create_task(self._run(), name="dialer-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def run_once(self) -> None:
        now = self._clock.now()
        for record in await self._calls.expired_claims(now, BATCH):
            await self._reconcile(record)
        for record in await self._calls.due(now, BATCH):
            await self._attempt(record.id)

    async def _run(self) -> None:
        while True:
            self._wakeup.clear()
            try:
                await self.run_once()
            except Exception:
                log.exception("scheduler_pass_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll)

    async def _attempt(self, call_id: str) -> None:
        now = self._clock.now()
        record = await self._claims.claim(call_id, now, self._lease)
        if record is None:
            return  # another replica took it, or the patient opted out
        practice = await self._practices.get(record.practice_id)

        window = check_window(now, practice.nation if practice else record.nation)
        if not window.is_open:
            if window.opens_at is not None:
                await self._requeue(record, window.opens_at, "before_hours")
            else:
                await self._desk.give_up(record.id, f"outside the calling window ({window.closed})")
            return
        if practice is not None and practice.status == "canceled":
            await self._desk.give_up(record.id, "the practice's subscription is canceled")
            return

        if not await self._lines.acquire(record.practice_id, record.id):
            await self._requeue(record, now + LINE_RETRY, "practice_lines_busy")
            return
        pace = await self._pacer.take(now)
        if not pace.allowed:
            await self._lines.release(record.practice_id, record.id)
            if window.closes_at is not None and pace.retry_at >= window.closes_at:
                detail = "pacing could not place the call before 18:00 UK time"
                await self._desk.give_up(record.id, detail)
            else:
                await self._requeue(record, pace.retry_at, "paced")
            return

        await self._place(record, practice)

    async def _place(self, record: CallRecord, practice: PracticeProfile | None) -> None:
        if await self._claims.opted_out(record):
            # The opt-out landed after the claim: the last moment it can still be honoured.
            await self._desk.give_up(record.id, OPTED_OUT_DETAIL)
            return
        placement = self._placement(record, practice)
        try:
            provider_call_id = await self._telephony.place(placement)
        except PlacementRefused as refused:
            await self._desk.give_up(record.id, str(refused), FailureReason.CARRIER_ERROR)
            return
        except Exception:
            # The provider may or may not have the call. It stays claimed; when the claim
            # expires the provider is asked before anything is dialled again.
            log.exception("call_placement_unknown", call_id=record.id)
            return
        await self._desk.placed(record.id, provider_call_id, placement.sender)

    async def _reconcile(self, record: CallRecord) -> None:
        practice = await self._practices.get(record.practice_id)
        placement = self._placement(record, practice)
        try:
            provider_call_id = await self._telephony.find(placement)
        except Exception:
            log.warning("placement_lookup_failed", call_id=record.id, exc_info=True)
            return
        if provider_call_id is not None:
            await self._desk.placed(record.id, provider_call_id, placement.sender)
            log.info("placement_reconciled", call_id=record.id, found=True)
            return
        if await self._calls.requeue(record, self._clock.now()):
            await self._lines.release(record.practice_id, record.id)
            log.info("placement_reconciled", call_id=record.id, found=False)

    async def _requeue(self, record: CallRecord, due_at: datetime, why: str) -> None:
        if await self._calls.requeue(record, due_at):
            log.debug("call_deferred", call_id=record.id, practice_id=record.practice_id, why=why)

    @staticmethod
    def _placement(record: CallRecord, practice: PracticeProfile | None) -> Placement:
        caller_id = practice.caller_id if practice and practice.caller_id else record.caller_id
        return Placement(
            call_id=record.id,
            practice_id=record.practice_id,
            to=record.patient.phone_number,
            caller_id=caller_id,
            placing_since=record.placing_at or record.created_at,
        )
