"""Wires the gateway service from its dependencies; nothing connects until it starts."""

from __future__ import annotations

from datetime import timedelta

from pymongo import AsyncMongoClient

from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.common.clock import Clock, clock_from_environment
from sightsync.common.runner import ServiceApp, build_messaging
from sightsync.common.storage import Document, create_client
from sightsync.gateway.adapters.api_keys import API_KEY_INDEXES, MongoApiKeyRepository
from sightsync.gateway.adapters.idempotency import IDEMPOTENCY_INDEXES, MongoIdempotencyStore
from sightsync.gateway.adapters.practices import BusPracticeDirectory
from sightsync.gateway.adapters.rate_limits import RATE_LIMIT_INDEXES, MongoRateLimiter
from sightsync.gateway.domain.rate_limit import RateLimitPolicy
from sightsync.gateway.entrypoints.http.app import create_app
from sightsync.gateway.entrypoints.http.auth import ApiKeyAuthenticator
from sightsync.gateway.entrypoints.http.context import GatewayContext
from sightsync.gateway.entrypoints.http.forwarding import (
    forwarding_middleware,
    parse_trusted_proxies,
)
from sightsync.gateway.entrypoints.http.guard import ApiGuard
from sightsync.gateway.entrypoints.http.routes import ROUTE_MODULES
from sightsync.gateway.entrypoints.portal.routes import portal_routes
from sightsync.gateway.handlers.api_keys import ApiKeyHandlers
from sightsync.gateway.handlers.registry import register_handlers
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
    keys = MongoApiKeyRepository(db)

    # The bus reads the registry only when it starts, so handlers that ask other services
    # through that same bus can be registered once it exists.
    registry = HandlerRegistry()
    bus, relay = build_messaging(SERVICE, settings, clock, registry, mongo, db)
    register_handlers(registry, ApiKeyHandlers(keys, BusPracticeDirectory(bus)))

    guard = ApiGuard(
        authenticator=ApiKeyAuthenticator(keys, cache_seconds=settings.api_key_cache_seconds),
        limiter=MongoRateLimiter(db, RateLimitPolicy(settings.rate_limit_per_minute), clock),
    )
    context = GatewayContext(
        bus=bus,
        clock=clock,
        idempotency=MongoIdempotencyStore(
            db, clock, timedelta(hours=settings.idempotency_retention_hours)
        ),
        idempotency_lease=timedelta(seconds=settings.idempotency_lease_seconds),
    )
    http = create_app(
        context,
        guard=guard,
        front=[
            forwarding_middleware(
                parse_trusted_proxies(settings.trusted_proxies), settings.force_https
            )
        ],
        route_modules=(*ROUTE_MODULES, portal_routes(settings, bus, clock, db)),
        max_body_bytes=settings.max_body_bytes,
    )
    return ServiceApp(
        name=SERVICE,
        settings=settings,
        port=settings.port,
        bus=bus,
        mongo=mongo,
        db=db,
        indexes=(API_KEY_INDEXES, RATE_LIMIT_INDEXES, IDEMPOTENCY_INDEXES),
        relay=relay,
        http=http,
    )
