from __future__ import annotations

from pydantic import Field

from sightsync.common.settings import CommonSettings


class OutcomesSettings(CommonSettings):
    port: int = Field(default=8083, alias="OUTCOMES_PORT", ge=1, le=65535)
