"""Wires the webhooks service from its dependencies; nothing connects until it starts."""

from __future__ import annotations

import random
from datetime import timedelta

from pymongo import AsyncMongoClient

from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.common.clock import Clock, clock_from_environment
from sightsync.common.logging import get_logger
from sightsync.common.runner import ServiceApp, build_messaging
from sightsync.common.storage import Document, create_client
from sightsync.webhooks.adapters.deliveries import MongoDeliveryRepository
from sightsync.webhooks.adapters.endpoints import MongoEndpointRepository
from sightsync.webhooks.adapters.indexes import WEBHOOKS_INDEXES
from sightsync.webhooks.adapters.resolver import HostResolver, SystemHostResolver
from sightsync.webhooks.adapters.secret_box import PlainSecretBox, secret_box
from sightsync.webhooks.adapters.sender import AiohttpWebhookSender
from sightsync.webhooks.domain.destinations import DestinationPolicy
from sightsync.webhooks.domain.retry import RetryPolicy
from sightsync.webhooks.entrypoints.scheduler import DeliveryScheduler
from sightsync.webhooks.handlers.attempt import DeliveryWorker
from sightsync.webhooks.handlers.deliveries import DeliveryHandlers
from sightsync.webhooks.handlers.endpoints import EndpointHandlers
from sightsync.webhooks.handlers.fan_out import FanOut
from sightsync.webhooks.handlers.registry import register_handlers
from sightsync.webhooks.settings import WebhooksSettings

SERVICE = "webhooks"

log = get_logger(__name__)


def bootstrap(
    settings: WebhooksSettings | None = None,
    clock: Clock | None = None,
    mongo: AsyncMongoClient[Document] | None = None,
    resolver: HostResolver | None = None,
    rng: random.Random | None = None,
) -> ServiceApp:
    """Build the webhooks service; every dependency has a production default."""
    settings = settings or WebhooksSettings()
    clock = clock or clock_from_environment()
    mongo = mongo or create_client(settings.mongodb_url)
    resolver = resolver or SystemHostResolver()
    db = mongo[settings.database_name(SERVICE)]
    endpoints = MongoEndpointRepository(db)
    deliveries = MongoDeliveryRepository(db)
    box = secret_box(settings.fernet_keys)
    destinations = DestinationPolicy(allow_loopback_http=settings.allow_loopback_http)
    retries = RetryPolicy(
        delays=settings.retry_delays,
        disable_after=timedelta(hours=settings.disable_after_hours),
    )

    sender = AiohttpWebhookSender(
        destinations,
        resolver,
        timeout_seconds=settings.timeout_seconds,
        max_connections=settings.max_in_flight,
    )
    worker = DeliveryWorker(endpoints, deliveries, sender, box, retries, clock, rng)
    scheduler = DeliveryScheduler(
        deliveries,
        worker.attempt,
        clock,
        poll_seconds=settings.poll_seconds,
        lease=timedelta(seconds=settings.lease_seconds),
        max_in_flight=settings.max_in_flight,
        per_endpoint=settings.max_in_flight_per_endpoint,
        per_practice=settings.max_in_flight_per_practice,
    )

    registry = HandlerRegistry()
    register_handlers(
        registry,
        FanOut(endpoints, deliveries, retries.max_attempts),
        EndpointHandlers(
            endpoints,
            deliveries,
            box,
            destinations,
            resolver,
            timedelta(hours=settings.rotation_overlap_hours),
            wake=scheduler.wake,
        ),
        DeliveryHandlers(endpoints, deliveries, wake=scheduler.wake),
    )
    bus, relay = build_messaging(SERVICE, settings, clock, registry, mongo, db)
    app = ServiceApp(
        name=SERVICE,
        settings=settings,
        port=settings.port,
        bus=bus,
        mongo=mongo,
        db=db,
        indexes=WEBHOOKS_INDEXES,
        relay=relay,
    )

    async def start_delivering() -> None:
        if isinstance(box, PlainSecretBox):
            log.warning("webhook_secrets_not_encrypted", setting="WEBHOOK_SECRETS_KEYS")
        await sender.start()
        scheduler.start()

    async def stop_delivering() -> None:
        await scheduler.stop(settings.shutdown_grace_seconds)
        await sender.close()

    app.on_start.append(start_delivering)
    app.on_stop.append(stop_delivering)
    return app
