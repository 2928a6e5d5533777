"""What was said on a call, turn by turn."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Speaker(StrEnum):
    AGENT = "agent"
    PATIENT = "patient"


@dataclass(frozen=True)
class Turn:
    index: int
    speaker: Speaker
    text: str


def pressed(digits: str) -> str:
    """How keypresses read in a transcript: "[pressed 1]"."""
    return f"[pressed {digits}]"


SILENCE = "[silence]"
HUNG_UP = "[hung up]"


class Transcript:
    """Append-only turns with an index that only ever grows."""

    def __init__(self) -> None:
        self._turns: list[Turn] = []

    def add(self, speaker: Speaker, text: str) -> Turn:
        turn = Turn(index=len(self._turns), speaker=speaker, text=text)
        self._turns.append(turn)
        return turn

    @property
    def turns(self) -> tuple[Turn, ...]:
        return tuple(self._turns)
