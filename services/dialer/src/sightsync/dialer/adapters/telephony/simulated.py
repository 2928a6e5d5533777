"""TELEPHONY=simulated: no network. A scripted patient (chosen by the number's last digit)
answers the same conversation engine, through the same reports a real provider sends."""

from __future__ import annotations

import asyncio
import time

from sightsync.common.logging import get_logger
from sightsync.dialer.adapters.telephony.base import AgentSays, CallEvents, Placement
from sightsync.dialer.domain.provider_events import ProviderEvent, ProviderEventKind
from sightsync.dialer.domain.scripts import PatientScript, ProviderReport, script_for

log = get_logger(__name__)

_UNANSWERED = {
    ProviderReport.NO_ANSWER: ProviderEventKind.NO_ANSWER,
    ProviderReport.BUSY: ProviderEventKind.BUSY,
    ProviderReport.CARRIER_ERROR: ProviderEventKind.FAILED,
}
# A conversation that runs away (a script that never ends it) is cut off here.
_MAX_TURNS = 20


class SimulatedTelephony:
    name = "simulated"

    def __init__(self, step_seconds: float = 0.1) -> None:
        self._step = step_seconds
        self._events: CallEvents | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        # The last report of each call this process is playing, by provider call id.
        self._live: dict[str, ProviderEventKind] = {}
        self.placed: list[str] = []

    def attach(self, events: CallEvents) -> None:
        self._events = events

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def place(self, placement: Placement) -> str:
        provider_call_id = f"sim_{placement.call_id}"
        self.placed.append(placement.call_id)
        self._live[provider_call_id] = ProviderEventKind.INITIATED
        task = asyncio.create_task(
            self._play(placement, provider_call_id), name=f"simulated-{placement.call_id}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return provider_call_id

    async def find(self, placement: Placement) -> str | None:
        # Simulated calls live in the process that placed them; after a crash there is
        # nothing at the "provider" to find, so the call may be placed again.
        return None

    async def status(self, provider_call_id: str) -> ProviderEvent | None:
        # Only calls still playing in this process are known; one that ended, or whose
        # process died, is gone, just as the provider's own record would be missing.
        kind = self._live.get(provider_call_id)
        return None if kind is None else ProviderEvent(kind, provider_call_id)

    async def hang_up(self, provider_call_id: str) -> None:
        return None

    async def _play(self, placement: Placement, provider_call_id: str) -> None:
        try:
            await self._run_script(placement.call_id, provider_call_id, script_for(placement.to))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("simulated_call_failed", call_id=placement.call_id)
        finally:
            self._live.pop(provider_call_id, None)

    async def _run_script(self, call_id: str, sid: str, script: PatientScript) -> None:
        events = self._events
        if events is None:
            raise RuntimeError("the simulated provider has nowhere to report to")
        await self._report(call_id, sid, ProviderEventKind.RINGING)
        if script.provider in _UNANSWERED:
            await self._report(call_id, sid, _UNANSWERED[script.provider])
            return
        started = time.monotonic()
        await self._report(call_id, sid, ProviderEventKind.ANSWERED)
        says = await events.answered(call_id, sid)
        if script.provider is ProviderReport.MACHINE:
            await self._report(call_id, sid, ProviderEventKind.MACHINE)
        else:
            await self._converse(call_id, script, says)
        duration = round(time.monotonic() - started, 3)
        await self._report(call_id, sid, ProviderEventKind.COMPLETED, duration)

    async def _converse(self, call_id: str, script: PatientScript, says: AgentSays) -> None:
        assert self._events is not None
        for _ in range(_MAX_TURNS):
            if says.end_call:
                return
            move = script.reply_to(says.text)
            await asyncio.sleep(self._step)
            if move is None:
                says = await self._events.patient_turn(call_id, speech="")
            else:
                says = await self._events.patient_turn(
                    call_id, speech=move.text, digits=move.digits
                )

    async def _report(
        self, call_id: str, sid: str, kind: ProviderEventKind, duration: float | None = None
    ) -> None:
        assert self._events is not None
        await asyncio.sleep(self._step)
        self._live[sid] = kind
        await self._events.report(call_id, ProviderEvent(kind, sid, duration))
