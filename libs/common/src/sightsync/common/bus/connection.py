"""The bus: one supervised AMQP connection per process, re-established after any loss.

We supervise the connection ourselves instead of relying on aio-pika's robust
connection: after a reconnect we redeclare the topology and start fresh consumers, so a
restored connection can never come back with zero consumers.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from typing import Any

import aio_pika
import structlog
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
)
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_never,
    wait_exponential_jitter,
)

from sightsync.common import metrics
from sightsync.common.bus import topology
from sightsync.common.bus.dispatcher import Dispatcher, UndecodableMessage
from sightsync.common.bus.rpc import ReplyWaiter
from sightsync.common.clock import Clock
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Command, Envelope, Message, Reply, Request

log = get_logger(__name__)

RETRY_BACKOFF_CAP_SECONDS = 5.0


class BusUnavailable(Exception):
    """The broker could not be reached or did not confirm in time."""


class Bus:
    """Publishes, consumes and makes requests for one service."""

    def __init__(
        self,
        service: str,
        url: str,
        clock: Clock,
        *,
        dispatcher: Dispatcher | None = None,
        prefetch_count: int = 16,
        delivery_limit: int = 5,
        request_timeout: float = 5.0,
    ) -> None:
        self.service = service
        self._url = url
        self._clock = clock
        self._dispatcher = dispatcher
        self._prefetch_count = prefetch_count
        self._delivery_limit = delivery_limit
        self.request_timeout = request_timeout

        self._connection: AbstractConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._exchanges: dict[str, AbstractExchange] = {}
        self._consumers: list[tuple[AbstractQueue, str]] = []
        self._replies = ReplyWaiter()
        self._ready = asyncio.Event()
        self._stopping = False
        self._supervisor: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self.connections_made = 0

    # ----- lifecycle -------------------------------------------------------------------

    async def start(self, timeout: float = 30.0) -> None:
        """Connect, declare topology and start consuming; retries until `timeout`."""
        self._supervisor = asyncio.create_task(self._supervise(), name=f"{self.service}-bus")
        ready = asyncio.create_task(self._ready.wait())
        await asyncio.wait(
            {ready, self._supervisor}, timeout=timeout, return_when="FIRST_COMPLETED"
        )
        if not ready.done():
            ready.cancel()
            failure = self._supervisor.exception() if self._supervisor.done() else None
            await self.stop()
            raise BusUnavailable(
                f"no broker at {_redact(self._url)} within {timeout}s"
            ) from failure

    async def stop(self, grace: float = 20.0) -> None:
        """Stop consuming, let in-flight messages finish (up to `grace`), then close."""
        self._stopping = True
        for queue, tag in self._consumers:
            with contextlib.suppress(Exception):
                await queue.cancel(tag)
        self._consumers.clear()
        if self._in_flight:
            log.info("bus_draining", in_flight=len(self._in_flight))
            await asyncio.wait(self._in_flight, timeout=grace)
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
        if self._connection is not None and not self._connection.is_closed:
            await self._connection.close()
        self._ready.clear()

    @property
    def is_ready(self) -> bool:
        return (
            self._ready.is_set()
            and self._connection is not None
            and not (self._connection.is_closed)
        )

    async def _supervise(self) -> None:
        retrying = AsyncRetrying(
            wait=wait_exponential_jitter(multiplier=0.2, max=5.0),
            stop=stop_never,
            retry=retry_if_exception_type(Exception),
            before_sleep=_log_connect_retry,
            reraise=True,
        )
        while not self._stopping:
            closed = asyncio.Event()
            try:
                async for attempt in retrying:
                    with attempt:
                        await self._connect(closed)
                await closed.wait()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("bus_connection_lost", exc_info=True)
            finally:
                self._ready.clear()
                self._consumers.clear()
            if not self._stopping:
                log.warning("bus_reconnecting")
                await asyncio.sleep(0.2)

    async def _connect(self, closed: asyncio.Event) -> None:
        connection = await aio_pika.connect(self._url, timeout=5)
        try:
            connection.close_callbacks.add(lambda *_: closed.set())
            publish_channel = await connection.channel(
                publisher_confirms=True, on_return_raises=True
            )
            publish_channel.close_callbacks.add(lambda *_: closed.set())
            self._exchanges = await topology.declare_exchanges(publish_channel)
            self._publish_channel = publish_channel
            await self._replies.attach(publish_channel)
            await self._start_consumers(connection, closed)
        except BaseException:
            await connection.close()
            raise
        self._connection = connection
        self.connections_made += 1
        self._ready.set()
        log.info("bus_connected", consumers=len(self._consumers), attempt=self.connections_made)

    async def _start_consumers(self, connection: AbstractConnection, closed: asyncio.Event) -> None:
        if self._dispatcher is None or self._stopping:
            return
        registry = self._dispatcher.registry
        channel = await connection.channel()
        channel.close_callbacks.add(lambda *_: closed.set())
        await channel.set_qos(prefetch_count=self._prefetch_count)
        queues = await topology.declare_service_queues(
            channel,
            self._exchanges,
            self.service,
            commands=sorted(registry.commands),
            events=sorted(registry.events),
            requests=sorted(registry.requests),
            delivery_limit=self._delivery_limit,
        )
        for kind in ("inbox", "rpc"):
            if kind in queues:
                tag = await queues[kind].consume(self._on_message)
                self._consumers.append((queues[kind], tag))

    # ----- publishing ------------------------------------------------------------------

    async def publish_envelope(self, envelope: Envelope, *, timeout: float = 10.0) -> None:
        """Publish with publisher confirms and `mandatory`: unroutable is an error."""
        exchange_name, routing_key = _route(envelope.type)
        await self._publish_raw(
            exchange_name,
            routing_key,
            aio_pika.Message(
                body=envelope.model_dump_json().encode(),
                content_type="application/json",
                message_id=envelope.id,
                correlation_id=envelope.correlation_id,
                type=envelope.type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            timeout=timeout,
        )
        metrics.MESSAGES_PUBLISHED.labels(self.service, envelope.type).inc()

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        for envelope in envelopes:
            await self.publish_envelope(envelope)

    async def publish(
        self,
        message: Message,
        *,
        correlation_id: str,
        practice_id: str | None = None,
        causation_id: str | None = None,
    ) -> Envelope:
        """Wrap a message in a new envelope and publish it."""
        envelope = Envelope.wrap(
            message,
            occurred_at=self._clock.now(),
            correlation_id=correlation_id,
            practice_id=practice_id,
            causation_id=causation_id,
        )
        await self.publish_envelope(envelope)
        return envelope

    async def request(
        self,
        message: Request,
        *,
        correlation_id: str,
        practice_id: str | None = None,
        timeout: float | None = None,
    ) -> Reply:
        """Send a request and wait for its reply; raises BusUnavailable on timeout."""
        wait_for = self.request_timeout if timeout is None else timeout
        envelope = Envelope.wrap(
            message,
            occurred_at=self._clock.now(),
            correlation_id=correlation_id,
            practice_id=practice_id,
        )
        started = time.perf_counter()
        result = "ok"
        try:
            await self._wait_ready(wait_for)
            reply_to, pending = self._replies.expect(envelope.id)
            try:
                await self._publish_raw(
                    topology.REQUESTS_EXCHANGE,
                    envelope.type,
                    aio_pika.Message(
                        body=envelope.model_dump_json().encode(),
                        content_type="application/json",
                        message_id=envelope.id,
                        correlation_id=envelope.id,
                        reply_to=reply_to,
                        type=envelope.type,
                        # A request nobody picks up in time is dropped: its caller gave up.
                        expiration=wait_for,
                        # Integer milliseconds: AMQP tables carry floats as 32-bit.
                        headers={"x-deadline-ms": _epoch_ms() + int(wait_for * 1000)},
                    ),
                    timeout=wait_for,
                )
                return await asyncio.wait_for(pending, wait_for)
            finally:
                self._replies.forget(envelope.id)
        except TimeoutError:
            result = "timeout"
            raise BusUnavailable(f"no reply to {envelope.type} within {wait_for}s") from None
        except BusUnavailable:
            result = "unavailable"
            raise
        finally:
            metrics.RPC_SECONDS.labels(self.service, envelope.type, result).observe(
                time.perf_counter() - started
            )

    async def _wait_ready(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            raise BusUnavailable("the broker connection is not ready") from None

    async def _publish_raw(
        self, exchange_name: str, routing_key: str, message: aio_pika.Message, *, timeout: float
    ) -> None:
        await self._wait_ready(timeout)
        exchange = self._exchanges.get(exchange_name)
        if exchange is None:
            raise BusUnavailable("the broker connection is not ready")
        try:
            await exchange.publish(message, routing_key, mandatory=True, timeout=timeout)
        except aio_pika.exceptions.DeliveryError as error:
            raise BusUnavailable(
                f"{routing_key} was not accepted by the broker: {error}"
            ) from error
        except (aio_pika.exceptions.AMQPError, ConnectionError, TimeoutError) as error:
            raise BusUnavailable(f"publishing {routing_key} failed: {error!r}") from error

    # ----- consuming -------------------------------------------------------------------

    async def _on_message(self, incoming: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            await self._handle_incoming(incoming)
        finally:
            if task is not None:
                self._in_flight.discard(task)

    async def _handle_incoming(self, incoming: AbstractIncomingMessage) -> None:
        assert self._dispatcher is not None
        try:
            envelope = Envelope.model_validate_json(incoming.body)
        except ValueError:
            log.warning(
                "message_malformed_parked",
                amqp_message_id=incoming.message_id,
                routing_key=incoming.routing_key,
            )
            metrics.MESSAGES_HANDLED.labels(self.service, "unknown", "malformed").inc()
            await incoming.reject(requeue=False)
            return

        with structlog.contextvars.bound_contextvars(
            message_id=envelope.id,
            message_type=envelope.type,
            correlation_id=envelope.correlation_id,
            practice_id=envelope.practice_id,
        ):
            await self._handle_envelope(incoming, envelope)

    async def _handle_envelope(self, incoming: AbstractIncomingMessage, envelope: Envelope) -> None:
        assert self._dispatcher is not None
        deadline_ms = (incoming.headers or {}).get("x-deadline-ms")
        if isinstance(deadline_ms, int) and _epoch_ms() > deadline_ms:
            log.warning("request_expired_skipped")
            await incoming.ack()
            return

        started = time.perf_counter()
        attempt = _delivery_attempt(incoming)
        log.debug("message_received", attempt=attempt)
        try:
            reply = await self._dispatcher.dispatch(envelope)
        except UndecodableMessage as error:
            log.warning("message_payload_invalid_parked", error=str(error))
            metrics.MESSAGES_HANDLED.labels(self.service, envelope.type, "malformed").inc()
            await incoming.reject(requeue=False)
            return
        except Exception:
            log.exception("message_handler_failed", attempt=attempt)
            metrics.MESSAGES_HANDLED.labels(self.service, envelope.type, "error").inc()
            # Back off a little before giving it back so a failing dependency is not hammered;
            # the queue's delivery limit parks it for good after a few attempts.
            await asyncio.sleep(min(0.1 * 2**attempt, RETRY_BACKOFF_CAP_SECONDS))
            await incoming.nack(requeue=True)
            return
        finally:
            metrics.MESSAGE_SECONDS.labels(self.service, envelope.type).observe(
                time.perf_counter() - started
            )

        if reply is not None and incoming.reply_to:
            await self._send_reply(incoming, reply)
        await incoming.ack()
        metrics.MESSAGES_HANDLED.labels(self.service, envelope.type, "ok").inc()
        log.debug("message_handled")

    async def _send_reply(self, incoming: AbstractIncomingMessage, reply: Reply) -> None:
        assert incoming.reply_to is not None
        channel = self._publish_channel
        if channel is None:
            raise BusUnavailable("cannot reply: the broker connection is not ready")
        # Direct reply-to: the default exchange routes to the caller's pseudo-queue.
        await channel.default_exchange.publish(
            aio_pika.Message(
                body=reply.model_dump_json().encode(),
                content_type="application/json",
                correlation_id=incoming.correlation_id,
            ),
            routing_key=incoming.reply_to,
            mandatory=False,
        )


def _log_connect_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    log.warning("bus_connect_failed", attempt=state.attempt_number, error=repr(error))


def _route(message_type: str) -> tuple[str, str]:
    from sightsync.common.messages.registry import message_class

    cls = message_class(message_type)
    if cls is not None and issubclass(cls, Command):
        return topology.COMMANDS_EXCHANGE, message_type
    if cls is not None and issubclass(cls, Request):
        return topology.REQUESTS_EXCHANGE, message_type
    return topology.EVENTS_EXCHANGE, message_type


def _delivery_attempt(incoming: AbstractIncomingMessage) -> int:
    headers: dict[str, Any] = dict(incoming.headers or {})
    count = headers.get("x-delivery-count", 0)
    return (int(count) if isinstance(count, int | float | str) else 0) + 1


def _epoch_ms() -> int:
    # Deadlines measure transport time between processes, so they use the real wall clock,
    # never the deployment clock (which SIGHTSYNC_NOW may shift, and a CLI may not share).
    return int(time.time() * 1000)


def _redact(url: str) -> str:
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"
