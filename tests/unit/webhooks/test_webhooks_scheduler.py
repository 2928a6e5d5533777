"""The scheduler's bounds: a hanging receiver, or practice, holds only its own slots."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta

from sightsync.common.clock import FrozenClock
from sightsync.webhooks.adapters.deliveries import ClaimedDelivery
from sightsync.webhooks.entrypoints.scheduler import DeliveryScheduler

NOW = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


class ListQueue:
    """Due deliveries in order; a claim takes the first whose endpoint and practice are free.

    Each due delivery is named by its endpoint, or by `endpoint@practice`.
    """

    def __init__(self, endpoints: list[str]) -> None:
        self.due = [_claimed(f"dlv_{i}", endpoint) for i, endpoint in enumerate(endpoints)]

    async def claim(
        self,
        now: datetime,
        lease: timedelta,
        busy_endpoints: Collection[str],
        busy_practices: Collection[str],
    ) -> ClaimedDelivery | None:
        for delivery in self.due:
            if delivery.endpoint_id in busy_endpoints or delivery.practice_id in busy_practices:
                continue
            self.due.remove(delivery)
            return delivery
        return None


def _claimed(delivery_id: str, destination: str) -> ClaimedDelivery:
    endpoint_id, _, practice_id = destination.partition("@")
    return ClaimedDelivery(
        id=delivery_id,
        endpoint_id=endpoint_id,
        practice_id=practice_id or "prac_1",
        event_id="evt_1",
        event_type="call.completed",
        attempt=1,
        max_attempts=10,
        lease_token="t",
    )


class Receivers:
    """Slow endpoints hang until released; the others answer at once."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.done: list[ClaimedDelivery] = []
        self.hanging = 0
        self.most_hanging = 0
        self.hanging_for: Counter[str] = Counter()
        self.most_hanging_for: Counter[str] = Counter()

    async def attempt(self, claimed: ClaimedDelivery) -> None:
        if claimed.endpoint_id.startswith("whk_slow"):
            practice = claimed.practice_id
            self.hanging += 1
            self.hanging_for[practice] += 1
            self.most_hanging = max(self.most_hanging, self.hanging)
            self.most_hanging_for[practice] = max(
                self.most_hanging_for[practice], self.hanging_for[practice]
            )
            await self.release.wait()
            self.hanging -= 1
            self.hanging_for[practice] -= 1
        self.done.append(claimed)

    def done_for(self, practice_id: str) -> list[str]:
        return [claimed.id for claimed in self.done if claimed.practice_id == practice_id]


def _scheduler(
    queue: ListQueue, receivers: Receivers, *, total: int, per_practice: int = 100
) -> DeliveryScheduler:
    return DeliveryScheduler(
        queue,
        receivers.attempt,
        FrozenClock(NOW),
        poll_seconds=0.01,
        lease=timedelta(seconds=60),
        max_in_flight=total,
        per_endpoint=2,
        per_practice=per_practice,
    )


async def _until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    async with asyncio.timeout(timeout):
        while True:
            if condition():
                return
            await asyncio.sleep(0.005)


async def test_a_hanging_endpoint_uses_its_own_slots_and_others_are_delivered() -> None:
    queue = ListQueue(["whk_slow"] * 6 + ["whk_fast"] * 5 + ["whk_other"] * 5)
    receivers = Receivers()
    scheduler = _scheduler(queue, receivers, total=8)

    scheduler.start()
    await _until(lambda: len(receivers.done) == 10)

    assert receivers.most_hanging == 2, "at most per_endpoint attempts to one receiver"
    assert [d.endpoint_id for d in queue.due] == ["whk_slow"] * 4
    receivers.release.set()
    await _until(lambda: len(receivers.done) == 16)
    await scheduler.stop(grace=1)


async def test_practices_whose_every_endpoint_hangs_cannot_starve_another_practice() -> None:
    # Two practices with ten hanging endpoints each, due first: without a per-practice bound
    # their 40 slots (10 x per_endpoint 2 each) would fill all 12 and prac_ok would wait.
    hanging = [f"whk_slow{n}@{p}" for p in ("prac_a", "prac_b") for n in range(10) for _ in "xy"]
    queue = ListQueue(hanging + ["whk_ok@prac_ok"] * 6)
    receivers = Receivers()
    scheduler = _scheduler(queue, receivers, total=12, per_practice=4)

    scheduler.start()
    await _until(lambda: len(receivers.done_for("prac_ok")) == 6)

    assert receivers.most_hanging_for == {"prac_a": 4, "prac_b": 4}
    assert receivers.most_hanging == 8, "four slots stayed free for everyone else"
    receivers.release.set()
    await _until(lambda: len(receivers.done) == len(hanging) + 6)
    await scheduler.stop(grace=1)


async def test_without_the_practice_bound_hanging_practices_fill_every_slot() -> None:
    # The same load with the bound lifted shows the first test's bound is what made room.
    hanging = [f"whk_slow{n}@{p}" for p in ("prac_a", "prac_b") for n in range(10) for _ in "xy"]
    queue = ListQueue(hanging + ["whk_ok@prac_ok"] * 6)
    receivers = Receivers()
    scheduler = _scheduler(queue, receivers, total=12, per_practice=100)

    scheduler.start()
    await _until(lambda: receivers.hanging == 12)
    await asyncio.sleep(0.05)

    assert receivers.done_for("prac_ok") == []
    receivers.release.set()
    await _until(lambda: len(receivers.done) == len(hanging) + 6)
    await scheduler.stop(grace=1)


async def test_the_global_bound_caps_attempts_in_flight() -> None:
    queue = ListQueue(["whk_slow"] * 3 + ["whk_fast"])
    receivers = Receivers()
    scheduler = _scheduler(queue, receivers, total=1)

    scheduler.start()
    await _until(lambda: receivers.hanging == 1)
    await asyncio.sleep(0.05)

    assert receivers.done == []
    assert len(queue.due) == 3
    receivers.release.set()
    await _until(lambda: len(receivers.done) == 4)
    await scheduler.stop(grace=1)


async def test_stopping_cancels_attempts_that_outlast_the_grace_and_claims_nothing_more() -> None:
    queue = ListQueue(["whk_slow", "whk_slow", "whk_slow"])
    receivers = Receivers()
    scheduler = _scheduler(queue, receivers, total=8)

    scheduler.start()
    await _until(lambda: receivers.hanging == 2)
    await scheduler.stop(grace=0.05)

    assert receivers.done == []
    assert len(queue.due) == 1, "left for whoever claims after the lease"


async def test_a_crashing_attempt_is_logged_and_the_loop_goes_on() -> None:
    queue = ListQueue(["whk_a", "whk_b"])
    done: list[str] = []

    async def attempt(claimed: ClaimedDelivery) -> None:
        if claimed.endpoint_id == "whk_a":
            raise RuntimeError("boom")
        done.append(claimed.id)

    scheduler = DeliveryScheduler(
        queue,
        attempt,
        FrozenClock(NOW),
        poll_seconds=0.01,
        lease=timedelta(seconds=60),
        max_in_flight=4,
        per_endpoint=1,
        per_practice=4,
    )
    scheduler.start()
    await _until(lambda: done == ["dlv_1"])
    await scheduler.stop(grace=1)
