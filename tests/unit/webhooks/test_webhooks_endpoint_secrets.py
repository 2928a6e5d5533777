"""Secret rotation: the old secret keeps signing for the overlap, then only the new one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from sightsync.webhooks.adapters.secret_box import FernetSecretBox, PlainSecretBox, secret_box
from sightsync.webhooks.domain.endpoints import Endpoint, SealedSecret, rotated, unique_events

NOW = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
DAY = timedelta(hours=24)


def _endpoint(secrets: tuple[SealedSecret, ...]) -> Endpoint:
    return Endpoint(
        id="whk_1",
        practice_id="prac_1",
        url="https://hooks.example.com/",
        events=("call.completed",),
        description=None,
        enabled=True,
        secrets=secrets,
        created_at=NOW,
        updated_at=NOW,
    )


def test_after_rotation_both_secrets_sign_until_the_overlap_ends() -> None:
    old = SealedSecret("old", NOW - DAY)
    new = SealedSecret("new", NOW)
    endpoint = _endpoint(rotated((old,), new, NOW, DAY))

    assert [s.sealed for s in endpoint.secrets_in_force(NOW)] == ["new", "old"]
    assert [s.sealed for s in endpoint.secrets_in_force(NOW + DAY - timedelta(seconds=1))] == [
        "new",
        "old",
    ]
    assert [s.sealed for s in endpoint.secrets_in_force(NOW + DAY)] == ["new"]


def test_a_second_rotation_keeps_the_first_overlap_and_drops_what_expired() -> None:
    first = rotated((SealedSecret("a", NOW),), SealedSecret("b", NOW), NOW, DAY)
    later = NOW + timedelta(hours=30)
    second = rotated(first, SealedSecret("c", later), later, DAY)

    assert [s.sealed for s in second] == ["c", "b"]
    assert second[1].expires_at == later + DAY


def test_subscriptions_are_kept_once_each_in_order() -> None:
    assert unique_events(["call.failed", "call.completed", "call.failed"]) == (
        "call.failed",
        "call.completed",
    )


def test_fernet_seals_secrets_so_the_database_never_holds_them_in_clear() -> None:
    box = FernetSecretBox([Fernet.generate_key().decode()])
    sealed = box.seal("whsec_abc")

    assert "whsec_abc" not in sealed
    assert box.open(sealed) == "whsec_abc"


def test_a_new_encryption_key_still_opens_secrets_sealed_with_the_old_one() -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = FernetSecretBox([old_key]).seal("whsec_abc")

    assert FernetSecretBox([new_key, old_key]).open(sealed) == "whsec_abc"


def test_without_keys_secrets_are_stored_plain_and_sealed_ones_cannot_be_read() -> None:
    plain = secret_box([])
    sealed = FernetSecretBox([Fernet.generate_key().decode()]).seal("whsec_abc")

    assert isinstance(plain, PlainSecretBox)
    assert plain.open(plain.seal("whsec_abc")) == "whsec_abc"
    with pytest.raises(ValueError):
        plain.open(sealed)
