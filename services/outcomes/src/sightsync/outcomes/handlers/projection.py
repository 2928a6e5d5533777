"""Every consumed event: log it once, then refold its stream into the read model."""

from __future__ import annotations

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.logging import get_logger
from sightsync.outcomes.adapters.event_log import MongoEventLog
from sightsync.outcomes.adapters.read_models import MongoReadModels
from sightsync.outcomes.domain.events import ProjectedEvent, stream_of
from sightsync.outcomes.domain.projection import fold

log = get_logger(__name__)


class Projector:
    """Keeps calls, appointments and practices in step with the events that shape them."""

    def __init__(self, event_log: MongoEventLog, read_models: MongoReadModels) -> None:
        self._log = event_log
        self._read_models = read_models

    async def project(self, message: ProjectedEvent, context: MessageContext) -> None:
        # Refolding even when the event was logged before heals a crash between the two
        # writes; when nothing was lost the conditional save changes nothing.
        first_time = await self._log.append(context.envelope, message)
        stream = stream_of(message)

        events = await self._log.stream(stream)
        doc = fold(stream.model, events)

        saved = doc is not None and await self._read_models.save(stream.model, doc)
        log.info(
            "event_projected",
            read_model=stream.model,
            key=stream.key,
            events_in_stream=len(events),
            first_delivery=first_time,
            saved=saved,
        )
