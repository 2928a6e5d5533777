"""`sightsync-admin tps ...`: keep compliance's TPS/CTPS register in step with the files.

Files hold one number a line in any UK format; blank lines and `#` comments are skipped.
Lines travel with their line numbers, so what compliance cannot parse is reported by line.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from sightsync.common.messages.tps import (
    CheckTpsNumber,
    ImportTpsNumbers,
    NumberedLine,
    RemoveTpsNumbers,
)
from sightsync.gateway.entrypoints.admin.client import AdminClient, AdminError

BATCH_SIZE: Final = 5000


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tps = commands.add_parser("tps", help="import, remove and check TPS/CTPS numbers")
    actions = tps.add_subparsers(dest="action", required=True)
    load = actions.add_parser("import", help="add a file's numbers to the register")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--replace", action="store_true", help="make the file the whole register, atomically"
    )
    remove = actions.add_parser("remove", help="take a file's numbers off the register")
    remove.add_argument("file", type=Path)
    check = actions.add_parser("check", help="is this number registered?")
    check.add_argument("number")


def numbered_lines(text: str) -> list[NumberedLine]:
    """Every line that may hold a number, with its 1-based line number in the file."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped and not stripped.startswith("#"):
            lines.append(NumberedLine(line=number, text=stripped))
    return lines


def batches(lines: Sequence[NumberedLine], size: int = BATCH_SIZE) -> Iterator[list[NumberedLine]]:
    """Batches of at most `size`; an empty file is still one (empty) batch."""
    if not lines:
        yield []
        return
    for start in range(0, len(lines), size):
        yield list(lines[start : start + size])


async def run(client: AdminClient, args: argparse.Namespace) -> dict[str, Any]:
    if args.action == "check":
        return await client.ask(CheckTpsNumber(number=args.number))
    lines = numbered_lines(_read(args.file))
    if args.action == "import":
        summary = await import_numbers(client, lines, replace=args.replace)
    else:
        summary = await remove_numbers(client, lines)
    _report_malformed(summary["malformed"])
    return summary


async def import_numbers(
    client: AdminClient, lines: Sequence[NumberedLine], *, replace: bool
) -> dict[str, Any]:
    import_id = uuid.uuid4().hex
    chunks = list(batches(lines))
    added = 0
    malformed: list[dict[str, Any]] = []
    register_size = None
    for index, chunk in enumerate(chunks):
        final = index == len(chunks) - 1
        reply = await client.ask(
            ImportTpsNumbers(import_id=import_id, lines=chunk, replace=replace, final=final)
        )
        added += int(reply.get("added", 0))
        malformed.extend(reply.get("malformed", []))
        register_size = reply.get("register_size", register_size)
    return {
        "import_id": import_id,
        "replace": replace,
        "lines": len(lines),
        "batches": len(chunks),
        "added": added,
        "malformed_count": len(malformed),
        "malformed": malformed,
        "register_size": register_size,
    }


async def remove_numbers(client: AdminClient, lines: Sequence[NumberedLine]) -> dict[str, Any]:
    removed = 0
    malformed: list[dict[str, Any]] = []
    for chunk in batches(lines):
        if not chunk:
            continue
        reply = await client.ask(RemoveTpsNumbers(lines=chunk))
        removed += int(reply.get("removed", 0))
        malformed.extend(reply.get("malformed", []))
    return {
        "lines": len(lines),
        "removed": removed,
        "malformed_count": len(malformed),
        "malformed": malformed,
    }


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AdminError(f"cannot read {path}: {error}", 2) from None


def _report_malformed(malformed: Sequence[dict[str, Any]]) -> None:
    for entry in malformed:
        sys.stderr.write(f"line {entry.get('line')}: skipped, {entry.get('reason')}\n")
