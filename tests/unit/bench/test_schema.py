from __future__ import annotations

from typing import Any

from bench.schema import SCHEMA_VERSION, figure, problems


def _document(figures: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "machine": {
            "nproc": 2,
            "memory_gib": 23.5,
            "cpu_model": "AMD EPYC",
            "python": "3.11.7",
            "date": "2026-12-03T18:56:30+00:00",
        },
        "run": {
            "started_at": "2026-12-03T18:56:30+00:00",
            "duration_seconds": 47.0,
            "selected": [],
        },
        "figures": figures,
        "benchmarks": {},
        "processes": {"gateway": {"idle_rss_mib": 69.4, "peak_rss_mib": 72.3, "cpu_seconds": 1.8}},
    }


def test_figure_computes_its_ratio_and_defaults_the_baseline_unit() -> None:
    item = figure(
        "patients_list",
        "GET throughput, 8 clients",
        37.7,
        "req/s",
        baseline="bare aiohttp, 8 clients",
        baseline_value=4844.0,
    )

    assert item.ratio is not None
    assert round(item.ratio, 4) == 0.0078
    assert item.baseline_unit == "req/s"
    assert item.extrapolated is False


def test_figure_without_a_measured_value_has_no_ratio() -> None:
    item = figure("growth", "p50", None, "ms", baseline="raw find", baseline_value=0.6)

    assert item.ratio is None


def test_a_document_of_proper_figures_is_valid() -> None:
    item = figure("events", "drain", 1100.0, "s", baseline="raw", baseline_value=88.0)

    assert problems(_document([item.as_json()])) == []


def test_a_figure_without_its_baseline_is_rejected() -> None:
    item = figure("events", "drain", 1100.0, "s", baseline="raw", baseline_value=88.0).as_json()
    del item["baseline_value"]

    found = problems(_document([item]))

    assert found == ["figures/0: 'baseline_value' is a required property"]


def test_unknown_fields_and_missing_machine_facts_are_reported() -> None:
    item = figure("events", "drain", 1.0, "s", baseline="raw", baseline_value=1.0).as_json()
    document = _document([{**item, "colour": "red"}])
    del document["machine"]["cpu_model"]

    found = problems(document)

    assert any(problem.startswith("figures/0:") and "colour" in problem for problem in found)
    assert any(problem.startswith("machine:") and "cpu_model" in problem for problem in found)
