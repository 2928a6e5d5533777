"""`sightsync-admin`: operators' commands. JSON on stdout; errors as JSON on stderr, exit 1."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from sightsync.common.bus.connection import BusUnavailable
from sightsync.common.logging import configure_logging
from sightsync.gateway.entrypoints.admin import demo, keys, practices, tps, webhooks
from sightsync.gateway.entrypoints.admin.client import (
    DEFAULT_TIMEOUT_SECONDS,
    AdminClient,
    AdminError,
    connect,
)
from sightsync.gateway.settings import GatewaySettings

COMMANDS = {
    "practices": practices.run,
    "keys": keys.run,
    "tps": tps.run,
    "webhooks": webhooks.run,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sightsync-admin",
        description="Operate SightSync over the message bus (RABBITMQ_URL and friends).",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help="seconds to wait for each answer",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (practices, keys, tps, webhooks, demo):
        module.add_parser(commands)
    return parser


async def execute(args: argparse.Namespace, settings: GatewaySettings) -> dict[str, Any]:
    if args.command == "demo" and args.if_new and (api_key := demo.saved_key(settings)):
        demo.announce(api_key, settings)
        return {"api_key": api_key, "created": False}
    async with connect(settings, timeout=args.timeout) as client:
        return await _dispatch(client, args, settings)


async def _dispatch(
    client: AdminClient, args: argparse.Namespace, settings: GatewaySettings
) -> dict[str, Any]:
    if args.command == "demo":
        created = await demo.create(client, settings)
        demo.announce(created["api_key"], settings)
        return {**created, "created": True}
    return await COMMANDS[args.command](client, args)


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    settings = GatewaySettings()
    # Logs go to stderr and only when something is wrong: stdout is the command's JSON.
    configure_logging("admin", "WARNING", settings.log_format)
    try:
        result = asyncio.run(execute(args, settings))
    except AdminError as error:
        _fail(error.as_json())
    except BusUnavailable as error:
        _fail({"error": f"the system did not answer: {error}", "status": 503})
    except ValidationError as error:
        problem = error.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        # A rule across fields (nothing to change, say) belongs to no one field.
        named = {"field": field} if field else {}
        _fail({"error": f"invalid {field or 'request'}: {problem['msg']}", "status": 400, **named})
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


def _fail(body: dict[str, Any]) -> None:
    sys.stderr.write(json.dumps(body) + "\n")
    raise SystemExit(1)


if __name__ == "__main__":
    main()
