"""The dialer reads the diary compliance stored, and survives one stored before it was checked."""

from __future__ import annotations

from structlog.testing import capture_logs

from sightsync.common.messages.practices import PracticeDiary, parse_diary
from sightsync.dialer.adapters.practices import diary_from
from sightsync.dialer.domain.slots import DiarySettings, Weekday


def test_the_shared_schema_has_the_dialers_fields() -> None:
    assert set(PracticeDiary.model_fields) == set(DiarySettings.model_fields)


def test_a_checked_diary_is_read_as_it_was_kept() -> None:
    checked = parse_diary(
        {
            "opening_hours": {"Wednesday": [["13:00", "17:00"], ["09:00", "12:00"]]},
            "slot_minutes": 20,
            "clinicians": 3,
            "lead_days": 0,
        }
    )
    assert checked is not None

    with capture_logs() as logs:
        diary = diary_from(checked.model_dump(mode="json"), "prac_1")

    assert diary == DiarySettings(
        opening_hours={Weekday.WEDNESDAY: [("09:00", "12:00"), ("13:00", "17:00")]},
        slot_minutes=20,
        clinicians=3,
        lead_days=0,
    )
    assert logs == []


def test_both_default_slot_length_clinicians_and_lead_days_alike() -> None:
    shared = PracticeDiary(opening_hours={"monday": [("09:00", "17:00")]})
    dialer = DiarySettings()

    assert (shared.slot_minutes, shared.clinicians, shared.lead_days) == (
        dialer.slot_minutes,
        dialer.clinicians,
        dialer.lead_days,
    )


def test_no_diary_is_the_default_layout_without_a_warning() -> None:
    with capture_logs() as logs:
        assert diary_from(None, "prac_1") == DiarySettings()
        assert diary_from({}, "prac_1") == DiarySettings()

    assert logs == []


def test_a_diary_stored_before_checking_falls_back_with_a_warning() -> None:
    with capture_logs() as logs:
        diary = diary_from({"slots": ["09:00"]}, "prac_1")

    assert diary == DiarySettings()
    assert logs == [
        {"event": "diary_invalid_using_defaults", "practice_id": "prac_1", "log_level": "warning"}
    ]
