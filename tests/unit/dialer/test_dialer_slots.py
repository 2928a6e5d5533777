import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from sightsync.common.clock import FrozenClock
from sightsync.dialer.domain.slots import (
    DiarySettings,
    Slot,
    Weekday,
    earliest_free_slots,
    slot_at,
    spoken_time,
)

# Monday 8 December 2025, 08:00 UK time (GMT, so the same in UTC).
MONDAY_MORNING = FrozenClock(datetime(2025, 12, 8, 8, 0, tzinfo=UTC))


def starts(slots: list[Slot]) -> list[datetime]:
    return [slot.starts_at for slot in slots]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class TestDiarySettings:
    def test_defaults_are_weekdays_half_nine_to_half_five_and_saturday_mornings(self) -> None:
        diary = DiarySettings()

        assert diary.slot_minutes == 30
        assert diary.clinicians == 1
        assert diary.lead_days == 1
        for day in list(Weekday)[:5]:
            assert diary.opening_hours[day] == [("09:00", "17:30")]
        assert diary.opening_hours[Weekday.SATURDAY] == [("09:00", "13:00")]
        assert Weekday.SUNDAY not in diary.opening_hours

    def test_loads_the_admin_diary_file(self, tmp_path: Path) -> None:
        file = tmp_path / "diary.json"
        file.write_text(
            json.dumps(
                {
                    "opening_hours": {
                        "Monday": [["13:00", "17:00"], ["09:00", "12:00"]],
                        "thursday": [["10:00", "19:00"]],
                    },
                    "slot_minutes": 20,
                    "clinicians": 3,
                }
            )
        )

        diary = DiarySettings.model_validate_json(file.read_text())

        assert diary.opening_hours == {
            Weekday.MONDAY: [("09:00", "12:00"), ("13:00", "17:00")],
            Weekday.THURSDAY: [("10:00", "19:00")],
        }
        assert (diary.slot_minutes, diary.clinicians) == (20, 3)
        assert DiarySettings.model_validate_json(diary.model_dump_json()) == diary

    @pytest.mark.parametrize(
        "settings",
        [
            {"opening_hours": {"monday": [["9:00", "17:00"]]}},
            {"opening_hours": {"monday": [["09:00", "24:00"]]}},
            {"opening_hours": {"monday": [["09:60", "17:00"]]}},
            {"opening_hours": {"monday": [["nine", "five"]]}},
            {"opening_hours": {"monday": [["17:00", "09:00"]]}},
            {"opening_hours": {"monday": [["09:00", "09:00"]]}},
            {"opening_hours": {"monday": [["09:00", "13:00"], ["12:00", "17:00"]]}},
            {"opening_hours": {"monday": [["09:00"]]}},
            {"opening_hours": {"funday": [["09:00", "17:00"]]}},
            {"slot_minutes": 4},
            {"slot_minutes": 241},
            {"clinicians": 0},
            {"clinicians": 21},
            {"lead_days": -1},
            {"timezone": "Europe/Paris"},
        ],
    )
    def test_invalid_settings_are_refused(self, settings: dict[str, object]) -> None:
        with pytest.raises(ValidationError):
            DiarySettings.model_validate(settings)

    @pytest.mark.parametrize("minutes", [5, 240])
    def test_slot_length_limits_are_inclusive(self, minutes: int) -> None:
        assert DiarySettings(slot_minutes=minutes).slot_minutes == minutes


