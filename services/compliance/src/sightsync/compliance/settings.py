from __future__ import annotations

from pydantic import Field

from sightsync.common.settings import CommonSettings


class ComplianceSettings(CommonSettings):
    port: int = Field(default=8081, alias="COMPLIANCE_PORT", ge=1, le=65535)
