"""Wires the gateway service from its dependencies; nothing connects until it starts."""

from __future__ import annotations

from pymongo import AsyncMongoClient

from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.common.clock import Clock, clock_from_environment
from sightsync.common.runner import ServiceApp, build_messaging
from sightsync.common.storage import Document, create_client
from sightsync.gateway.entrypoints.http.app import create_app
from sightsync.gateway.entrypoints.http.context import GatewayContext
from sightsync.gateway.entrypoints.http.routes import ROUTE_MODULES
from sightsync.gateway.settings import GatewaySettings

SERVICE = "gateway"


def bootstrap(
    settings: GatewaySettings | None = None,
    clock: Clock | None = None,
    mongo: AsyncMongoClient[Document] | None = None,
) -> ServiceApp:
    """Build the gateway service; every dependency has a production default."""
    settings = settings or GatewaySettings()
    clock = clock or clock_from_environment()
    mongo = mongo or create_client(settings.mongodb_url)
    db = mongo[settings.database_name(SERVICE)]
    registry = HandlerRegistry()
    bus, relay = build_messaging(SERVICE, settings, clock, registry, mongo, db)
    http = create_app(
        GatewayContext(bus=bus, clock=clock),
        route_modules=ROUTE_MODULES,
        max_body_bytes=settings.max_body_bytes,
    )
    return ServiceApp(
        name=SERVICE,
        settings=settings,
        port=settings.port,
        bus=bus,
        mongo=mongo,
        db=db,
        relay=relay,
        http=http,
    )