class TestEarliestFreeSlots:
    def test_starts_on_the_next_day_by_default(self) -> None:
        slots = earliest_free_slots(DiarySettings(), {}, MONDAY_MORNING.now(), count=2)

        assert starts(slots) == [utc(2025, 12, 9, 9, 0), utc(2025, 12, 9, 9, 30)]
        assert slots[0].local_date == date(2025, 12, 9)
        assert slots[0].local_time == "09:00"
        assert slots[1].label == "Tuesday 9 December at 9:30am"

    def test_same_day_slots_need_a_zero_lead_and_are_never_in_the_past(self) -> None:
        diary = DiarySettings(lead_days=0)
        now = utc(2025, 12, 8, 10, 10)

        slots = earliest_free_slots(diary, {}, now, count=2)

        assert starts(slots) == [utc(2025, 12, 8, 10, 30), utc(2025, 12, 8, 11, 0)]

    def test_a_slot_must_fit_before_closing(self) -> None:
        diary = DiarySettings(slot_minutes=45, opening_hours={"monday": [("09:00", "11:00")]})

        slots = earliest_free_slots(diary, {}, utc(2025, 12, 7, 12), count=5)

        assert [slot.local_time for slot in slots[:3]] == ["09:00", "09:45", "09:00"]
        assert slots[2].local_date == date(2025, 12, 15)
        assert all(slot.minutes == 45 for slot in slots)

    def test_weekend_and_closed_days_are_skipped(self) -> None:
        friday_evening = utc(2025, 12, 12, 18)

        slots = earliest_free_slots(DiarySettings(), {}, friday_evening, count=9)

        assert [slot.local_date.isoformat() for slot in slots] == ["2025-12-13"] * 8 + [
            "2025-12-15"
        ]
        assert slots[-1].label == "Monday 15 December at 9am"

    def test_skip_passes_over_the_earliest(self) -> None:
        everything = earliest_free_slots(DiarySettings(), {}, MONDAY_MORNING.now(), count=6)

        later = earliest_free_slots(DiarySettings(), {}, MONDAY_MORNING.now(), count=2, skip=2)

        assert later == everything[2:4]

    def test_booked_slots_are_left_out(self) -> None:
        first, second, third = earliest_free_slots(DiarySettings(), {}, MONDAY_MORNING.now(), 3)

        slots = earliest_free_slots(DiarySettings(), [first.starts_at], MONDAY_MORNING.now(), 2)

        assert slots == [second, third]

    def test_parallel_clinicians_share_a_slot_until_it_is_full(self) -> None:
        diary = DiarySettings(clinicians=2)
        now = MONDAY_MORNING.now()
        first, second = earliest_free_slots(diary, {}, now, count=2)

        one_booked = earliest_free_slots(diary, {first.starts_at: 1}, now, count=1)
        full = earliest_free_slots(diary, [first.starts_at, first.starts_at], now, count=1)

        assert one_booked == [first]
        assert full == [second]

    def test_bookings_are_matched_as_instants_whatever_their_zone(self) -> None:
        first, second = earliest_free_slots(DiarySettings(), {}, MONDAY_MORNING.now(), 2)
        same_instant = first.starts_at.astimezone(ZoneInfo("Europe/London"))

        assert earliest_free_slots(DiarySettings(), [same_instant], MONDAY_MORNING.now(), 1) == [
            second
        ]

    def test_a_booking_off_the_slot_grid_does_not_block_a_slot(self) -> None:
        first, _ = earliest_free_slots(DiarySettings(), {}, MONDAY_MORNING.now(), 2)

        off_grid = first.starts_at + timedelta(minutes=10)

        assert earliest_free_slots(DiarySettings(), [off_grid], MONDAY_MORNING.now(), 1) == [first]

    def test_the_search_stops_at_the_horizon(self) -> None:
        now = MONDAY_MORNING.now()
        closed = DiarySettings(opening_hours={})
        mondays_only = DiarySettings(opening_hours={"monday": [("09:00", "09:30")]})

        assert earliest_free_slots(closed, {}, now, count=1) == []
        assert earliest_free_slots(mondays_only, {}, now, count=1, horizon_days=7) == []
        within_eight_days = earliest_free_slots(mondays_only, {}, now, count=5, horizon_days=8)
        assert [slot.local_date for slot in within_eight_days] == [date(2025, 12, 15)]
        assert len(earliest_free_slots(mondays_only, {}, now, count=20)) == 8

    def test_count_zero_and_bad_arguments(self) -> None:
        now = MONDAY_MORNING.now()
        assert earliest_free_slots(DiarySettings(), {}, now, count=0) == []
        with pytest.raises(ValueError, match="time zone"):
            earliest_free_slots(DiarySettings(), {}, now.replace(tzinfo=None), count=1)
        with pytest.raises(ValueError, match="time zone"):
            earliest_free_slots(DiarySettings(), [datetime(2025, 12, 9, 9)], now, count=1)
        with pytest.raises(ValueError, match="negative"):
            earliest_free_slots(DiarySettings(), {}, now, count=1, skip=-1)

    def test_returned_instants_are_utc(self) -> None:
        slots = earliest_free_slots(DiarySettings(), {}, MONDAY_MORNING.now(), count=3)

        assert all(slot.starts_at.tzinfo is UTC for slot in slots)
        assert slots[0].ends_at == slots[1].starts_at


