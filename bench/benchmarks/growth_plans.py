"""Query plans of compliance's patient queries, explained as compliance sends them.

The repository is called with a command listener on its client; the `find` and the
count's `aggregate` it sent are explained by the server as they are. The list's `find`
is also explained hinted to the index compliance declares for that query, the one
MongoDB's rule says returns the keys already sorted; the hint is the bench's, never
the product's.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from bench.plans import CommandCapture, equality_fields, index_provides_sort, summarise_plan
from sightsync.common.storage import Document
from sightsync.compliance.adapters.indexes import COMPLIANCE_INDEXES
from sightsync.compliance.adapters.patients import PATIENTS, MongoPatientRepository

# Executing an explain costs a whole query; above this the plan is read without running it.
EXECUTED_EXPLAIN_UP_TO = 10_000
# The commands `explain` makes the repository send, in order.
_ROLES = ("list_find", "list_count", "recall_get")


class CompliancePlans:
    def __init__(
        self,
        repository: MongoPatientRepository,
        capture: CommandCapture,
        database: AsyncDatabase[Document],
        list_limit: int,
    ) -> None:
        self._repository = repository
        self._capture = capture
        self._database = database
        self._list_limit = list_limit

    async def explain(
        self, practice_id: str, patient_id: str, practice_size: int
    ) -> dict[str, Any]:
        """Explain the list's find and count, and the recall's patient read, as sent."""
        self._capture.commands.clear()
        self._capture.recording = True
        try:
            await self._repository.page(
                practice_id, risk_category=None, due_before=None, limit=1, offset=0
            )
            await self._repository.get(practice_id, patient_id, None)
        finally:
            self._capture.recording = False
        verbosity = "executionStats" if practice_size <= EXECUTED_EXPLAIN_UP_TO else "queryPlanner"
        database = self._database
        explained: dict[str, Any] = {}
        for role, command in zip(_ROLES, self._capture.commands, strict=False):
            if role == "list_find":
                # Explain the page the API asks for, not the probe's one-document page.
                command = {**command, "limit": self._list_limit}
            try:
                result = await database.command({"explain": command, "verbosity": verbosity})
            except Exception as error:  # noqa: BLE001 - an unexplainable command is reported, not fatal
                explained[role] = {"command": _printable(command), "error": str(error)}
                continue
            summary = summarise_plan(result)
            if role == "list_find" and summary["key_pattern"]:
                summary["index_provides_sort_on_mongodb"] = index_provides_sort(
                    summary["key_pattern"],
                    equality_fields(command.get("filter", {})),
                    list(command.get("sort", {}).items()),
                )
            explained[role] = {
                "command": _printable(command),
                "verbosity": verbosity,
                "plan": summary,
            }
            if role == "list_find":
                explained["list_find_hinted"] = await self._hinted(database, command, verbosity)
        return explained

    async def _hinted(
        self, database: AsyncDatabase[Document], command: dict[str, Any], verbosity: str
    ) -> dict[str, Any]:
        """The same find pinned to the index compliance declares for it."""
        declared = sorting_index(command)
        if declared is None:
            return {"error": "no declared index provides this sort"}
        hinted = {**command, "hint": declared}
        try:
            result = await database.command({"explain": hinted, "verbosity": verbosity})
        except Exception as error:  # noqa: BLE001 - reported beside the plan, not fatal
            return {"command": _printable(hinted), "error": str(error)}
        summary = summarise_plan(result)
        summary["index_provides_sort_on_mongodb"] = True
        return {"command": _printable(hinted), "verbosity": verbosity, "plan": summary}


def sorting_index(command: dict[str, Any]) -> str | None:
    """The name of compliance's declared patients index that serves the find's sort."""
    equal = equality_fields(command.get("filter", {}))
    sort = list(command.get("sort", {}).items())
    for spec in COMPLIANCE_INDEXES:
        if spec.collection != PATIENTS:
            continue
        for index in spec.indexes:
            document = index.document
            if index_provides_sort(dict(document["key"]), equal, sort):
                return str(document["name"])
    return None


def _printable(command: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in command.items() if key != "$db"}
