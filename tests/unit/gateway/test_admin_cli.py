"""The operators' CLI without a broker: argument parsing and TPS file handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sightsync.gateway.entrypoints.admin import practices
from sightsync.gateway.entrypoints.admin.tps import batches, numbered_lines
from sightsync.gateway.entrypoints.admin_cli import build_parser

DIARY = {"opening_hours": {"Tuesday": [["09:00", "17:30"]]}, "slot_minutes": 15}


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
    diary.write_text(json.dumps(DIARY))
    args = build_parser().parse_args(
        ["practices", "update", "prac_1", "--no-allow-overage", "--diary", str(diary)]
    )

    assert practices._given_fields(args) == {"allow_overage": False, "diary": DIARY}


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


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[1, 2]", "must hold a JSON object"),
        ('{"opening_hours":\n  {"monday": [["09:00" "17:00"]]}}', "line 2 column"),
        ('{"opening_hours": {"mon": [["09:00", "17:00"]]}}', "diary.opening_hours.mon: "),
        ('{"opening_hours": {"monday": [["9:00", "17:00"]]}}', "diary.opening_hours.monday.0.0: "),
        ('{"slots": ["09:00"]}', "diary.opening_hours: Field required"),
    ],
)
def test_a_bad_diary_file_is_an_argument_error_before_anything_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    diary = tmp_path / "diary.json"
    diary.write_text(text)

    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["practices", "update", "prac_1", "--diary", str(diary)])

    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "argument --diary" in error
    assert words in error


def test_a_missing_diary_file_is_an_argument_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["practices", "create", "--name", "X", "--diary", "nope.json"])

    assert exit_.value.code == 2
    assert "cannot read diary file nope.json" in capsys.readouterr().err


def test_an_empty_diary_file_is_sent_to_remove_the_diary(tmp_path: Path) -> None:
    diary = tmp_path / "diary.json"
    diary.write_text("{}")
    args = build_parser().parse_args(["practices", "update", "prac_1", "--diary", str(diary)])

    assert practices._given_fields(args) == {"diary": {}}


def test_the_diary_help_shows_the_file_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["practices", "update", "--help"])

    help_text = " ".join(capsys.readouterr().out.split())
    assert '"opening_hours": {"monday": [["09:00", "12:30"]' in help_text
    assert "slot_minutes" in help_text and "clinicians" in help_text
