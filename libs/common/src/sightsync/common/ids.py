"""Prefixed, time-sortable identifiers (ULID)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final, Literal

from ulid import ULID

IdPrefix = Literal["pat", "c", "apt", "prac", "key", "evt", "msg", "req", "whk", "dlv"]

_ID_PATTERN: Final = re.compile(r"^(?P<prefix>[a-z]+)_(?P<ulid>[0-9A-HJKMNP-TV-Z]{26})$")


def new_id(prefix: IdPrefix, at: datetime | None = None) -> str:
    """A new id such as `pat_01J...`; ids made later sort after ids made earlier."""
    ulid = ULID.from_datetime(at) if at is not None else ULID()
    return f"{prefix}_{ulid}"


def has_prefix(value: str, prefix: IdPrefix) -> bool:
    """True when `value` is a well-formed id of the given kind."""
    match = _ID_PATTERN.match(value)
    return match is not None and match.group("prefix") == prefix
