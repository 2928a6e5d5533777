"""`sightsync-admin keys ...`: issue, list and revoke practices' API keys."""

from __future__ import annotations

import argparse
from typing import Any

from sightsync.gateway.entrypoints.admin.client import AdminClient


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="create, list and revoke API keys")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="issue a key; its secret is printed only once")
    create.add_argument("--practice", required=True, metavar="PRACTICE_ID")
    listing = actions.add_parser("list", help="a practice's keys, without secrets")
    listing.add_argument("--practice", required=True, metavar="PRACTICE_ID")
    revoke = actions.add_parser("revoke", help="revoke a key on every gateway within a second")
    revoke.add_argument("key_id")


async def run(client: AdminClient, args: argparse.Namespace) -> dict[str, Any]:
    if args.action == "create":
        return await client.create_api_key(args.practice)
    if args.action == "list":
        return await client.list_api_keys(args.practice)
    return await client.revoke_api_key(args.key_id)
