"""The service's settings: a schedule of seconds, and a lease longer than an attempt."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sightsync.webhooks.domain.retry import DEFAULT_SCHEDULE_SECONDS
from sightsync.webhooks.settings import WebhooksSettings


def test_defaults_are_production_safe() -> None:
    settings = WebhooksSettings.model_validate({})

    assert settings.port == 8084
    assert settings.allow_loopback_http is False
    assert settings.timeout_seconds == 10
    assert settings.retry_delays == DEFAULT_SCHEDULE_SECONDS
    assert (settings.max_in_flight, settings.max_in_flight_per_practice) == (64, 8)


def test_the_schedule_and_the_flag_come_from_the_environment() -> None:
    settings = WebhooksSettings.model_validate(
        {"WEBHOOK_RETRY_SCHEDULE": "0.1, 0.2", "WEBHOOK_ALLOW_LOOPBACK_HTTP": "true"}
    )

    assert settings.retry_delays == (0.1, 0.2)
    assert settings.allow_loopback_http is True


@pytest.mark.parametrize(
    "env",
    [
        {"WEBHOOK_RETRY_SCHEDULE": "5,-1"},
        {"WEBHOOK_RETRY_SCHEDULE": "5,soon"},
        {"WEBHOOK_TIMEOUT_SECONDS": "10", "WEBHOOK_LEASE_SECONDS": "10"},
    ],
)
def test_nonsense_is_refused_at_start_up(env: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        WebhooksSettings.model_validate(env)


def test_the_encryption_keys_never_show_in_a_repr() -> None:
    settings = WebhooksSettings.model_validate({"WEBHOOK_SECRETS_KEYS": "k1, k2"})

    assert settings.fernet_keys == ["k1", "k2"]
    assert "k1" not in repr(settings)
