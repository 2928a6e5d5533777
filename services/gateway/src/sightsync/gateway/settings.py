from __future__ import annotations

from pydantic import Field

from sightsync.common.settings import CommonSettings


class GatewaySettings(CommonSettings):
    port: int = Field(default=8080, alias="GATEWAY_PORT", ge=1, le=65535)
    rate_limit_per_minute: int = Field(default=120, alias="RATE_LIMIT_PER_MINUTE", ge=1)
    max_body_bytes: int = Field(default=64 * 1024, alias="MAX_BODY_BYTES", ge=1024)
    trusted_proxies: str = Field(default="", alias="TRUSTED_PROXIES")
    force_https: bool = Field(default=False, alias="FORCE_HTTPS")
