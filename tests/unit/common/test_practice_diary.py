"""The diary schema shared by the CLI, compliance and the dialer: what it takes and refuses."""

from __future__ import annotations

from typing import Any

import pytest

from sightsync.common.messages.practices import InvalidDiary, PracticeDiary, parse_diary

OPEN_MONDAY = {"monday": [["09:00", "17:00"]]}


def refusal(raw: Any) -> InvalidDiary:
    with pytest.raises(InvalidDiary) as caught:
        parse_diary(raw)
    return caught.value


def test_a_full_diary_is_read_and_put_in_order() -> None:
    diary = parse_diary(
        {
            "opening_hours": {
                "Saturday": [["09:00", "13:00"]],
                "monday": [["13:30", "17:30"], ["09:00", "12:30"]],
            },
            "slot_minutes": 30,
            "clinicians": 2,
            "lead_days": 0,
        }
    )

    assert diary == PracticeDiary(
        opening_hours={
            "monday": [("09:00", "12:30"), ("13:30", "17:30")],
            "saturday": [("09:00", "13:00")],
        },
        slot_minutes=30,
        clinicians=2,
        lead_days=0,
    )
    assert list(diary.opening_hours) == ["monday", "saturday"]
    assert diary.model_dump(mode="json")["opening_hours"]["monday"][0] == ["09:00", "12:30"]


def test_only_opening_hours_are_required() -> None:
    diary = parse_diary({"opening_hours": OPEN_MONDAY})

    assert diary is not None
    assert (diary.slot_minutes, diary.clinicians, diary.lead_days) == (30, 1, 1)


def test_an_empty_object_means_no_diary() -> None:
    assert parse_diary({}) is None


def test_a_closed_day_may_be_listed_and_openings_may_touch() -> None:
    diary = parse_diary(
        {"opening_hours": {"sunday": [], "monday": [["09:00", "12:00"], ["12:00", "17:00"]]}}
    )

    assert diary is not None
    assert diary.opening_hours["sunday"] == []


@pytest.mark.parametrize(
    ("hours", "field", "words"),
    [
        ({"mon": [["09:00", "17:00"]]}, "mon", "'monday'"),
        ({"monday": [["9:00", "17:00"]]}, "monday.0.0", "HH:MM"),
        ({"monday": [["09:00", "24:00"]]}, "monday.0.1", "HH:MM"),
        ({"monday": [["09:60", "17:00"]]}, "monday.0.0", "HH:MM"),
        ({"monday": [[900, "17:00"]]}, "monday.0.0", "valid string"),
        ({"monday": [["17:00", "09:00"]]}, "monday.0", "must open first"),
        ({"monday": [["09:00", "09:00"]]}, "monday.0", "must open first"),
        ({"monday": [["09:00"]]}, "monday.0", "two times"),
        ({"monday": [["09:00", "12:00", "17:00"]]}, "monday.0", "two times"),
        ({"monday": [["09:00", "13:00"], ["12:00", "17:00"]]}, "monday", "overlap"),
        ({"monday": [["09:00", "17:10"]]}, "", "not a whole number of 30-minute slots"),
        ({"Monday": [["09:00", "12:00"]], "monday": [["13:00", "17:00"]]}, "", "more than once"),
        ({}, "", "at least one weekday"),
        ({"monday": []}, "", "at least one weekday"),
    ],
)
def test_each_opening_hours_mistake_is_refused_naming_where(
    hours: dict[str, Any], field: str, words: str
) -> None:
    problem = refusal({"opening_hours": hours})

    expected = ".".join(["diary.opening_hours", field]) if field else "diary.opening_hours"
    assert problem.field == expected
    assert problem.message.startswith(f"{expected}: ")
    assert words in problem.message


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("slot_minutes", 0, "greater than or equal to 5"),
        ("slot_minutes", -30, "greater than or equal to 5"),
        ("slot_minutes", 245, "less than or equal to 240"),
        ("slot_minutes", 7, "multiple of 5"),
        ("slot_minutes", "30", "valid integer"),
        ("slot_minutes", 30.0, "valid integer"),
        ("clinicians", 0, "greater than or equal to 1"),
        ("clinicians", 21, "less than or equal to 20"),
        ("clinicians", True, "valid integer"),
        ("lead_days", -1, "greater than or equal to 0"),
        ("lead_days", 29, "less than or equal to 28"),
        ("timezone", "Europe/Paris", "not a diary setting"),
    ],
)
def test_each_setting_mistake_is_refused_naming_the_setting(
    setting: str, value: object, words: str
) -> None:
    problem = refusal({"opening_hours": OPEN_MONDAY, setting: value})

    assert problem.field == f"diary.{setting}"
    assert words in problem.message


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"slot_minutes": 30}, "diary.opening_hours"),
        ({"slots": ["09:00"]}, "diary.opening_hours"),
        ([["09:00", "17:00"]], "diary"),
        (None, "diary"),
    ],
)
def test_a_diary_is_an_object_with_opening_hours(raw: Any, field: str) -> None:
    assert refusal(raw).field == field


def test_every_mistake_is_reported_and_the_first_names_the_field() -> None:
    problem = refusal({"opening_hours": {"mon": [["09:00", "17:00"]]}, "clinicians": 0})

    assert problem.field == "diary.clinicians"
    assert "diary.opening_hours.mon: " in problem.message
