"""Signatures as the Standard Webhooks specification defines them."""

from __future__ import annotations

import base64

import pytest

from sightsync.webhooks.domain.signing import new_secret, secret_key, signature, webhook_headers

# The worked example published with the specification.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specifications_example_signs_the_same() -> None:
    assert signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_a_new_secret_is_whsec_and_base64_of_32_random_bytes() -> None:
    first, second = new_secret(), new_secret()

    assert first.startswith("whsec_")
    assert len(secret_key(first)) == 32
    assert first != second


def test_headers_carry_one_signature_per_secret_in_force_space_separated() -> None:
    other = "whsec_" + base64.b64encode(b"k" * 32).decode()
    headers = webhook_headers([other, SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)

    assert headers["webhook-id"] == SPEC_ID
    assert headers["webhook-timestamp"] == str(SPEC_TIMESTAMP)
    assert headers["webhook-signature"].split(" ") == [
        signature(other, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY),
        SPEC_SIGNATURE,
    ]


def test_any_change_to_the_body_changes_the_signature() -> None:
    tampered = signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY + b" ")

    assert tampered != SPEC_SIGNATURE


@pytest.mark.parametrize("secret", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!"])
def test_malformed_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ValueError):
        secret_key(secret)


def test_signing_with_no_secret_is_a_bug_not_an_unsigned_webhook() -> None:
    with pytest.raises(ValueError):
        webhook_headers([], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
