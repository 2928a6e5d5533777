from __future__ import annotations

from typing import Literal

from pydantic import Field

from sightsync.common.settings import CommonSettings


class DialerSettings(CommonSettings):
    port: int = Field(default=8082, alias="DIALER_PORT", ge=1, le=65535)
    telephony: Literal["simulated", "twilio"] = Field(default="simulated", alias="TELEPHONY")
    public_base_url: str = Field(default="http://127.0.0.1:8082", alias="PUBLIC_BASE_URL")
    twilio_account_sid: str = Field(default="", alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str = Field(default="", alias="TWILIO_AUTH_TOKEN")
    twilio_api_base_url: str = Field(default="", alias="TWILIO_API_BASE_URL")
    calls_per_second: float = Field(default=1.0, alias="DIALER_CALLS_PER_SECOND", gt=0)
    max_concurrent_calls_per_practice: int = Field(
        default=5, alias="DIALER_MAX_CONCURRENT_CALLS_PER_PRACTICE", ge=1
    )
    ring_timeout_seconds: int = Field(
        default=25, alias="DIALER_RING_TIMEOUT_SECONDS", ge=15, le=120
    )
    scheduler_poll_seconds: float = Field(
        default=0.2, alias="DIALER_SCHEDULER_POLL_SECONDS", gt=0, le=30
    )
    # Longer than the provider's request timeout: a claim older than this whose placement
    # never reported back is looked up at the provider before anything else happens to it.
    placement_lease_seconds: float = Field(
        default=120.0, alias="DIALER_PLACEMENT_LEASE_SECONDS", gt=0
    )
    simulated_step_seconds: float = Field(
        default=0.1, alias="DIALER_SIMULATED_STEP_SECONDS", ge=0, le=5
    )
    # The longest a recall call may last: a call answered longer ago than this is looked up
    # at the provider and settled, or hung up if the provider still has it going.
    max_call_seconds: float = Field(default=900.0, alias="DIALER_MAX_CALL_SECONDS", ge=60)
    # An unanswered call is looked up at the provider this long after its ring timeout.
    ring_margin_seconds: float = Field(default=60.0, alias="DIALER_RING_MARGIN_SECONDS", ge=0)
    stuck_sweep_seconds: float = Field(
        default=30.0, alias="DIALER_STUCK_SWEEP_SECONDS", gt=0, le=3600
    )
