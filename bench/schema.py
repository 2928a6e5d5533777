"""What `bench/results/latest.json` holds, and the one check every result file must pass.

Every figure names the baseline it is read against and that baseline's value from the same
run; a figure without one is rejected, so a number can never appear without its yardstick.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import jsonschema

SCHEMA_VERSION = 1

_NUMBER_OR_NULL = {"type": ["number", "null"]}

FIGURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "benchmark",
        "name",
        "value",
        "unit",
        "baseline",
        "baseline_value",
        "baseline_unit",
        "ratio",
    ],
    "properties": {
        "benchmark": {"type": "string", "minLength": 1},
        "name": {"type": "string", "minLength": 1},
        "value": _NUMBER_OR_NULL,
        "unit": {"type": "string"},
        "baseline": {"type": "string", "minLength": 1},
        "baseline_value": _NUMBER_OR_NULL,
        "baseline_unit": {"type": "string"},
        "ratio": _NUMBER_OR_NULL,
        "extrapolated": {"type": "boolean"},
        "note": {"type": "string"},
    },
    "additionalProperties": False,
}

RESULTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "machine", "run", "figures", "benchmarks", "processes"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "machine": {
            "type": "object",
            "required": ["nproc", "memory_gib", "cpu_model", "python", "date"],
        },
        "run": {"type": "object", "required": ["started_at", "duration_seconds", "selected"]},
        "figures": {"type": "array", "items": FIGURE_SCHEMA},
        "benchmarks": {"type": "object"},
        "processes": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["idle_rss_mib", "peak_rss_mib", "cpu_seconds"],
            },
        },
    },
}


@dataclass(frozen=True)
class Figure:
    """One reported number and the baseline, measured in the same run, it is read against."""

    benchmark: str
    name: str
    value: float | None
    unit: str
    baseline: str
    baseline_value: float | None
    baseline_unit: str
    # value / baseline_value; how to read it (higher or lower is better) is in the name.
    ratio: float | None
    extrapolated: bool = False
    note: str = field(default="")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def figure(
    benchmark: str,
    name: str,
    value: float | None,
    unit: str,
    *,
    baseline: str,
    baseline_value: float | None,
    baseline_unit: str | None = None,
    extrapolated: bool = False,
    note: str = "",
) -> Figure:
    """A Figure whose ratio is computed from the two values."""
    computed = None
    if value is not None and baseline_value:
        computed = value / baseline_value
    return Figure(
        benchmark=benchmark,
        name=name,
        value=value,
        unit=unit,
        baseline=baseline,
        baseline_value=baseline_value,
        baseline_unit=unit if baseline_unit is None else baseline_unit,
        ratio=computed,
        extrapolated=extrapolated,
        note=note,
    )


def problems(document: dict[str, Any]) -> list[str]:
    """Every way `document` breaks the results schema; empty when it is valid."""
    validator = jsonschema.Draft202012Validator(RESULTS_SCHEMA)
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
