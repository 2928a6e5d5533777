"""Typed settings read from environment variables, with safe local defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"


class CommonSettings(BaseSettings):
    """Settings every service reads; each service subclasses it with its own port and knobs."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    rabbitmq_url: str = Field(default=DEFAULT_RABBITMQ_URL, alias="RABBITMQ_URL")
    mongodb_url: str = Field(default="mongodb://127.0.0.1:27017/", alias="MONGODB_URL")
    database_prefix: str = Field(default="sightsync", alias="SIGHTSYNC_DB_PREFIX")
    data_dir: Path = Field(default=Path(".data"), alias="SIGHTSYNC_DATA_DIR")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    log_format: Literal["auto", "json", "console"] = Field(default="auto", alias="LOG_FORMAT")
    http_host: str = Field(default="0.0.0.0", alias="HTTP_HOST")  # noqa: S104 - containers listen on all interfaces
    rpc_timeout_seconds: float = Field(default=5.0, alias="RPC_TIMEOUT_SECONDS", gt=0)
    prefetch_count: int = Field(default=16, alias="PREFETCH_COUNT", ge=1, le=1000)
    delivery_limit: int = Field(default=5, alias="DELIVERY_LIMIT", ge=1, le=100)
    shutdown_grace_seconds: float = Field(default=20.0, alias="SHUTDOWN_GRACE_SECONDS", gt=0)

    def database_name(self, service: str) -> str:
        """The database a service owns; no other service reads it."""
        return f"{self.database_prefix}_{service}"
