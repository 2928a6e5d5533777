"""Query plans of compliance's own queries, captured as compliance sends them.

The bench does not restate compliance's queries: it calls compliance's repository with a
command listener attached, takes the `find` (and the count's `aggregate`) exactly as the
driver sent them, and asks the server to explain those.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pymongo import monitoring

# Driver bookkeeping that an explain must not carry.
_SESSION_FIELDS = frozenset(
    {
        "lsid",
        "$db",
        "$clusterTime",
        "txnNumber",
        "autocommit",
        "startTransaction",
        "$readPreference",
    }
)


class CommandCapture(monitoring.CommandListener):
    """Keeps the query commands a client sends while `recording` is on."""

    def __init__(self) -> None:
        self.recording = False
        self.commands: list[dict[str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.recording and event.command_name in ("find", "aggregate", "count"):
            self.commands.append(explainable(event.command))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        return None

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        return None


def explainable(command: Mapping[str, Any]) -> dict[str, Any]:
    """The command without session and cluster-time fields, ready to wrap in `explain`."""
    return {key: value for key, value in command.items() if key not in _SESSION_FIELDS}


def stage_chain(plan: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The winning plan's stages from the top down, following `inputStage`."""
    chain: list[Mapping[str, Any]] = []
    node: Mapping[str, Any] | None = plan
    while node is not None:
        chain.append(node)
        node = node.get("inputStage")
    return chain


def summarise_plan(explained: Mapping[str, Any]) -> dict[str, Any]:
    """The few facts of an explain that matter here: stages, index, keys and documents read."""
    planner = explained.get("queryPlanner", {})
    stages = stage_chain(planner.get("winningPlan", {}))
    scan = next((stage for stage in stages if stage.get("stage") == "IXSCAN"), None)
    sort = next((stage for stage in stages if stage.get("stage") == "SORT"), None)
    stats = explained.get("executionStats", {})
    return {
        "stages": " > ".join(str(stage.get("stage")) for stage in stages),
        "index": None if scan is None else scan.get("indexName"),
        "key_pattern": None if scan is None else scan.get("keyPattern"),
        "blocking_sort": sort is not None,
        "sort_limit": None if sort is None else sort.get("limitAmount"),
        "returned": stats.get("nReturned"),
        "keys_examined": stats.get("totalKeysExamined"),
        "docs_examined": stats.get("totalDocsExamined"),
        "execution_ms": stats.get("executionTimeMillis"),
    }


def index_provides_sort(
    key_pattern: Mapping[str, int],
    equality_fields: Sequence[str],
    sort: Sequence[tuple[str, int]],
) -> bool:
    """MongoDB's rule: an index returns keys in sort order when its fields are the query's
    equality fields (in any order) followed by the sort fields, all one way or all reversed.

    Then the server walks the index, stops after skip + limit keys and never sorts.
    """
    fields = list(key_pattern.items())
    prefix = {name for name, _ in fields[: len(equality_fields)]}
    if prefix != set(equality_fields):
        return False
    rest = fields[len(equality_fields) : len(equality_fields) + len(sort)]
    if [name for name, _ in rest] != [name for name, _ in sort]:
        return False
    same = all(
        int(direction) == wanted for (_, direction), (_, wanted) in zip(rest, sort, strict=True)
    )
    reversed_ = all(
        int(direction) == -wanted for (_, direction), (_, wanted) in zip(rest, sort, strict=True)
    )
    return same or reversed_


def equality_fields(query: Mapping[str, Any]) -> list[str]:
    """Top-level fields a query pins to one value (plain values or `$eq`)."""
    fields = []
    for name, condition in query.items():
        if name.startswith("$"):
            continue
        if not isinstance(condition, Mapping) or set(condition) == {"$eq"}:
            fields.append(name)
    return fields
