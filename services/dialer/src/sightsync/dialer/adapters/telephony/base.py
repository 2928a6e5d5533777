"""The one small interface every telephony provider sits behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sightsync.dialer.domain.caller_id import normalise_caller_id
from sightsync.dialer.domain.provider_events import ProviderEvent


@dataclass(frozen=True)
class Placement:
    """Everything a provider needs to dial one call."""

    call_id: str
    practice_id: str
    to: str
    caller_id: str | None
    placing_since: datetime

    @property
    def sender(self) -> str | None:
        """The caller id in E.164, as the patient's phone shows it; None when unusable."""
        return normalise_caller_id(self.caller_id)


@dataclass(frozen=True)
class AgentSays:
    """What the agent says next, and whether the call ends after it."""

    text: str
    end_call: bool


class PlacementRefused(Exception):
    """The provider certainly did not place the call (bad request, no caller id)."""


class CallEvents(Protocol):
    """What a provider reports back: progress, and the patient's side of the conversation."""

    async def report(self, call_id: str, event: ProviderEvent) -> None: ...

    async def answered(self, call_id: str, provider_call_id: str | None = None) -> AgentSays: ...

    async def patient_turn(
        self, call_id: str, *, speech: str | None = None, digits: str | None = None
    ) -> AgentSays: ...


class Telephony(Protocol):
    name: str

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def place(self, placement: Placement) -> str:
        """Dial; returns the provider's call id.

        Raises PlacementRefused when the provider certainly did not place the call. Any
        other exception leaves the outcome unknown, and the caller must not dial again
        without asking `find` first.
        """
        ...

    async def find(self, placement: Placement) -> str | None:
        """The provider's id of a call this placement already made, if there is one."""
        ...

    async def status(self, provider_call_id: str) -> ProviderEvent | None:
        """Where the provider says the call stands now; None when it has no such call."""
        ...

    async def hang_up(self, provider_call_id: str) -> None: ...
