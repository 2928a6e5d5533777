"""The number a practice's calls come from: a UK number a patient can ring back cheaply."""

from __future__ import annotations

import re
from typing import Final

# Geographic (01, 02), non-geographic (03), corporate (05), mobile (07) and freephone (08)
# ranges; 09 is premium rate and must never be shown to a patient as a number to ring back.
_UK_CALLER_ID: Final = re.compile(r"^\+44(?:[1-357]\d{8,9}|80\d{7,8})$")


def normalise_caller_id(raw: str | None) -> str | None:
    """The caller id in E.164, or None when it is missing or not a usable UK number."""
    if not raw:
        return None
    compact = re.sub(r"[\s()\-]", "", raw)
    if compact.startswith("0") and not compact.startswith("00"):
        compact = "+44" + compact[1:]
    elif compact.startswith("0044"):
        compact = "+" + compact[2:]
    if compact.startswith("+440"):
        # "+44 (0)20 ..." as printed on letterheads.
        compact = "+44" + compact[4:]
    return compact if _UK_CALLER_ID.match(compact) else None
