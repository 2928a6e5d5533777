"""Real backing services for tests: a fresh RabbitMQ vhost and a fresh database per test."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from sightsync.common.devstack import EmbeddedMongo, ensure_rabbitmq
from sightsync.common.ids import new_id
from sightsync.common.settings import DEFAULT_RABBITMQ_URL

BROKER_URL = os.environ.get("RABBITMQ_URL", DEFAULT_RABBITMQ_URL)


def start_database(tmp_root: Path) -> tuple[str, EmbeddedMongo | None]:
    """The test database server: MONGODB_URL when set, else an embedded one."""
    if url := os.environ.get("MONGODB_URL"):
        return url, None
    mongo = EmbeddedMongo(tmp_root / "mongo")
    return mongo.start(), mongo


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def create_vhost() -> tuple[str, str]:
    """A new, empty vhost with full permissions for the broker user; returns (name, url)."""
    ensure_rabbitmq(BROKER_URL)
    name = new_id("req").lower().replace("req_", "test-")
    parts = urlsplit(BROKER_URL)
    _rabbitmqctl("add_vhost", name)
    _rabbitmqctl("set_permissions", "-p", name, parts.username or "guest", ".*", ".*", ".*")
    return name, urlunsplit(parts._replace(path="/" + quote(name, safe="")))


def delete_vhost(name: str) -> None:
    _rabbitmqctl("delete_vhost", name)


def close_all_connections(vhost: str) -> None:
    """Force-close every client connection on a vhost, as a broker restart would."""
    _rabbitmqctl("close_all_connections", "-p", vhost, "test: forced close")
