from __future__ import annotations

from pydantic import Field, SecretStr

from sightsync.common.settings import CommonSettings


class GatewaySettings(CommonSettings):
    port: int = Field(default=8080, alias="GATEWAY_PORT", ge=1, le=65535)
    rate_limit_per_minute: int = Field(default=120, alias="RATE_LIMIT_PER_MINUTE", ge=1)
    max_body_bytes: int = Field(default=64 * 1024, alias="MAX_BODY_BYTES", ge=1024)
    trusted_proxies: str = Field(default="", alias="TRUSTED_PROXIES")
    force_https: bool = Field(default=False, alias="FORCE_HTTPS")
    # Revocation must reach every replica within a second, so a key is never cached longer.
    api_key_cache_seconds: float = Field(default=0.5, alias="API_KEY_CACHE_SECONDS", ge=0, le=1)
    idempotency_lease_seconds: float = Field(default=30.0, alias="IDEMPOTENCY_LEASE_SECONDS", gt=0)
    idempotency_retention_hours: float = Field(
        default=24.0, alias="IDEMPOTENCY_RETENTION_HOURS", gt=0
    )
    # The patients' opt-out portal: posts per client address per minute, and the key that
    # signs its form tokens (every replica needs the same one; empty means per-process).
    portal_rate_limit_per_minute: int = Field(
        default=10, alias="PORTAL_RATE_LIMIT_PER_MINUTE", ge=1
    )
    portal_secret: SecretStr = Field(default=SecretStr(""), alias="PORTAL_SECRET")
