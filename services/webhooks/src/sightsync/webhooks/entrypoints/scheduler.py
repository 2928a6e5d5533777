"""The loop that claims due deliveries and runs their attempts, within three bounds.

At most `max_in_flight` attempts run in this process, at most `per_endpoint` to any one
endpoint and at most `per_practice` for any one practice: a receiver that hangs holds only
its own slots, and a practice whose every endpoint hangs holds only its share, so other
practices' deliveries keep moving. The loop claims from MongoDB (never holding a broker
message), so work that dies with the process is claimed again once its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime, timedelta
from typing import Protocol

from sightsync.common.clock import Clock
from sightsync.common.logging import get_logger
from sightsync.webhooks import metrics
from sightsync.webhooks.adapters.deliveries import ClaimedDelivery

log = get_logger(__name__)


class DeliveryQueue(Protocol):
    async def claim(
        self,
        now: datetime,
        lease: timedelta,
        busy_endpoints: Collection[str],
        busy_practices: Collection[str],
    ) -> ClaimedDelivery | None: ...


Attempt = Callable[[ClaimedDelivery], Awaitable[None]]


class DeliveryScheduler:
    def __init__(
        self,
        queue: DeliveryQueue,
        attempt: Attempt,
        clock: Clock,
        *,
        poll_seconds: float,
        lease: timedelta,
        max_in_flight: int,
        per_endpoint: int,
        per_practice: int,
    ) -> None:
        self._queue = queue
        self._attempt = attempt
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._lease = lease
        self._max_in_flight = max_in_flight
        self._per_endpoint = per_endpoint
        self._per_practice = per_practice
        self._wake = asyncio.Event()
        self._running: dict[asyncio.Task[None], ClaimedDelivery] = {}
        self._per_endpoint_running: Counter[str] = Counter()
        self._per_practice_running: Counter[str] = Counter()
        self._loop: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="webhooks-scheduler")

    def wake(self) -> None:
        """Look for due work now rather than at the next poll."""
        self._wake.set()

    async def stop(self, grace: float) -> None:
        """Stop claiming; let running attempts finish for up to `grace` seconds."""
        self._stopping = True
        self._wake.set()
        if self._loop is not None:
            await asyncio.gather(self._loop, return_exceptions=True)
        if self._running:
            log.info("webhook_scheduler_draining", in_flight=len(self._running))
            _, unfinished = await asyncio.wait(list(self._running), timeout=grace)
            # Their leases expire and another process (or this one, restarted) claims them.
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._claim_what_fits()
            except Exception:
                log.exception("webhook_claim_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
            self._wake.clear()

    async def _claim_what_fits(self) -> None:
        while not self._stopping and len(self._running) < self._max_in_flight:
            claimed = await self._queue.claim(
                self._clock.now(),
                self._lease,
                _at_bound(self._per_endpoint_running, self._per_endpoint),
                _at_bound(self._per_practice_running, self._per_practice),
            )
            if claimed is None:
                return
            self._launch(claimed)

    def _launch(self, claimed: ClaimedDelivery) -> None:
        task = asyncio.create_task(self._guarded(claimed), name=f"webhook-attempt-{claimed.id}")
        self._running[task] = claimed
        self._per_endpoint_running[claimed.endpoint_id] += 1
        self._per_practice_running[claimed.practice_id] += 1
        metrics.IN_FLIGHT.inc()
        task.add_done_callback(self._finished)

    async def _guarded(self, claimed: ClaimedDelivery) -> None:
        try:
            await self._attempt(claimed)
        except Exception:
            # The lease runs out and the delivery is claimed again; nothing is lost.
            log.exception("webhook_attempt_crashed", delivery_id=claimed.id)

    def _finished(self, task: asyncio.Task[None]) -> None:
        claimed = self._running.pop(task)
        _release(self._per_endpoint_running, claimed.endpoint_id)
        _release(self._per_practice_running, claimed.practice_id)
        metrics.IN_FLIGHT.dec()
        self._wake.set()


def _at_bound(running: Counter[str], bound: int) -> frozenset[str]:
    return frozenset(key for key, count in running.items() if count >= bound)


def _release(running: Counter[str], key: str) -> None:
    running[key] -= 1
    if running[key] <= 0:
        del running[key]
