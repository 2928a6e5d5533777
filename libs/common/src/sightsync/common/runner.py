"""The service runner every SightSync process uses.

Start-up: connect to MongoDB (retrying), declare indexes, connect to the broker, declare
topology and start consuming, then serve HTTP. Shutdown on SIGTERM/SIGINT: stop
consuming, finish in-flight messages, stop HTTP, close connections.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from tenacity import AsyncRetrying, stop_after_delay, wait_exponential_jitter

from sightsync.common.bus.connection import Bus
from sightsync.common.bus.dispatcher import Dispatcher
from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.common.clock import Clock
from sightsync.common.logging import configure_logging, get_logger
from sightsync.common.messages.base import Envelope
from sightsync.common.outbox import OUTBOX_INDEXES, MongoMessageStore, OutboxRelay
from sightsync.common.settings import CommonSettings
from sightsync.common.storage import CollectionIndexes, Document, declare_indexes, ping

log = get_logger(__name__)

Hook = Callable[[], Awaitable[None]]


@dataclass
class ServiceApp:
    """A wired service, ready to start: what `bootstrap()` in each service returns."""

    name: str
    settings: CommonSettings
    port: int
    bus: Bus
    mongo: AsyncMongoClient[Document] | None = None
    db: AsyncDatabase[Document] | None = None
    indexes: Sequence[CollectionIndexes] = ()
    relay: OutboxRelay | None = None
    http: web.Application = field(default_factory=web.Application)
    on_start: list[Hook] = field(default_factory=list)
    on_stop: list[Hook] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        if self.mongo is not None:
            await _wait_for_database(self.mongo)
            if self.db is not None:
                await declare_indexes(self.db, [*OUTBOX_INDEXES, *self.indexes])
        await self.bus.start()
        if self.relay is not None:
            await self.relay.sweep()
            self.relay.start()
        for hook in self.on_start:
            await hook()
        _add_ops_routes(self.http, self)
        self._runner = web.AppRunner(self.http, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http_host, self.port, reuse_address=True)
        await site.start()
        log.info("service_started", port=self.port)

    async def stop(self) -> None:
        log.info("service_stopping")
        await self.bus.stop(grace=self.settings.shutdown_grace_seconds)
        for hook in reversed(self.on_stop):
            try:
                await hook()
            except Exception:
                log.exception("shutdown_hook_failed")
        if self.relay is not None:
            await self.relay.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        if self.mongo is not None:
            await self.mongo.close()
        log.info("service_stopped")

    async def is_ready(self) -> bool:
        if not self.bus.is_ready:
            return False
        return self.mongo is None or await ping(self.mongo)


def build_messaging(
    service: str,
    settings: CommonSettings,
    clock: Clock,
    registry: HandlerRegistry,
    mongo: AsyncMongoClient[Document] | None,
    db: AsyncDatabase[Document] | None,
) -> tuple[Bus, OutboxRelay | None]:
    """Wire bus, dispatcher, dedupe store and outbox relay for a service."""
    # The relay and dispatcher publish through the bus, which needs the dispatcher first.
    bus_holder: list[Bus] = []

    async def publish(envelope: Envelope) -> None:
        await bus_holder[0].publish_envelope(envelope)

    async def publish_many(envelopes: Sequence[Envelope]) -> None:
        await bus_holder[0].publish_many(envelopes)

    store = MongoMessageStore(db, clock) if db is not None else None
    relay = OutboxRelay(store, publish) if store is not None else None
    dispatcher = Dispatcher(
        service,
        registry,
        clock,
        client=mongo,
        store=store,
        relay=relay,
        publish_directly=publish_many,
    )
    bus = Bus(
        service,
        settings.rabbitmq_url,
        clock,
        dispatcher=dispatcher,
        prefetch_count=settings.prefetch_count,
        delivery_limit=settings.delivery_limit,
        request_timeout=settings.rpc_timeout_seconds,
    )
    bus_holder.append(bus)
    return bus, relay


def run_service(name: str, settings: CommonSettings, build: Callable[[], ServiceApp]) -> None:
    """Entry point of a service process: run until SIGTERM or SIGINT, then shut down."""
    configure_logging(name, settings.log_level, settings.log_format)
    asyncio.run(_serve(build))


async def _serve(build: Callable[[], ServiceApp]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    app = build()
    try:
        await app.start()
    except Exception:
        log.exception("service_start_failed")
        await app.stop()
        raise SystemExit(1) from None
    await stop.wait()
    await app.stop()


async def _wait_for_database(client: AsyncMongoClient[Document]) -> None:
    async for attempt in AsyncRetrying(
        wait=wait_exponential_jitter(multiplier=0.2, max=3.0),
        stop=stop_after_delay(60),
        reraise=True,
    ):
        with attempt:
            await client.admin.command("ping")


def _add_ops_routes(http: web.Application, app: ServiceApp) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "service": app.name})

    async def readyz(_request: web.Request) -> web.Response:
        ready = await app.is_ready()
        return web.json_response(
            {"status": "ready" if ready else "not_ready", "service": app.name},
            status=200 if ready else 503,
        )

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    http.router.add_get("/healthz", healthz)
    http.router.add_get("/readyz", readyz)
    http.router.add_get("/metrics", metrics)
