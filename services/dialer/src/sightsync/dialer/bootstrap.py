"""Wires the dialer service from its dependencies; nothing connects until it starts."""

from __future__ import annotations

from pymongo import AsyncMongoClient

from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.common.clock import Clock, clock_from_environment
from sightsync.common.runner import ServiceApp, build_messaging
from sightsync.common.storage import Document, create_client
from sightsync.dialer.settings import DialerSettings

SERVICE = "dialer"


def bootstrap(
    settings: DialerSettings | None = None,
    clock: Clock | None = None,
    mongo: AsyncMongoClient[Document] | None = None,
) -> ServiceApp:
    """Build the dialer service; every dependency has a production default."""
    settings = settings or DialerSettings()
    clock = clock or clock_from_environment()
    mongo = mongo or create_client(settings.mongodb_url)
    db = mongo[settings.database_name(SERVICE)]
    registry = HandlerRegistry()
    bus, relay = build_messaging(SERVICE, settings, clock, registry, mongo, db)
    return ServiceApp(
        name=SERVICE,
        settings=settings,
        port=settings.port,
        bus=bus,
        mongo=mongo,
        db=db,
        relay=relay,
    )
