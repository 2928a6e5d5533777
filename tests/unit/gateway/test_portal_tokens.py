from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from sightsync.common.clock import FrozenClock
from sightsync.gateway.entrypoints.portal.csrf import (
    CsrfTokens,
    TokenCheck,
    new_nonce,
    signing_key,
)

START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
KEY = b"k" * 32


def _tokens(clock: FrozenClock, key: bytes = KEY) -> CsrfTokens:
    return CsrfTokens(key, clock, timedelta(hours=1))


def test_a_token_is_valid_for_the_nonce_it_was_issued_for() -> None:
    tokens = _tokens(FrozenClock(START))
    nonce = new_nonce()

    assert tokens.check(nonce, tokens.issue(nonce)) is TokenCheck.VALID
    assert tokens.check(new_nonce(), tokens.issue(nonce)) is TokenCheck.INVALID


def test_a_token_expires_after_its_max_age() -> None:
    clock = FrozenClock(START)
    tokens = _tokens(clock)
    nonce = new_nonce()
    token = tokens.issue(nonce)

    clock.set(START + timedelta(minutes=59))
    assert tokens.check(nonce, token) is TokenCheck.VALID
    clock.set(START + timedelta(hours=1, seconds=1))
    assert tokens.check(nonce, token) is TokenCheck.EXPIRED


def test_a_token_from_the_future_is_refused_beyond_small_clock_skew() -> None:
    clock = FrozenClock(START + timedelta(minutes=5))
    nonce = new_nonce()
    token = _tokens(clock).issue(nonce)

    clock.set(START)
    assert _tokens(clock).check(nonce, token) is TokenCheck.EXPIRED


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: str(int(token.split(".")[0]) + 1) + "." + token.split(".")[1],
        lambda token: token.split(".")[1],
        lambda token: "x." + token.split(".")[1],
        lambda token: "",
    ],
)
def test_a_tampered_token_is_refused(mangle: Callable[[str], str]) -> None:
    tokens = _tokens(FrozenClock(START))
    nonce = new_nonce()
    token = tokens.issue(nonce)

    assert tokens.check(nonce, mangle(token)) in {TokenCheck.INVALID, TokenCheck.MISSING}


def test_tokens_signed_with_another_key_are_refused() -> None:
    clock = FrozenClock(START)
    nonce = new_nonce()

    token = _tokens(clock, b"other" * 8).issue(nonce)

    assert _tokens(clock).check(nonce, token) is TokenCheck.INVALID


def test_without_a_cookie_or_a_token_nothing_is_valid() -> None:
    tokens = _tokens(FrozenClock(START))
    nonce = new_nonce()

    assert tokens.check(None, tokens.issue(nonce)) is TokenCheck.MISSING
    assert tokens.check(nonce, None) is TokenCheck.MISSING


def test_an_empty_secret_gives_a_random_key_per_process() -> None:
    assert signing_key("configured-secret") == b"configured-secret"
    first, second = signing_key(""), signing_key("")
    assert len(first) == 32
    assert first != second