class TestClockChanges:
    def test_spring_forward_moves_opening_an_hour_earlier_in_utc(self) -> None:
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
        friday = utc(2026, 3, 27, 18)

        saturday, monday = (
            earliest_free_slots(DiarySettings(), {}, friday, count=9)[i] for i in (0, 8)
        )

        assert (saturday.local_time, saturday.starts_at) == ("09:00", utc(2026, 3, 28, 9))
        assert (monday.local_time, monday.starts_at) == ("09:00", utc(2026, 3, 30, 8))
        assert monday.label == "Monday 30 March at 9am"

    def test_fall_back_moves_opening_an_hour_later_in_utc(self) -> None:
        # Clocks go back at 01:00 UTC on Sunday 26 October 2025.
        friday = utc(2025, 10, 24, 18)

        slots = earliest_free_slots(DiarySettings(), {}, friday, count=9)

        assert slots[0].starts_at == utc(2025, 10, 25, 8)
        assert slots[8].starts_at == utc(2025, 10, 27, 9)
        assert slots[8].local_time == "09:00"

    def test_the_missing_spring_hour_has_no_slots(self) -> None:
        night_owls = DiarySettings(opening_hours={"sunday": [("00:00", "03:00")]})

        slots = earliest_free_slots(night_owls, {}, utc(2026, 3, 27, 12), count=4)

        assert [slot.local_time for slot in slots] == ["00:00", "00:30", "02:00", "02:30"]
        assert starts(slots) == [
            utc(2026, 3, 29, 0, 0),
            utc(2026, 3, 29, 0, 30),
            utc(2026, 3, 29, 1, 0),
            utc(2026, 3, 29, 1, 30),
        ]

    def test_the_repeated_autumn_hour_is_offered_once(self) -> None:
        night_owls = DiarySettings(opening_hours={"sunday": [("00:00", "03:00")]})

        slots = earliest_free_slots(night_owls, {}, utc(2025, 10, 24, 12), count=6)

        assert [slot.local_time for slot in slots] == [
            "00:00", "00:30", "01:00", "01:30", "02:00", "02:30",
        ]  # fmt: skip
        assert starts(slots) == sorted(set(starts(slots)))
        assert slots[2].starts_at == utc(2025, 10, 26, 0, 0)  # 01:00 BST
        assert slots[4].starts_at == utc(2025, 10, 26, 2, 0)  # 02:00 GMT

    def test_bookings_across_the_change_are_matched_by_instant(self) -> None:
        friday = utc(2026, 3, 27, 18)
        monday_nine_bst = utc(2026, 3, 30, 8)
        diary = DiarySettings(opening_hours={"monday": [("09:00", "10:00")]})

        slots = earliest_free_slots(diary, [monday_nine_bst], friday, count=1)

        assert slots[0].local_time == "09:30"


