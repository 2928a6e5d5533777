"""docker-compose.yml read as data, and by docker-compose itself when it is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.deploy.manifests import (
    COMPOSE_FILE,
    REPO,
    SERVICES,
    compose,
    default_port,
    default_shutdown_grace_seconds,
    known_variables,
    port_variable,
)

BACKING = ("rabbitmq", "mongo")
PUBLISHED = {"gateway": ["8080:8080"], "dialer": ["8082:8082"]}
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?::-(?P<default>[^}]*))?\}")


def _service(name: str) -> dict[str, Any]:
    services: dict[str, dict[str, Any]] = compose()["services"]
    return services[name]


def _defaults(value: object) -> str:
    """A value as compose resolves it with no variables set in the shell or an .env file."""
    return VARIABLE.sub(lambda match: match.group("default") or "", str(value))


def _environment(name: str) -> dict[str, str]:
    return {key: _defaults(value) for key, value in _service(name)["environment"].items()}


def _seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, f"durations here are written in seconds: {duration}"
    return int(match.group(1))


def test_compose_runs_the_broker_the_database_and_every_service() -> None:
    assert set(compose()["services"]) == {*BACKING, *SERVICES}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_built_from_the_shared_dockerfile(service: str) -> None:
    build = _service(service)["build"]

    assert build == {
        "context": ".",
        "dockerfile": "deploy/docker/Dockerfile",
        "args": {"SERVICE": service},
    }
    assert (REPO / build["dockerfile"]).is_file()


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_waits_for_a_healthy_broker_and_database(service: str) -> None:
    depends_on = _service(service)["depends_on"]

    assert depends_on == {name: {"condition": "service_healthy"} for name in BACKING}


@pytest.mark.parametrize("name", [*BACKING, *SERVICES])
def test_every_container_has_a_health_check_in_exec_form(name: str) -> None:
    check = _service(name)["healthcheck"]

    assert check["test"][0] == "CMD"
    assert {"interval", "timeout", "retries", "start_period"} <= set(check)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_names_only_variables_its_settings_read(service: str) -> None:
    assert set(_environment(service)) - known_variables(service) == set()


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_listens_on_its_default_port_and_only_some_are_published(
    service: str,
) -> None:
    environment = _environment(service)

    assert environment[port_variable(service)] == str(default_port(service))
    assert _service(service).get("ports", []) == PUBLISHED.get(service, [])


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_stops_gracefully_and_runs_read_only(service: str) -> None:
    definition = _service(service)
    drain = float(_environment(service).get("SHUTDOWN_GRACE_SECONDS", "0")) or (
        default_shutdown_grace_seconds()
    )

    assert _seconds(definition["stop_grace_period"]) > drain
    assert definition["read_only"] is True
    assert definition["cap_drop"] == ["ALL"]


def test_every_volume_is_a_named_volume() -> None:
    declared = set(compose()["volumes"])
    used = {
        mount.split(":", 1)[0]
        for definition in compose()["services"].values()
        for mount in definition.get("volumes", [])
    }

    assert used == declared


def test_services_share_the_broker_and_the_replica_set() -> None:
    for service in SERVICES:
        environment = _environment(service)

        assert environment["RABBITMQ_URL"].startswith("amqp://")
        assert environment["RABBITMQ_URL"].endswith("@rabbitmq:5672/")
        assert environment["MONGODB_URL"] == "mongodb://mongo:27017/?replicaSet=rs0"


def test_mongo_runs_as_a_replica_set_that_initiates_itself() -> None:
    mongo = _service("mongo")
    script = " ".join(mongo["healthcheck"]["test"])

    assert mongo["command"][:3] == ["mongod", "--replSet", "rs0"]
    assert "rs.initiate(" in script
    assert "host: 'mongo:27017'" in script
    assert "isWritablePrimary" in script


def test_rabbitmq_has_the_management_plugin_and_a_real_health_check() -> None:
    rabbitmq = _service("rabbitmq")

    assert re.fullmatch(r"rabbitmq:(3\.13|4\.\d+)-management", rabbitmq["image"])
    assert rabbitmq["healthcheck"]["test"][1] == "rabbitmq-diagnostics"


def test_calls_are_simulated_unless_the_shell_says_otherwise() -> None:
    dialer = _environment("dialer")

    assert dialer["TELEPHONY"] == "simulated"
    assert dialer["TWILIO_AUTH_TOKEN"] == ""


def _compose_commands() -> list[list[str]]:
    commands = []
    if shutil.which("docker-compose"):
        commands.append(["docker-compose"])
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            commands.append([docker, "compose"])
    return commands


def _command_id(command: list[str]) -> str:
    return " ".join([Path(command[0]).name, *command[1:]])


COMPOSE_COMMANDS = _compose_commands()


@pytest.mark.skipif(
    not COMPOSE_COMMANDS,
    reason="neither docker-compose (Debian package docker-compose) nor the docker compose "
    "plugin is installed; the structural checks in this module still ran",
)
@pytest.mark.parametrize(
    "command", COMPOSE_COMMANDS, ids=lambda c: " ".join([Path(c[0]).name, *c[1:]])
)
def test_compose_itself_accepts_the_file_and_agrees_on_the_environment(
    command: list[str], tmp_path: Path
) -> None:
    # No shell variables and an empty home, so the file's own defaults are what is resolved.
    clean = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    result = subprocess.run(
        [*command, "--project-directory", str(REPO), "-f", str(COMPOSE_FILE), "config"],
        capture_output=True,
        text=True,
        env=clean,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]

    for service in SERVICES:
        environment = {k: str(v or "") for k, v in resolved[service]["environment"].items()}
        assert environment == _environment(service)
