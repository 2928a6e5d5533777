"""Wires the outcomes service from its dependencies; nothing connects until it starts."""

from __future__ import annotations

from pymongo import AsyncMongoClient

from sightsync.common.clock import Clock, clock_from_environment
from sightsync.common.runner import ServiceApp, build_messaging
from sightsync.common.storage import Document, create_client
from sightsync.outcomes.adapters.event_log import MongoEventLog
from sightsync.outcomes.adapters.indexes import OUTCOMES_INDEXES
from sightsync.outcomes.adapters.queries import MongoOutcomeQueries
from sightsync.outcomes.adapters.read_models import MongoReadModels
from sightsync.outcomes.handlers.appointments import AppointmentHandlers
from sightsync.outcomes.handlers.calls import CallHandlers
from sightsync.outcomes.handlers.projection import Projector
from sightsync.outcomes.handlers.registry import build_registry
from sightsync.outcomes.handlers.usage import UsageHandlers
from sightsync.outcomes.settings import OutcomesSettings

SERVICE = "outcomes"


def bootstrap(
    settings: OutcomesSettings | None = None,
    clock: Clock | None = None,
    mongo: AsyncMongoClient[Document] | None = None,
) -> ServiceApp:
    """Build the outcomes service; every dependency has a production default."""
    settings = settings or OutcomesSettings()
    clock = clock or clock_from_environment()
    mongo = mongo or create_client(settings.mongodb_url)
    db = mongo[settings.database_name(SERVICE)]

    event_log = MongoEventLog(db, clock)
    read_models = MongoReadModels(db)
    queries = MongoOutcomeQueries(db)
    registry = build_registry(
        Projector(event_log, read_models),
        AppointmentHandlers(queries, event_log, read_models),
        CallHandlers(queries),
        UsageHandlers(queries),
    )

    bus, relay = build_messaging(SERVICE, settings, clock, registry, mongo, db)
    return ServiceApp(
        name=SERVICE,
        settings=settings,
        port=settings.port,
        bus=bus,
        mongo=mongo,
        db=db,
        indexes=OUTCOMES_INDEXES,
        relay=relay,
    )
