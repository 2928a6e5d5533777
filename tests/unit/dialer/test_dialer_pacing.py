"""The account-wide token bucket (GCRA) that paces placements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from sightsync.dialer.domain.pacing import interval_for, take_token

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def test_an_empty_bucket_lets_the_first_call_through_and_books_the_next_instant() -> None:
    decision = take_token(NOW, None, SECOND)

    assert decision.allowed
    assert decision.next_free == NOW + SECOND


def test_a_call_before_the_next_instant_waits_until_it() -> None:
    decision = take_token(NOW, NOW + SECOND, SECOND)

    assert not decision.allowed
    assert decision.retry_at == NOW + SECOND
    assert decision.next_free == NOW + SECOND


def test_a_long_idle_bucket_does_not_bank_tokens_beyond_its_burst() -> None:
    first = take_token(NOW, NOW - timedelta(hours=1), SECOND)
    second = take_token(NOW, first.next_free, SECOND)

    assert first.allowed
    assert not second.allowed


def test_burst_allows_that_many_calls_at_once_then_paces() -> None:
    state = None
    allowed = []
    for _ in range(4):
        decision = take_token(NOW, state, SECOND, burst=3)
        allowed.append(decision.allowed)
        if decision.allowed:
            state = decision.next_free

    assert allowed == [True, True, True, False]


def test_calls_per_second_sets_the_spacing() -> None:
    times = []
    state = None
    now = NOW
    for _ in range(5):
        decision = take_token(now, state, interval_for(4))
        if not decision.allowed:
            now = decision.retry_at
            decision = take_token(now, state, interval_for(4))
        assert decision.allowed
        times.append(now)
        state = decision.next_free

    gaps = {later - earlier for earlier, later in pairwise(times)}
    assert gaps == {timedelta(milliseconds=250)}


@pytest.mark.parametrize("rate", [0, -1])
def test_rate_must_be_positive(rate: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        interval_for(rate)
