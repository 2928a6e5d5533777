"""When a recall's idempotency key replays its call, refuses another request, or is free."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sightsync.compliance.domain.idempotency import (
    KEY_RETENTION,
    KeyVerdict,
    judge_key,
    request_fingerprint,
)

ACCEPTED = datetime(2025, 6, 11, 10, 0, tzinfo=UTC)
ASKED = request_fingerprint("pat_1")


def test_the_fingerprint_is_stable_and_tells_patients_apart() -> None:
    assert request_fingerprint("pat_1") == ASKED
    assert request_fingerprint("pat_2") != ASKED


@pytest.mark.parametrize(
    ("age", "fingerprint", "verdict"),
    [
        (timedelta(0), ASKED, KeyVerdict.REPLAY),
        (KEY_RETENTION - timedelta(milliseconds=1), ASKED, KeyVerdict.REPLAY),
        (timedelta(hours=1), request_fingerprint("pat_2"), KeyVerdict.MISMATCH),
        (KEY_RETENTION, ASKED, KeyVerdict.EXPIRED),
        # Once the key is free, what it was first used for no longer matters.
        (KEY_RETENTION + timedelta(days=30), request_fingerprint("pat_2"), KeyVerdict.EXPIRED),
    ],
)
def test_a_key_is_held_for_a_day_and_only_for_what_was_asked(
    age: timedelta, fingerprint: str, verdict: KeyVerdict
) -> None:
    assert judge_key(ASKED, ACCEPTED, fingerprint, ACCEPTED + age) is verdict
