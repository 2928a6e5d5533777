"""Everything that happens to a call after it is claimed, one transaction per happening.

The provider's reports (from Twilio's callbacks or the simulated patient) and the
scheduler's decisions all land here. Each runs as a unit of work: load the call, decide
with the pure state machine, save it (versioned) and stage its events together.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from sightsync.common.clock import Clock
from sightsync.common.logging import get_logger
from sightsync.dialer.adapters.call_records import LIVE_PHASES, CallRecord
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.practice_lines import MongoPracticeLines
from sightsync.dialer.adapters.telephony.base import AgentSays
from sightsync.dialer.adapters.unit_of_work import Unit, UnitRunner
from sightsync.dialer.domain.call_state import (
    CallState,
    FailureReason,
    Outcome,
    Verdict,
    check_transition,
)
from sightsync.dialer.domain.provider_events import (
    ProviderEvent,
    ProviderEventKind,
    target_status,
)
from sightsync.dialer.domain.transcript import Speaker
from sightsync.dialer.handlers import lifecycle
from sightsync.dialer.handlers.conversation_turns import GOODBYE, Conversations

T = TypeVar("T")
STUCK_DETAIL = "the provider's final report never came and it has no record of the call"
HangUp = Callable[[str], Awaitable[None]]

log = get_logger(__name__)


class CallDesk:
    def __init__(
        self,
        runner: UnitRunner,
        calls: MongoCallRepository,
        lines: MongoPracticeLines,
        conversations: Conversations,
        clock: Clock,
        provider: str,
        hang_up: HangUp,
    ) -> None:
        self._runner = runner
        self._calls = calls
        self._lines = lines
        self._conversations = conversations
        self._clock = clock
        self._provider = provider
        self._hang_up = hang_up

    # ----- provider reports (the CallEvents protocol) ----------------------------------

    async def report(self, call_id: str, event: ProviderEvent) -> None:
        async def work(unit: Unit, record: CallRecord) -> None:
            await self._apply(record, event, unit)

        await self._on_call(call_id, work, None)

    async def answered(self, call_id: str, provider_call_id: str | None = None) -> AgentSays:
        async def work(unit: Unit, record: CallRecord) -> AgentSays:
            # The voice webhook can beat the "answered" status callback; either one answers.
            event = ProviderEvent(ProviderEventKind.ANSWERED, provider_call_id)
            await self._apply(record, event, unit)
            if record.phase != "in_progress":
                return AgentSays(GOODBYE, True)
            return await self._conversations.start(record, unit)

        return await self._on_call(call_id, work, AgentSays(GOODBYE, True))

    async def patient_turn(
        self, call_id: str, *, speech: str | None = None, digits: str | None = None
    ) -> AgentSays:
        async def work(unit: Unit, record: CallRecord) -> AgentSays:
            return await self._conversations.patient_turn(
                record, unit, speech=speech, digits=digits
            )

        return await self._on_call(call_id, work, AgentSays(GOODBYE, True))

    # ----- the scheduler's outcomes ----------------------------------------------------

    async def placed(self, call_id: str, provider_call_id: str, sender: str | None = None) -> None:
        async def work(unit: Unit, record: CallRecord) -> None:
            lifecycle.mark_placed(record, self._provider, provider_call_id, self._now(), unit)
            # Even when a callback recorded the placement first: this is the number dialled.
            record.sender = sender or record.sender

        await self._on_call(call_id, work, None)

    async def give_up(
        self, call_id: str, detail: str, reason: FailureReason = FailureReason.CANCELED
    ) -> None:
        """End a claimed call that will not be placed; its line (if any) is given back."""

        async def work(unit: Unit, record: CallRecord) -> None:
            if record.phase not in ("queued", "placing"):
                return
            lifecycle.mark_failed(record, reason, self._now(), unit, detail)
            await self._lines.release(record.practice_id, record.id, unit.session)

        await self._on_call(call_id, work, None)

    # ----- the stuck-call sweeper ------------------------------------------------------

    async def settle(self, call_id: str, seen_version: int, final: ProviderEvent | None) -> bool:
        """End a live call whose last report never came, unless it moved since it was read.

        `final` is the provider's own final status, or None when the provider has no record
        of the call. Returns True when this replica settled it.
        """

        async def work(unit: Unit, record: CallRecord) -> bool:
            if record.version != seen_version or record.phase not in LIVE_PHASES:
                return False
            phase, event = record.phase, final
            conversation = record.conversation
            if event is None and conversation is not None and conversation.outcome is not None:
                # The conversation had already ended; only the provider's last word was lost.
                event = ProviderEvent(ProviderEventKind.COMPLETED, record.provider_call_id)
            if event is not None:
                await self._apply(record, event, unit)
            reported = event.kind.value if event is not None else "unknown"
            if record.phase not in ("completed", "failed"):
                # Nothing the provider said ends it legally (or it said nothing): a lost call.
                detail = STUCK_DETAIL if event is None else f"stuck; provider said {reported}"
                reason = FailureReason.CARRIER_ERROR
                lifecycle.mark_failed(record, reason, self._now(), unit, detail)
                await self._lines.release(record.practice_id, record.id, unit.session)
            unit.note(
                lambda: log.info("stuck_call_settled", call_id=call_id, was=phase, said=reported)
            )
            return True

        return await self._on_call(call_id, work, False)

    # ----- internals -------------------------------------------------------------------

    async def _on_call(
        self, call_id: str, work: Callable[[Unit, CallRecord], Awaitable[T]], missing: T
    ) -> T:
        async def unit_work(unit: Unit) -> T:
            record = await self._calls.get(call_id, unit.session)
            if record is None:
                unit.note(lambda: log.warning("provider_report_for_unknown_call", call_id=call_id))
                return missing
            unit.correlate(record.correlation_id, record.causation_id)
            before = record.model_copy(deep=True)
            result = await work(unit, record)
            if record != before:
                await self._calls.save(record, unit.session)
            return result

        return await self._runner.run(unit_work)

    async def _apply(self, record: CallRecord, event: ProviderEvent, unit: Unit) -> None:
        now = self._now()
        if record.phase == "queued":
            unit.note(lambda: log.warning("provider_report_before_claim", call_id=record.id))
            return
        if record.phase == "placing":
            # The provider's first callback can arrive before its REST answer does.
            lifecycle.mark_placed(record, self._provider, event.provider_call_id, now, unit)
        current = record.status()
        target = target_status(event.kind, current)
        if target is None:
            return
        verdict = check_transition(current, target, patient_engaged=_patient_engaged(record))
        if verdict is Verdict.OVERTAKEN:
            unit.note(
                lambda: log.info("machine_report_ignored", call_id=record.id, phase=record.phase)
            )
        elif verdict is Verdict.ILLEGAL:
            unit.note(
                lambda: log.warning(
                    "provider_report_ignored",
                    call_id=record.id,
                    report=event.kind.value,
                    phase=record.phase,
                )
            )
        if verdict is not Verdict.ADVANCE:
            return
        if target.state is CallState.RINGING:
            record.phase = "ringing"
        elif target.state is CallState.IN_PROGRESS:
            lifecycle.mark_answered(record, now, unit)
        elif target.state is CallState.COMPLETED:
            self._complete(record, event, unit)
        elif target.reason is not None:
            lifecycle.mark_failed(record, target.reason, now, unit, None)
            if target.reason is FailureReason.VOICEMAIL and record.provider_call_id:
                provider_call_id = record.provider_call_id
                unit.after_commit.append(lambda: self._hang_up(provider_call_id))
        if record.phase in ("completed", "failed"):
            await self._lines.release(record.practice_id, record.id, unit.session)

    def _complete(self, record: CallRecord, event: ProviderEvent, unit: Unit) -> None:
        now = self._now()
        self._conversations.hang_up(record)
        conversation = record.conversation
        if conversation is None or conversation.outcome is None:
            detail = "the call ended before the conversation began"
            lifecycle.mark_failed(record, FailureReason.CARRIER_ERROR, now, unit, detail)
            return
        lifecycle.mark_completed(
            record,
            Outcome(conversation.outcome),
            conversation.summary or "",
            now,
            unit,
            event.duration_seconds,
        )

    def _now(self) -> datetime:
        return self._clock.now()


def _patient_engaged(record: CallRecord) -> bool:
    conversation = record.conversation
    if conversation is None:
        return False
    if conversation.outcome is not None:
        return True
    return any(turn.speaker == Speaker.PATIENT.value for turn in conversation.transcript)
