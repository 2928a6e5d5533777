"""Fixed windows aligned to the clock, and the IETF RateLimit header fields."""

from __future__ import annotations

from datetime import UTC, datetime

from sightsync.gateway.domain.rate_limit import (
    RateLimitPolicy,
    RateLimitStatus,
    policy_header,
    ratelimit_header,
)

POLICY = RateLimitPolicy(limit=120)


def _status(used: int, now: datetime) -> RateLimitStatus:
    return RateLimitStatus(policy=POLICY, used=used, now=now, reset_at=POLICY.window_end(now))


def test_windows_are_whole_minutes_of_the_clock() -> None:
    now = datetime(2026, 3, 2, 10, 15, 37, 250000, tzinfo=UTC)

    assert POLICY.window_start(now) == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    assert POLICY.window_end(now) == datetime(2026, 3, 2, 10, 16, tzinfo=UTC)


def test_policy_header_uses_the_structured_field_syntax() -> None:
    assert policy_header(POLICY) == '"default";q=120;w=60'
    assert policy_header(RateLimitPolicy(limit=10, window_seconds=1)) == '"default";q=10;w=1'


def test_ratelimit_header_counts_down_remaining_and_seconds_to_reset() -> None:
    now = datetime(2026, 3, 2, 10, 15, 37, 250000, tzinfo=UTC)

    assert ratelimit_header(_status(3, now)) == '"default";r=117;t=23'
    assert ratelimit_header(_status(120, now)) == '"default";r=0;t=23'
    assert ratelimit_header(_status(500, now)) == '"default";r=0;t=23'


def test_the_request_that_reaches_the_limit_passes_and_the_next_is_refused() -> None:
    now = datetime(2026, 3, 2, 10, 15, 0, tzinfo=UTC)

    assert _status(120, now).allowed
    assert not _status(121, now).allowed


def test_reset_is_never_zero_so_retry_after_always_waits() -> None:
    at_end = datetime(2026, 3, 2, 10, 15, 59, 999999, tzinfo=UTC)
    at_start = datetime(2026, 3, 2, 10, 16, 0, tzinfo=UTC)

    assert _status(1, at_end).reset_seconds == 1
    assert _status(1, at_start).reset_seconds == 60
