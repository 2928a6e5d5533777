"""Claiming a due call for dialling, with the opt-out register read in the same transaction.

The claim reads the register and moves the call `queued` -> `placing` in one transaction.
An opt-out's handler writes its register entries and cancels the same queued call in one
transaction of its own, so the two always touch the call's document: when they overlap,
MongoDB lets only one commit and the other retries and sees what it did. Either the claim
sees the opt-out and cancels the call, or the opt-out finds the call already claimed, and
the scheduler's look at the register right before the provider request (`opted_out`)
stops it there.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sightsync.common.logging import get_logger
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.opt_out_register import MongoOptOutRegister
from sightsync.dialer.adapters.practice_lines import MongoPracticeLines
from sightsync.dialer.adapters.unit_of_work import Unit, UnitRunner
from sightsync.dialer.domain.call_state import FailureReason
from sightsync.dialer.domain.opt_out_register import OPTED_OUT_DETAIL
from sightsync.dialer.handlers import lifecycle

log = get_logger(__name__)


class PlacementClaims:
    def __init__(
        self,
        runner: UnitRunner,
        calls: MongoCallRepository,
        register: MongoOptOutRegister,
        lines: MongoPracticeLines,
    ) -> None:
        self._runner = runner
        self._calls = calls
        self._register = register
        self._lines = lines

    async def claim(self, call_id: str, now: datetime, lease: timedelta) -> CallRecord | None:
        """The claimed call, or None when another replica took it or its patient opted out
        (the call is then failed as canceled, with its event)."""

        async def work(unit: Unit) -> CallRecord | None:
            record = await self._calls.get(call_id, unit.session)
            if record is None or record.phase != "queued":
                return None
            if record.due_at is not None and record.due_at > now:
                return None
            if await self._register.bars(record, unit.session):
                unit.correlate(record.correlation_id, record.causation_id)
                await self.cancel(record, now, unit)
                return None
            return await self._calls.claim(call_id, now, lease, unit.session)

        return await self._runner.run(work)

    async def opted_out(self, record: CallRecord) -> bool:
        """Look at the register again, right before the provider is asked to dial."""
        return await self._register.bars(record, None)

    async def cancel(self, record: CallRecord, now: datetime, unit: Unit) -> None:
        lifecycle.mark_failed(record, FailureReason.CANCELED, now, unit, OPTED_OUT_DETAIL)
        await self._lines.release(record.practice_id, record.id, unit.session)
        await self._calls.save(record, unit.session)
        call_id = record.id
        unit.note(lambda: log.info("opted_out_call_not_placed", call_id=call_id))
