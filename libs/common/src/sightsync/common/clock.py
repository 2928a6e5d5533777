"""The only way any service reads "now".

`SIGHTSYNC_NOW` moves the whole deployment's clock to an instant that then ticks in real
time. `SIGHTSYNC_NOW_ANCHOR` (epoch seconds) is the real moment that instant corresponds
to; the supervisor fixes it once and hands it to every process so they share one offset.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    """System time shifted by a fixed offset, so a demo or test can live on any date."""

    def __init__(self, offset_seconds: float) -> None:
        self.offset_seconds = offset_seconds

    def now(self) -> datetime:
        return datetime.fromtimestamp(time.time() + self.offset_seconds, UTC)


class FrozenClock:
    """A clock that moves only when told to; for unit tests."""

    def __init__(self, instant: datetime) -> None:
        self._instant = _require_aware(instant)

    def now(self) -> datetime:
        return self._instant

    def set(self, instant: datetime) -> None:
        self._instant = _require_aware(instant)


def parse_instant(text: str) -> datetime:
    """Parse ISO 8601; a value without a zone is taken as UTC."""
    instant = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def clock_from_environment(environ: dict[str, str] | None = None) -> Clock:
    """The deployment clock described by SIGHTSYNC_NOW and SIGHTSYNC_NOW_ANCHOR."""
    env = os.environ if environ is None else environ
    fixed = env.get("SIGHTSYNC_NOW", "").strip()
    if not fixed:
        return SystemClock()
    anchor_text = env.get("SIGHTSYNC_NOW_ANCHOR", "").strip()
    anchor = float(anchor_text) if anchor_text else time.time()
    return OffsetClock(parse_instant(fixed).timestamp() - anchor)


def anchored_environment(environ: dict[str, str]) -> dict[str, str]:
    """A copy of `environ` with SIGHTSYNC_NOW_ANCHOR fixed now, for every child to share."""
    env = dict(environ)
    if env.get("SIGHTSYNC_NOW", "").strip() and not env.get("SIGHTSYNC_NOW_ANCHOR"):
        env["SIGHTSYNC_NOW_ANCHOR"] = repr(time.time())
    return env


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("clock instants must carry a time zone")
    return instant.astimezone(UTC)


def isoformat_z(instant: datetime) -> str:
    """UTC ISO 8601 with a `Z`, millisecond precision: the one format the API speaks."""
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
