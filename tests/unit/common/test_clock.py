from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sightsync.common.clock import (
    OffsetClock,
    SystemClock,
    anchored_environment,
    clock_from_environment,
    isoformat_z,
    parse_instant,
)


def test_without_sightsync_now_the_clock_is_the_system_clock() -> None:
    assert isinstance(clock_from_environment({}), SystemClock)


def test_sightsync_now_starts_the_clock_at_that_instant_and_it_ticks() -> None:
    clock = clock_from_environment({"SIGHTSYNC_NOW": "2026-03-02T10:00:00Z"})
    first = clock.now()
    assert abs(first - datetime(2026, 3, 2, 10, tzinfo=UTC)) < timedelta(seconds=1)
    time.sleep(0.05)
    assert clock.now() > first


def test_processes_sharing_an_anchor_share_one_offset() -> None:
    env = anchored_environment({"SIGHTSYNC_NOW": "2026-06-01T08:30:00+01:00"})
    time.sleep(0.2)
    later_process = clock_from_environment(env)
    # Started 0.2 s after the anchor, so it is already 0.2 s past the fixed instant.
    elapsed = later_process.now() - datetime(2026, 6, 1, 7, 30, tzinfo=UTC)
    assert timedelta(seconds=0.15) < elapsed < timedelta(seconds=2)


def test_anchor_is_not_overwritten_once_fixed() -> None:
    env = {"SIGHTSYNC_NOW": "2026-01-01T00:00:00Z", "SIGHTSYNC_NOW_ANCHOR": "100.0"}
    assert anchored_environment(env)["SIGHTSYNC_NOW_ANCHOR"] == "100.0"


def test_offset_clock_and_formats() -> None:
    assert isinstance(OffsetClock(0).now().tzinfo, type(UTC))
    assert parse_instant("2026-01-01T00:00:00") == datetime(2026, 1, 1, tzinfo=UTC)
    assert isoformat_z(datetime(2026, 1, 1, 12, tzinfo=UTC)) == "2026-01-01T12:00:00.000Z"
