from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from sightsync.common.settings import CommonSettings
from sightsync.webhooks.domain.retry import DEFAULT_SCHEDULE_SECONDS


class WebhooksSettings(CommonSettings):
    port: int = Field(default=8084, alias="WEBHOOKS_PORT", ge=1, le=65535)
    # Plain http to a loopback address, for `make run` and the tests; never in production.
    allow_loopback_http: bool = Field(default=False, alias="WEBHOOK_ALLOW_LOOPBACK_HTTP")
    # Fernet keys, comma-separated: the first seals new secrets, every one opens old ones.
    secrets_keys: str = Field(default="", alias="WEBHOOK_SECRETS_KEYS", repr=False)
    timeout_seconds: float = Field(default=10.0, alias="WEBHOOK_TIMEOUT_SECONDS", gt=0, le=30)
    # Seconds to wait before each retry; the list's length is how many retries there are.
    retry_schedule: str = Field(
        default=",".join(str(s) for s in DEFAULT_SCHEDULE_SECONDS), alias="WEBHOOK_RETRY_SCHEDULE"
    )
    disable_after_hours: float = Field(default=72.0, alias="WEBHOOK_DISABLE_AFTER_HOURS", gt=0)
    rotation_overlap_hours: float = Field(
        default=24.0, alias="WEBHOOK_ROTATION_OVERLAP_HOURS", ge=0
    )
    poll_seconds: float = Field(default=0.5, alias="WEBHOOK_POLL_SECONDS", gt=0, le=30)
    # Must outlast one attempt, or a slow attempt could be claimed again while it runs.
    lease_seconds: float = Field(default=60.0, alias="WEBHOOK_LEASE_SECONDS", gt=0)
    max_in_flight: int = Field(default=64, alias="WEBHOOK_MAX_IN_FLIGHT", ge=1, le=1000)
    max_in_flight_per_endpoint: int = Field(
        default=4, alias="WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT", ge=1, le=100
    )
    # A practice may have 10 endpoints: without this, a few practices' hanging receivers
    # could fill every slot in the process and hold up everyone else.
    max_in_flight_per_practice: int = Field(
        default=8, alias="WEBHOOK_MAX_IN_FLIGHT_PER_PRACTICE", ge=1, le=1000
    )

    @field_validator("retry_schedule")
    @classmethod
    def _schedule_is_seconds(cls, value: str) -> str:
        schedule_seconds(value)
        return value

    @model_validator(mode="after")
    def _lease_outlasts_an_attempt(self) -> WebhooksSettings:
        if self.lease_seconds <= self.timeout_seconds:
            raise ValueError("WEBHOOK_LEASE_SECONDS must exceed WEBHOOK_TIMEOUT_SECONDS")
        return self

    @property
    def retry_delays(self) -> tuple[float, ...]:
        return schedule_seconds(self.retry_schedule)

    @property
    def fernet_keys(self) -> list[str]:
        return [key.strip() for key in self.secrets_keys.split(",") if key.strip()]


def schedule_seconds(text: str) -> tuple[float, ...]:
    """`5,300,1800` as seconds; every delay positive."""
    delays = tuple(float(part) for part in text.split(",") if part.strip())
    if any(delay <= 0 for delay in delays):
        raise ValueError("every retry delay must be positive")
    return delays