NATIONS = ["england", "wales", "scotland", "northern_ireland"]


def days(slots: list[Slot]) -> set[date]:
    return {slot.local_date for slot in slots}


class TestBankHolidays:
    @pytest.mark.parametrize("nation", NATIONS)
    def test_christmas_and_boxing_day_are_skipped(self, nation: str) -> None:
        christmas_eve = utc(2025, 12, 24, 12)

        slots = earliest_free_slots(DiarySettings(), {}, christmas_eve, count=20, nation=nation)

        assert slots[0].label == "Saturday 27 December at 9am"
        assert days(slots).isdisjoint({date(2025, 12, 25), date(2025, 12, 26)})

    def test_england_is_the_calendar_when_no_nation_is_given(self) -> None:
        christmas_eve = utc(2025, 12, 24, 12)

        (first,) = earliest_free_slots(DiarySettings(), {}, christmas_eve, count=1)

        assert first.local_date == date(2025, 12, 27)

    def test_the_second_of_january_is_a_holiday_in_scotland_only(self) -> None:
        hogmanay = utc(2025, 12, 31, 12)

        (england,) = earliest_free_slots(DiarySettings(), {}, hogmanay, 1, nation="england")
        (scotland,) = earliest_free_slots(DiarySettings(), {}, hogmanay, 1, nation="scotland")

        assert england.label == "Friday 2 January at 9am"
        assert scotland.label == "Saturday 3 January at 9am"

    def test_the_twelfth_of_july_is_a_holiday_in_northern_ireland_only(self) -> None:
        thursday = utc(2024, 7, 11, 12)

        (england,) = earliest_free_slots(DiarySettings(), {}, thursday, 1, nation="england")
        (ulster,) = earliest_free_slots(DiarySettings(), {}, thursday, 1, nation="northern_ireland")

        assert (england.label, england.starts_at) == ("Friday 12 July at 9am", utc(2024, 7, 12, 8))
        assert (ulster.label, ulster.starts_at) == ("Saturday 13 July at 9am", utc(2024, 7, 13, 8))

    @pytest.mark.parametrize(
        ("nation", "after_saturday"),
        [
            ("england", utc(2024, 4, 2, 8)),
            ("scotland", utc(2024, 4, 1, 8)),
        ],
    )
    def test_an_easter_that_spans_the_spring_clock_change(
        self, nation: str, after_saturday: datetime
    ) -> None:
        # Good Friday was 29 March 2024, clocks went forward on the 31st and Easter Monday,
        # a bank holiday everywhere but Scotland, was 1 April.
        maundy_thursday = utc(2024, 3, 28, 18)

        slots = earliest_free_slots(DiarySettings(), {}, maundy_thursday, 9, nation=nation)

        assert slots[0].starts_at == utc(2024, 3, 30, 9)
        assert slots[7].starts_at == utc(2024, 3, 30, 12, 30)
        assert (slots[8].starts_at, slots[8].local_time) == (after_saturday, "09:00")


@pytest.mark.parametrize(
    ("hour", "minute", "spoken"),
    [
        (9, 0, "9am"),
        (10, 30, "10:30am"),
        (12, 0, "12 noon"),
        (12, 30, "12:30pm"),
        (14, 0, "2pm"),
        (14, 5, "2:05pm"),
        (0, 15, "12:15am"),
    ],
)
def test_times_are_said_the_way_people_say_them(hour: int, minute: int, spoken: str) -> None:
    assert spoken_time(hour, minute) == spoken


def test_slot_at_builds_a_utc_slot_from_a_uk_wall_time() -> None:
    summer = slot_at(date(2026, 6, 2), time(14, 30))

    assert summer.starts_at == utc(2026, 6, 2, 13, 30)
    assert summer.label == "Tuesday 2 June at 2:30pm"
    assert (summer.local_hour, summer.local_minute, summer.weekday) == (14, 30, Weekday.TUESDAY)
