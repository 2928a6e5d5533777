"""What the deployment tests compare against: the files under deploy/ and the settings code."""

from __future__ import annotations

import copy
import inspect
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings

from sightsync.common import clock
from sightsync.common.settings import CommonSettings
from sightsync.compliance.settings import ComplianceSettings
from sightsync.dialer.settings import DialerSettings
from sightsync.gateway.settings import GatewaySettings
from sightsync.outcomes.settings import OutcomesSettings
from sightsync.webhooks.settings import WebhooksSettings
from tests.unit.deploy.kustomize_lite import Resource, load_documents, render

REPO = Path(__file__).resolve().parents[3]
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
COMPOSE_FILE = REPO / "docker-compose.yml"
K8S = REPO / "deploy" / "k8s"
OVERLAYS = {"staging": K8S / "overlays" / "staging", "production": K8S / "overlays" / "production"}
SECRET_EXAMPLE = K8S / "secret.example.yaml"

SETTINGS: dict[str, type[CommonSettings]] = {
    "gateway": GatewaySettings,
    "compliance": ComplianceSettings,
    "dialer": DialerSettings,
    "outcomes": OutcomesSettings,
    "webhooks": WebhooksSettings,
}
SERVICES = tuple(SETTINGS)
# Read by sightsync.common.clock straight from the environment, not through a settings class.
CLOCK_VARIABLES = frozenset({"SIGHTSYNC_NOW", "SIGHTSYNC_NOW_ANCHOR"})
SHARED_SECRET_KEYS = ("RABBITMQ_URL", "MONGODB_URL")
# Services that open HTTPS to the internet: Twilio for the dialer, practices' receivers.
PUBLIC_HTTPS_EGRESS = frozenset({"dialer", "webhooks"})


def aliases(settings: type[BaseSettings]) -> set[str]:
    """The environment variable names a settings class reads."""
    return {field.alias for field in settings.model_fields.values() if field.alias}


def known_variables(service: str | None = None) -> set[str]:
    """Variables one service reads, or any service when `service` is None."""
    classes = [SETTINGS[service]] if service else list(SETTINGS.values())
    names = set().union(*(aliases(settings) for settings in classes))
    clock_source = inspect.getsource(clock)
    return names | {name for name in CLOCK_VARIABLES if f'"{name}"' in clock_source}


def port_variable(service: str) -> str:
    alias = SETTINGS[service].model_fields["port"].alias
    assert alias is not None
    return alias


def default_port(service: str) -> int:
    default = SETTINGS[service].model_fields["port"].default
    assert isinstance(default, int)
    return default


def default_shutdown_grace_seconds() -> float:
    default = CommonSettings.model_fields["shutdown_grace_seconds"].default
    assert isinstance(default, float)
    return default


@cache
def _rendered(overlay: str) -> tuple[Resource, ...]:
    return tuple(render(OVERLAYS[overlay]))


def rendered(overlay: str) -> list[Resource]:
    """The overlay's manifests, rendered once per session; a copy, so tests may change it."""
    return copy.deepcopy(list(_rendered(overlay)))


def only(resources: list[Resource], kind: str, name: str) -> Resource:
    matches = [r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def of_kind(resources: list[Resource], kind: str) -> list[Resource]:
    return [r for r in resources if r["kind"] == kind]


def container(deployment: Resource) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, "each service runs exactly one container"
    first: dict[str, Any] = containers[0]
    return first


def compose() -> dict[str, Any]:
    document: dict[str, Any] = load_documents(COMPOSE_FILE)[0]
    return document
