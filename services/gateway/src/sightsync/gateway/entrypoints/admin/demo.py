"""`sightsync-admin demo`: a practice and key to try the API with, made on first start."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Final

from sightsync.gateway.entrypoints.admin.client import AdminClient
from sightsync.gateway.settings import GatewaySettings

KEY_FILE: Final = "demo-api-key"
DEMO_PRACTICE: Final = {"name": "Demo Opticians", "plan": "practice", "nation": "england"}


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser("demo", help="create the demo practice and its API key")
    demo.add_argument("--if-new", action="store_true", help="reuse the saved key when there is one")


def key_file(settings: GatewaySettings) -> Path:
    return settings.data_dir / KEY_FILE


def saved_key(settings: GatewaySettings) -> str | None:
    path = key_file(settings)
    return path.read_text(encoding="utf-8").strip() or None if path.exists() else None


async def create(client: AdminClient, settings: GatewaySettings) -> dict[str, Any]:
    practice = await client.create_practice(**DEMO_PRACTICE)
    key = await client.create_api_key(practice["id"])
    _save(key_file(settings), key["api_key"])
    return {"practice_id": practice["id"], "api_key": key["api_key"], "id": key["id"]}


def announce(api_key: str, settings: GatewaySettings) -> None:
    """A short banner for the person who ran `make run`; stdout stays machine-readable."""
    url = f"http://127.0.0.1:{settings.port}/api/v1/patients"
    body = '{"first_name": "Sam", "phone_number": "07700900123"}'
    sys.stderr.write(
        "\n"
        "  SightSync is running. Demo practice: Demo Opticians\n"
        f"  API key: {api_key}\n"
        f"  (saved in {key_file(settings)})\n\n"
        "  Try:\n"
        f'    curl -s {url} -H "Authorization: Bearer {api_key}" \\\n'
        f"      -H 'Content-Type: application/json' -d '{body}'\n\n"
    )


def _save(path: Path, api_key: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(api_key + "\n")
    # O_CREAT's mode applies only to a new file; an older one is tightened too.
    path.chmod(0o600)
