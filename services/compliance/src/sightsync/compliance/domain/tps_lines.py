"""Reading an operator's TPS/CTPS file: one number a line, any UK format."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sightsync.compliance.domain.phone import UnparseableNumber, check_phone_number


@dataclass(frozen=True)
class MalformedLine:
    line: int
    reason: str


@dataclass(frozen=True)
class RegisterLines:
    # E.164, each once, in file order.
    numbers: tuple[str, ...]
    malformed: tuple[MalformedLine, ...]


def parse_register_lines(lines: Iterable[tuple[int, str]]) -> RegisterLines:
    """Split numbered lines into E.164 numbers and malformed lines with their reasons.

    Blank lines and `#` comments are skipped. Every valid UK number is kept, callable or
    not: the register says who must not be rung, whatever kind of number it is.
    """
    numbers: dict[str, None] = {}
    malformed: list[MalformedLine] = []
    for line, text in lines:
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        checked = check_phone_number(stripped)
        if isinstance(checked, UnparseableNumber):
            malformed.append(MalformedLine(line, checked.message))
        else:
            numbers.setdefault(checked.e164)
    return RegisterLines(tuple(numbers), tuple(malformed))
