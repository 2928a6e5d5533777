"""The real services, started in-process against a fresh vhost and fresh databases.

Integration tests drive them over HTTP exactly as a PMS would; nothing of ours is mocked.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sightsync.common.clock import Clock
from sightsync.common.devstack import free_port
from sightsync.common.runner import ServiceApp
from sightsync.common.settings import CommonSettings

ALL_SERVICES = ("compliance", "dialer", "outcomes", "webhooks", "gateway")
PORT_VARIABLES = {
    "gateway": "GATEWAY_PORT",
    "compliance": "COMPLIANCE_PORT",
    "dialer": "DIALER_PORT",
    "outcomes": "OUTCOMES_PORT",
    "webhooks": "WEBHOOKS_PORT",
}


@dataclass
class RunningSystem:
    apps: dict[str, ServiceApp]
    ports: dict[str, int]
    env: dict[str, str]
    clock: Clock
    http: aiohttp.ClientSession = field(repr=False)

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}{path}"

    def api(self, path: str) -> str:
        return self.url("gateway", f"/api/v1{path}")


def settings_for(service: str, env: dict[str, str]) -> CommonSettings:
    module = importlib.import_module(f"sightsync.{service}.settings")
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, CommonSettings)
        and value is not CommonSettings
    ]
    settings: CommonSettings = classes[0].model_validate(env)
    return settings


def build_service(service: str, env: dict[str, str], clock: Clock, **extra: Any) -> ServiceApp:
    bootstrap = importlib.import_module(f"sightsync.{service}.bootstrap").bootstrap
    app: ServiceApp = bootstrap(settings_for(service, env), clock=clock, **extra)
    return app


@asynccontextmanager
async def running_system(
    *,
    broker_url: str,
    database_url: str,
    db_prefix: str,
    clock: Clock,
    services: Sequence[str] = ALL_SERVICES,
    env: dict[str, str] | None = None,
    extra: dict[str, dict[str, Any]] | None = None,
) -> AsyncIterator[RunningSystem]:
    """Start `services` (in dependency order) and stop them all afterwards."""
    ports = {name: free_port() for name in services}
    full_env = {
        "RABBITMQ_URL": broker_url,
        "MONGODB_URL": database_url,
        "SIGHTSYNC_DB_PREFIX": db_prefix,
        "HTTP_HOST": "127.0.0.1",
        "SHUTDOWN_GRACE_SECONDS": "3",
        "TELEPHONY": "simulated",
        "WEBHOOK_ALLOW_LOOPBACK_HTTP": "true",
        **{PORT_VARIABLES[name]: str(port) for name, port in ports.items()},
        **(env or {}),
    }
    apps: dict[str, ServiceApp] = {}
    http = aiohttp.ClientSession()
    try:
        for name in ALL_SERVICES:
            if name in services:
                app = build_service(name, full_env, clock, **(extra or {}).get(name, {}))
                await app.start()
                apps[name] = app
        yield RunningSystem(apps=apps, ports=ports, env=full_env, clock=clock, http=http)
    finally:
        await http.close()
        for app in reversed(list(apps.values())):
            await app.stop()
