"""Idempotency keys: fingerprints and what a retry under a recorded key gets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sightsync.common.clock import FrozenClock
from sightsync.gateway.domain.idempotency import (
    IdempotencyRecord,
    Verdict,
    fingerprint,
    is_valid_key,
    judge,
    scoped_key,
)

LEASE = timedelta(seconds=30)
clock = FrozenClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


def _record(body: dict[str, Any], *, status: int | None = None) -> IdempotencyRecord:
    return IdempotencyRecord(
        scoped_key="key_1:abc",
        fingerprint=fingerprint("POST", "/api/v1/recall", body),
        started_at=clock.now(),
        status=status,
        body={"success": True} if status else None,
    )


def test_fingerprints_ignore_key_order_and_spacing_but_not_values() -> None:
    one = fingerprint("POST", "/api/v1/recall", {"a": 1, "b": [1, 2]})

    assert one == fingerprint("post", "/api/v1/recall", {"b": [1, 2], "a": 1})
    assert one != fingerprint("POST", "/api/v1/recall", {"a": 1, "b": [2, 1]})
    assert one != fingerprint("POST", "/api/v1/patients", {"a": 1, "b": [1, 2]})


def test_keys_are_scoped_to_the_api_key() -> None:
    assert scoped_key("key_1", "abc") != scoped_key("key_2", "abc")


def test_key_values_are_short_visible_ascii() -> None:
    assert is_valid_key("3f2c8e0a-5f1b-4c1e-9a7d-2b6c1d0e9f11")
    assert not is_valid_key("")
    assert not is_valid_key("has space")
    assert not is_valid_key("x" * 256)
    assert not is_valid_key("naïve")


def test_a_completed_request_is_replayed_for_the_same_body() -> None:
    body = {"patient_id": "pat_1"}
    same = fingerprint("POST", "/api/v1/recall", body)

    assert judge(_record(body, status=202), same, clock.now(), LEASE) is Verdict.REPLAY


def test_a_different_body_is_a_mismatch_whatever_the_state() -> None:
    other = fingerprint("POST", "/api/v1/recall", {"patient_id": "pat_2"})
    first = {"patient_id": "pat_1"}

    assert judge(_record(first, status=202), other, clock.now(), LEASE) is Verdict.MISMATCH
    assert judge(_record(first), other, clock.now(), LEASE) is Verdict.MISMATCH


def test_an_unanswered_request_is_in_flight_until_its_lease_runs_out() -> None:
    body = {"patient_id": "pat_1"}
    same = fingerprint("POST", "/api/v1/recall", body)
    record = _record(body)

    assert judge(record, same, clock.now() + timedelta(seconds=29), LEASE) is Verdict.IN_FLIGHT
    assert judge(record, same, clock.now() + timedelta(seconds=30), LEASE) is Verdict.TAKE_OVER
