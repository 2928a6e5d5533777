"""The retry schedule, its jitter, and when an endpoint is given up on."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from sightsync.webhooks.domain.retry import (
    DEFAULT_SCHEDULE_SECONDS,
    RetryPolicy,
    Verdict,
    verdict,
)

NOW = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


def test_the_default_schedule_spans_about_three_days_in_ten_attempts() -> None:
    policy = RetryPolicy()

    assert policy.max_attempts == 10
    assert timedelta(days=3) <= timedelta(seconds=sum(DEFAULT_SCHEDULE_SECONDS)) < timedelta(days=4)
    assert list(DEFAULT_SCHEDULE_SECONDS) == sorted(DEFAULT_SCHEDULE_SECONDS)


@pytest.mark.parametrize("attempts_made", range(1, 10))
def test_each_retry_waits_its_step_within_twenty_percent(attempts_made: int) -> None:
    policy = RetryPolicy()
    step = DEFAULT_SCHEDULE_SECONDS[attempts_made - 1]
    rng = random.Random(attempts_made)

    waits = [(policy.next_attempt_at(NOW, attempts_made, 10, rng) or NOW) - NOW for _ in range(50)]

    assert all(timedelta(seconds=step * 0.8) <= w <= timedelta(seconds=step * 1.2) for w in waits)
    assert len(set(waits)) > 1, "jitter spreads receivers that failed together"


def test_no_retry_is_left_after_the_last_step_or_the_allowed_attempts() -> None:
    policy = RetryPolicy(delays=(1.0, 2.0))

    assert policy.next_attempt_at(NOW, 2, 3) is not None
    assert policy.next_attempt_at(NOW, 3, 3) is None
    assert policy.next_attempt_at(NOW, 1, 1) is None, "a ping or a manual retry tries once"


def test_an_endpoint_is_disabled_once_it_has_failed_for_the_whole_window() -> None:
    policy = RetryPolicy(disable_after=timedelta(hours=72))

    assert not policy.should_disable(None, NOW)
    assert not policy.should_disable(NOW - timedelta(hours=71, minutes=59), NOW)
    assert policy.should_disable(NOW - timedelta(hours=72), NOW)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, Verdict.SUCCEEDED),
        (204, Verdict.SUCCEEDED),
        (299, Verdict.SUCCEEDED),
        (301, Verdict.RETRY),
        (400, Verdict.RETRY),
        (410, Verdict.GONE),
        (429, Verdict.RETRY),
        (500, Verdict.RETRY),
        (None, Verdict.RETRY),
    ],
)
def test_any_2xx_delivers_and_410_means_stop(status: int | None, expected: Verdict) -> None:
    assert verdict(status) is expected
