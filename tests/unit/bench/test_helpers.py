from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from bench.__main__ import output_stem, selected_benchmarks
from bench.benchmarks import BENCHMARKS
from bench.benchmarks.events import call_events
from bench.benchmarks.rate_limit import allowed_before_refusal
from bench.benchmarks.recall import dispatch_latencies
from bench.fixtures import PhoneBlocks, patient_body_template, phone_number, seeded_patient
from bench.machine import cpu_model
from bench.stack import weekday_morning

from sightsync.common.clock import FrozenClock
from sightsync.common.messages.calls import CallAccepted, CallCompleted, CallPlaced
from sightsync.compliance.domain.phone import CallableNumber, check_stored_number


def test_weekday_morning_skips_weekends_and_bank_holidays() -> None:
    # Friday 24 December 2027: the 25th is a Saturday, the 27th and 28th bank holidays.
    morning = weekday_morning(date(2027, 12, 24))

    assert morning.date() == date(2027, 12, 29)
    assert (morning.hour, morning.minute) == (10, 0)
    assert str(morning.tzinfo) == "Europe/London"


def test_weekday_morning_is_ten_in_the_uk_in_summer_time() -> None:
    morning = weekday_morning(date(2026, 7, 6))

    assert morning.astimezone(UTC).hour == 9


def test_bench_numbers_are_callable_and_blocks_never_overlap() -> None:
    blocks = PhoneBlocks()
    first, second = blocks.take(500), blocks.take(10)

    assert second == first + 500
    assert isinstance(check_stored_number(phone_number(first)), CallableNumber)
    assert isinstance(check_stored_number(phone_number(second + 9)), CallableNumber)


def test_the_post_body_template_puts_an_eight_digit_number_in_the_phone() -> None:
    body = patient_body_template().replace("{n}", "12345678")

    assert '"phone_number": "+447812345678"' in body


def test_a_seeded_patient_keeps_the_template_shape_and_changes_who_it_is() -> None:
    template = {
        "_id": "pat_template",
        "practice_id": "prac_a",
        "phone_e164": "+447800000001",
        "first_name": "Template",
        "last_name": "Patient",
        "email": "template@example.co.uk",
        "risk_category": "standard",
        "last_eye_test_date": "2023-05-14",
        "next_clinical_due_date": "2025-05-14",
        "clinical_notes": "Seeded for benchmarks.",
        "tps_registered": False,
        "opted_out": False,
        "updated_at": datetime(2026, 12, 4, tzinfo=UTC),
        "created_at": datetime(2026, 12, 4, tzinfo=UTC),
        "recent_calls": [],
        "call_version": 0,
    }

    seeded = seeded_patient(template, "prac_b", 10_000_007)

    assert set(seeded) == set(template)
    assert seeded["_id"] != template["_id"] and seeded["_id"].startswith("pat_")
    assert seeded["practice_id"] == "prac_b"
    assert seeded["phone_e164"] == "+447810000007"
    assert seeded["clinical_notes"] is None
    assert template["practice_id"] == "prac_a"


def test_call_events_are_exactly_the_backlog_asked_for() -> None:
    clock = FrozenClock(datetime(2026, 12, 4, 10, tzinfo=UTC))

    events = call_events("prac_a", 50_000, clock)

    kinds = [type(event) for event, _ in events]
    assert len(events) == 50_000
    assert kinds.count(CallAccepted) == kinds.count(CallPlaced) == 16_667
    assert kinds.count(CallCompleted) == 16_666


def test_dispatch_latency_matches_calls_by_id_and_skips_unplaced_ones() -> None:
    accepted = [["c_1", 10.0], ["c_2", 11.0], ["c_3", 12.0]]
    placed = {"c_1": 10.25, "c_3": 13.0, "c_other": 1.0}

    assert dispatch_latencies(accepted, placed) == [250.0, 1000.0]


def test_selected_benchmarks_keep_the_full_order_and_refuse_unknown_names() -> None:
    assert selected_benchmarks("") == list(BENCHMARKS)
    assert selected_benchmarks("events, patients_list") == ["patients_list", "events"]
    assert selected_benchmarks("recall,growth") == ["growth", "recall"]
    with pytest.raises(SystemExit, match="unknown"):
        selected_benchmarks("patients_lst")


def test_partial_runs_never_write_over_the_full_results() -> None:
    assert output_stem(list(BENCHMARKS)) == "latest"
    assert output_stem(["patients_list", "events"]) == "only-patients_list-events"


def test_cpu_model_is_the_first_model_name() -> None:
    cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: x\n"

    assert cpu_model(cpuinfo) == "AMD EPYC 7B13"
    assert cpu_model("flags: fpu") == "unknown"


def test_only_the_first_window_counts_towards_what_the_limit_let_through() -> None:
    timeline = [["200", 1.0], ["200", 1.1], ["429", 1.3], ["200", 1.2], ["200", 61.0]]

    assert allowed_before_refusal(timeline) == 3
    assert allowed_before_refusal([["200", 1.0], ["500", 1.1]]) == 1
