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
