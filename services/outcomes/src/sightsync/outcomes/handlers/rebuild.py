"""Rebuilding every read model from the event log, for operators and after a fix."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sightsync.common.logging import get_logger
from sightsync.outcomes.adapters.event_log import MongoEventLog
from sightsync.outcomes.adapters.read_models import MongoReadModels
from sightsync.outcomes.domain.projection import fold

log = get_logger(__name__)


@dataclass(frozen=True)
class RebuildReport:
    events: int
    documents: int
    seconds: float


async def rebuild_read_models(
    event_log: MongoEventLog, read_models: MongoReadModels
) -> RebuildReport:
    """Empty the read models and refold every stream of the log, each in log order.

    Streams are independent, so folding stream by stream applies every event in
    occurred_at order within the document it shapes. Events handled while this runs are
    safe: both sides fold the log and the conditional save keeps the fuller fold. Reads
    during the rebuild may miss documents not yet refolded.
    """
    started = time.perf_counter()
    await read_models.clear()
    events = documents = 0
    async for stream, stream_events in event_log.streams():
        doc = fold(stream.model, stream_events)
        if doc is not None:
            await read_models.save(stream.model, doc)
            documents += 1
        events += len(stream_events)
    report = RebuildReport(events, documents, time.perf_counter() - started)
    log.info(
        "read_models_rebuilt",
        events=report.events,
        documents=report.documents,
        seconds=round(report.seconds, 3),
    )
    return report
