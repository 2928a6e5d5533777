"""Requests to compliance that maintain the TPS/CTPS register (operators' CLI)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from sightsync.common.messages.base import Request
from sightsync.common.messages.registry import register


class NumberedLine(BaseModel):
    """One line of an operator's file, with its line number for error reports."""

    model_config = ConfigDict(frozen=True)

    line: int
    text: str


class ImportTpsNumbers(Request):
    """One batch of an import. With `replace`, batches are staged under `import_id` and the
    whole register is swapped atomically when the batch marked `final` arrives.

    Replies {"added": n, "malformed": [{"line", "reason"}], "register_size": n (on final)}.
    """

    message_type: ClassVar[str] = "tps.import"
    owner: ClassVar[str] = "compliance"

    import_id: str
    lines: list[NumberedLine] = Field(max_length=5000)
    replace: bool = False
    final: bool = True


class RemoveTpsNumbers(Request):
    """Replies {"removed": n, "malformed": [{"line", "reason"}]}."""

    message_type: ClassVar[str] = "tps.remove"
    owner: ClassVar[str] = "compliance"

    lines: list[NumberedLine] = Field(max_length=5000)


class CheckTpsNumber(Request):
    """Replies {"phone_number": E.164, "registered": bool}; 422 when unparseable."""

    message_type: ClassVar[str] = "tps.check"
    owner: ClassVar[str] = "compliance"

    number: str


register(ImportTpsNumbers, RemoveTpsNumbers, CheckTpsNumber)
