"""The operators' CLI without a broker: argument parsing and TPS file handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from sightsync.gateway.entrypoints.admin import practices
from sightsync.gateway.entrypoints.admin.client import AdminError
from sightsync.gateway.entrypoints.admin.tps import batches, numbered_lines
from sightsync.gateway.entrypoints.admin_cli import build_parser


def test_numbered_lines_skip_blanks_and_comments_but_keep_file_line_numbers() -> None:
    text = "# TPS extract\n07700 900123\n\n  +44 20 7946 0000  \n# end\nnot a number\n"

    lines = numbered_lines(text)

    assert [(line.line, line.text) for line in lines] == [
        (2, "07700 900123"),
        (4, "+44 20 7946 0000"),
        (6, "not a number"),
    ]


def test_batches_hold_at_most_5000_lines_and_an_empty_file_is_one_batch() -> None:
    lines = numbered_lines("\n".join(f"0770090{n:04d}" for n in range(12_001)))

    sizes = [len(batch) for batch in batches(lines)]

    assert sizes == [5000, 5000, 2001]
    assert list(batches([])) == [[]]


def test_practice_options_send_only_what_was_given(tmp_path: Path) -> None:
    diary = tmp_path / "diary.json"
    diary.write_text('{"slots": []}')
    args = build_parser().parse_args(
        ["practices", "update", "prac_1", "--no-allow-overage", "--diary", str(diary)]
    )

    assert practices._given_fields(args) == {"allow_overage": False, "diary": {"slots": []}}


def test_create_needs_a_name_and_checks_choices() -> None:
    parser = build_parser()

    with pytest.raises(SystemExit):
        parser.parse_args(["practices", "create"])
    with pytest.raises(SystemExit):
        parser.parse_args(["practices", "create", "--name", "X", "--plan", "gold"])
    args = parser.parse_args(
        ["practices", "create", "--name", "X", "--plan", "group", "--monthly-limit", "900"]
    )
    assert practices._given_fields(args) == {"name": "X", "plan": "group", "monthly_limit": 900}


def test_an_unreadable_diary_is_an_operator_error(tmp_path: Path) -> None:
    diary = tmp_path / "diary.json"
    diary.write_text("[1, 2]")
    args = build_parser().parse_args(["practices", "update", "prac_1", "--diary", str(diary)])

    with pytest.raises(AdminError, match="JSON object"):
        practices._given_fields(args)
