from __future__ import annotations

import pytest
from bench.stats import format_number, format_ratio, mean_of, percentile, ratio, summarise


def test_percentile_interpolates_between_closest_ranks() -> None:
    samples = [10.0, 20.0, 30.0, 40.0]

    assert percentile(samples, 0) == 10.0
    assert percentile(samples, 50) == 25.0
    assert percentile(samples, 100) == 40.0
    assert percentile(samples, 99) == pytest.approx(39.7)


def test_percentile_ignores_input_order_and_handles_one_sample() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([7.5], 99) == 7.5


def test_percentile_refuses_no_samples_and_out_of_range_q() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)


def test_summarise_reports_count_mean_extremes_and_tail() -> None:
    summary = summarise([float(n) for n in range(1, 101)])

    assert summary["count"] == 100
    assert summary["mean"] == 50.5
    assert (summary["min"], summary["max"]) == (1.0, 100.0)
    assert summary["p50"] == 50.5
    assert summary["p95"] == pytest.approx(95.05)
    assert summary["p99"] == pytest.approx(99.01)


def test_summarise_of_nothing_is_just_a_zero_count() -> None:
    assert summarise([]) == {"count": 0}


def test_ratio_is_missing_rather_than_infinite_or_invented() -> None:
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(None, 10.0) is None
    assert ratio(5.0, None) is None
    assert ratio(5.0, 0.0) is None


def test_mean_of_skips_unmeasured_values() -> None:
    assert mean_of([2.0, None, 4.0]) == 3.0
    assert mean_of([None]) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0074, "0.0074×"),
        (0.42, "0.42×"),
        (3.14159, "3.1×"),
        (187.3, "187×"),
        (1234.0, "1,234×"),
        (None, "n/a"),
    ],
)
def test_format_ratio_keeps_two_significant_digits(value: float | None, text: str) -> None:
    assert format_ratio(value) == text


def test_format_number_groups_thousands_and_keeps_small_values_readable() -> None:
    assert format_number(2681.4) == "2,681"
    assert format_number(45.81) == "45.8"
    assert format_number(0.244) == "0.244"
    assert format_number(0) == "0"
    assert format_number(None) == "n/a"
