"""What the sweeper does with an overdue call, given what the provider says about it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sightsync.dialer.domain.provider_events import ProviderEventKind as Kind
from sightsync.dialer.domain.stuck_calls import Remedy, past_hard_limit, remedy

FINAL = [Kind.COMPLETED, Kind.NO_ANSWER, Kind.BUSY, Kind.FAILED, Kind.CANCELED]


@pytest.mark.parametrize("phase", ["calling", "ringing", "in_progress"])
def test_a_call_the_provider_has_no_record_of_is_settled(phase: str) -> None:
    assert remedy(phase, None, past_hard_limit=False) is Remedy.SETTLE


@pytest.mark.parametrize("kind", FINAL)
@pytest.mark.parametrize("phase", ["calling", "ringing", "in_progress"])
def test_a_call_the_provider_says_ended_is_settled(phase: str, kind: Kind) -> None:
    assert remedy(phase, kind, past_hard_limit=False) is Remedy.SETTLE


@pytest.mark.parametrize("phase", ["calling", "ringing"])
def test_an_answer_we_never_heard_of_is_caught_up(phase: str) -> None:
    assert remedy(phase, Kind.ANSWERED, past_hard_limit=True) is Remedy.ANSWER


def test_a_call_still_going_waits_until_the_hard_limit_then_is_hung_up() -> None:
    assert remedy("ringing", Kind.RINGING, past_hard_limit=False) is Remedy.WAIT
    assert remedy("ringing", Kind.RINGING, past_hard_limit=True) is Remedy.HANG_UP
    assert remedy("in_progress", Kind.ANSWERED, past_hard_limit=True) is Remedy.HANG_UP
    assert remedy("calling", Kind.INITIATED, past_hard_limit=False) is Remedy.WAIT


def test_the_hard_limit_counts_from_the_answer_or_else_the_placement() -> None:
    now = datetime(2026, 3, 10, 10, 30, tzinfo=UTC)
    limit = timedelta(minutes=15)
    placed = now - timedelta(minutes=20)

    assert past_hard_limit(now, placed, None, limit) is True
    assert past_hard_limit(now, placed, now - timedelta(minutes=5), limit) is False
    assert past_hard_limit(now, placed, now - timedelta(minutes=16), limit) is True
    assert past_hard_limit(now, None, None, limit) is False
