"""Message base classes and the versioned envelope every message travels in."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from sightsync.common.ids import new_id


class Message(BaseModel):
    """A frozen, typed message; subclasses set `message_type` (the routing key)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_type: ClassVar[str]
    version: ClassVar[int] = 1


class Command(Message):
    """An instruction to the one service that owns it; exactly one handler."""

    owner: ClassVar[str]


class Event(Message):
    """Something that happened; zero or more services react."""


class Request(Message):
    """A question or decision that an HTTP caller waits for (request/reply)."""

    owner: ClassVar[str]


class Envelope(BaseModel):
    """What crosses the wire: metadata plus the message's payload, JSON encoded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default_factory=lambda: new_id("msg"))
    type: str
    version: int = 1
    occurred_at: datetime
    correlation_id: str
    causation_id: str | None = None
    practice_id: str | None = None
    payload: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        message: Message,
        *,
        occurred_at: datetime,
        correlation_id: str,
        practice_id: str | None = None,
        causation_id: str | None = None,
    ) -> Envelope:
        """Put a message in a fresh envelope."""
        return cls(
            type=message.message_type,
            version=message.version,
            occurred_at=occurred_at,
            correlation_id=correlation_id,
            causation_id=causation_id,
            practice_id=practice_id,
            payload=message.model_dump(mode="json"),
        )


class ErrorDetail(BaseModel):
    """Why a request was refused: a machine code, a message and the suggested HTTP status."""

    model_config = ConfigDict(frozen=True)

    code: str
    message: str
    status: int
    details: dict[str, Any] = Field(default_factory=dict)


class Reply(BaseModel):
    """The answer to a Request: either `result` or `error`."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    result: dict[str, Any] | None = None
    error: ErrorDetail | None = None


class Refusal(Exception):
    """Raised by a request handler to answer with an error reply instead of a result."""

    def __init__(self, code: str, message: str, status: int, **details: Any) -> None:
        super().__init__(message)
        self.detail = ErrorDetail(code=code, message=message, status=status, details=details)
