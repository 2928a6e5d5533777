"""The human-readable table of a results document (stdout and bench/results/latest.md)."""

from __future__ import annotations

from typing import Any

from bench.stats import format_number, format_ratio


def render(document: dict[str, Any]) -> str:
    machine = document["machine"]
    run = document["run"]
    lines = [
        "# SightSync benchmarks",
        "",
        f"Run {machine['date']} on {machine['nproc']} CPU(s) ({machine['cpu_model']}), "
        f"{machine['memory_gib']} GiB, Python {machine['python']}; "
        f"load average at start {machine.get('load_average_at_start')}; "
        f"took {run['duration_seconds']:.0f}s; benchmarks: {', '.join(run['selected'])}.",
        "",
        "Every figure sits beside a baseline measured in the same run; *ratio* is "
        "figure ÷ baseline. See bench/README.md for how to read them.",
        "",
    ]
    lines += _figures_table(document["figures"])
    lines += _plans(document.get("benchmarks", {}).get("growth"))
    lines += _processes_table(document["processes"])
    lines += _cpu_table(document.get("benchmarks", {}))
    lines += _profiles(document.get("profiles") or {})
    return "\n".join(lines) + "\n"


def _figures_table(figures: list[dict[str, Any]]) -> list[str]:
    lines = []
    current = None
    for item in figures:
        if item["benchmark"] != current:
            current = item["benchmark"]
            lines += [
                "",
                f"## {current}",
                "",
                "| figure | value | baseline (same run) | ratio | note |",
                "|---|---:|---|---:|---|",
            ]
        value = f"{format_number(item['value'])} {item['unit']}"
        if item.get("extrapolated"):
            value = f"~{value} (extrapolated)"
        baseline = (
            f"{item['baseline']}: {format_number(item['baseline_value'])} {item['baseline_unit']}"
        )
        lines.append(
            f"| {item['name']} | {value} | {baseline} | {format_ratio(item['ratio'])} "
            f"| {item.get('note', '')} |"
        )
    return lines


def _plans(growth: dict[str, Any] | None) -> list[str]:
    if not growth:
        return []
    lines = [
        "",
        "## Query plans (compliance's queries as sent, explained by the server)",
        "",
        "| stage | query | stages | index | blocking sort | keys / docs examined | "
        "index gives the sort on MongoDB |",
        "|---|---|---|---|---|---:|---|",
    ]
    for stage in growth["stages"]:
        for series, where in (
            ("one_practice", f"1 practice of {stage['one_practice_size']:,}"),
            ("spread", f"{stage['spread_total']:,} across 100"),
        ):
            plans = stage[series]["plans"]
            for role, explained in plans.items():
                plan = explained.get("plan")
                if plan is None:
                    lines.append(
                        f"| {where} | {role} | error: {explained.get('error', '')[:60]} | | | | |"
                    )
                    continue
                examined = f"{plan.get('keys_examined')} / {plan.get('docs_examined')}"
                lines.append(
                    f"| {where} | {role} | {plan['stages']} | "
                    f"{plan['index']} | {plan['blocking_sort']} | {examined} | "
                    f"{plan.get('index_provides_sort_on_mongodb', '')} |"
                )
    return lines


def _processes_table(processes: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Processes: memory and CPU over the whole run",
        "",
        "| process | idle RSS (baseline) | peak RSS | peak ÷ idle | CPU seconds |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, item in processes.items():
        idle, peak = item["idle_rss_mib"], item["peak_rss_mib"]
        shared = " (shared with other users)" if item.get("shared") else ""
        ratio = format_ratio(peak / idle if idle else None)
        lines.append(
            f"| {name}{shared} | {format_number(idle)} MiB | {format_number(peak)} MiB | "
            f"{ratio} | {format_number(item['cpu_seconds'])} |"
        )
    return lines


def _cpu_table(benchmarks: dict[str, Any]) -> list[str]:
    """CPU seconds per process in the busiest run of each benchmark."""
    rows = []
    for name, details in benchmarks.items():
        for label, cpu in _cpu_rows(name, details):
            rows.append((label, cpu))
    if not rows:
        return []
    columns = sorted({process for _, cpu in rows for process in cpu})
    lines = [
        "",
        "## CPU seconds per process during each measured load (2 cores shared by all)",
        "",
        "| load | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for label, cpu in rows:
        cells = " | ".join(format_number(cpu.get(column)) for column in columns)
        lines.append(f"| {label} | {cells} |")
    return lines


def _cpu_rows(name: str, details: dict[str, Any]) -> list[tuple[str, dict[str, float]]]:
    rows: list[tuple[str, dict[str, float]]] = []
    runs = details.get("runs")
    if isinstance(runs, dict):
        for run in runs.values():
            measured = run.get("measured", {})
            if "cpu_seconds" in measured:
                rows.append((measured["label"], measured["cpu_seconds"]))
    if name == "rate_limit" and "run" in details:
        rows.append((details["run"]["label"], details["run"]["cpu_seconds"]))
    if name == "events" and "cpu_seconds" in details:
        rows.append((f"drain of {details['events']:,} events", details["cpu_seconds"]))
    return rows


def _profiles(profiles: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for label, by_process in profiles.items():
        lines += ["", f"## Where the time goes: py-spy during {label}", ""]
        for process, top in by_process.items():
            if "error" in top:
                lines.append(f"- {process}: {top['error']}")
                continue
            shares = ", ".join(f"{name} {share:.0%}" for name, share in top["inclusive"][:8])
            own = ", ".join(f"{name} {share:.0%}" for name, share in top["self"][:6])
            lines.append(
                f"- **{process}** ({top['samples']} samples). On the stack: {shares}. "
                f"On top: {own}."
            )
    return lines
