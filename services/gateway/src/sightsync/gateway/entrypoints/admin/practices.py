"""`sightsync-admin practices ...`: create, change and read practices (owned by compliance)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, get_args

from sightsync.common.messages.practices import (
    InvalidDiary,
    Nation,
    Plan,
    SubscriptionStatus,
    UpdatePractice,
    parse_diary,
)
from sightsync.gateway.entrypoints.admin.client import AdminClient

DIARY_HELP = (
    "JSON diary file, e.g. "
    '{"opening_hours": {"monday": [["09:00", "12:30"], ["13:30", "17:30"]]}, '
    '"slot_minutes": 30, "clinicians": 2, "lead_days": 1}: days left out are closed, times '
    "are UK HH:MM and each opening is a whole number of slots; {} removes the diary. Checked "
    'before sending; see "Practice diaries" in README.md'
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    practices = commands.add_parser("practices", help="create, update, list and show practices")
    actions = practices.add_subparsers(dest="action", required=True)

    create = actions.add_parser("create", help="create a practice")
    create.add_argument("--name", required=True)
    _add_practice_options(create)

    update = actions.add_parser("update", help="change the given fields of a practice")
    update.add_argument("practice_id")
    update.add_argument("--name")
    _add_practice_options(update)

    actions.add_parser("list", help="every practice")
    show = actions.add_parser("show", help="one practice")
    show.add_argument("practice_id")


def _add_practice_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plan", choices=get_args(Plan))
    parser.add_argument("--monthly-limit", type=int)
    parser.add_argument("--allow-overage", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--status", choices=get_args(SubscriptionStatus))
    parser.add_argument("--nation", choices=get_args(Nation))
    parser.add_argument("--caller-id", help="E.164 number shown to patients")
    parser.add_argument("--diary", type=_diary_file, metavar="FILE.json", help=DIARY_HELP)


async def run(client: AdminClient, args: argparse.Namespace) -> dict[str, Any]:
    if args.action == "list":
        return await client.list_practices()
    if args.action == "show":
        return await client.get_practice(args.practice_id)
    fields = _given_fields(args)
    if args.action == "create":
        return await client.create_practice(**fields)
    return await client.ask(
        UpdatePractice(practice_id=args.practice_id, **fields), practice_id=args.practice_id
    )


def _given_fields(args: argparse.Namespace) -> dict[str, Any]:
    """Only the options the operator gave, so the service keeps or defaults the rest."""
    fields = {
        "name": args.name,
        "plan": args.plan,
        "monthly_limit": args.monthly_limit,
        "allow_overage": args.allow_overage,
        "status": args.status,
        "nation": args.nation,
        "caller_id": args.caller_id,
        "diary": args.diary,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _diary_file(name: str) -> dict[str, Any]:
    """The diary in the file, checked here so a mistake is an argument error (exit 2)."""
    path = Path(name)
    try:
        diary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        # json's own message gives the line and column of a syntax error.
        raise argparse.ArgumentTypeError(f"cannot read diary file {path}: {error}") from None
    if not isinstance(diary, dict):
        raise argparse.ArgumentTypeError(f"diary file {path} must hold a JSON object")
    try:
        parse_diary(diary)
    except InvalidDiary as problem:
        raise argparse.ArgumentTypeError(f"{path}: {problem.message}") from None
    return diary
