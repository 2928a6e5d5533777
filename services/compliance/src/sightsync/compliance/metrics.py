"""Compliance's own metrics. Labels are rule names only, never anything about a patient."""

from __future__ import annotations

from prometheus_client import Counter

RECALL_DECISIONS = Counter(
    "sightsync_recall_decisions_total",
    "Recall requests decided, by the rule that decided them (accepted, or the refusing rule).",
    ["rule"],
)
