"""Bus events become one delivery per subscribed endpoint, in the handler's transaction.

The dispatcher commits the deliveries together with the record that this event was
handled, so a redelivered event adds nothing; the unique (event, endpoint) index and the
event id derived from the message id make even a second handling harmless.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pymongo.asynchronous.client_session import AsyncClientSession

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Message
from sightsync.webhooks.domain.endpoints import Endpoint
from sightsync.webhooks.domain.events import WebhookEvent, webhook_event

log = get_logger(__name__)


class SubscribedEndpoints(Protocol):
    async def subscribed(
        self, practice_id: str, event_type: str, session: AsyncClientSession | None = None
    ) -> list[Endpoint]: ...


class DeliveryStore(Protocol):
    async def store_event(
        self, event: WebhookEvent, now: datetime, session: AsyncClientSession | None = None
    ) -> None: ...

    async def add(
        self,
        event: WebhookEvent,
        endpoint_id: str,
        now: datetime,
        max_attempts: int,
        session: AsyncClientSession | None = None,
    ) -> str: ...


class FanOut:
    def __init__(
        self, endpoints: SubscribedEndpoints, deliveries: DeliveryStore, max_attempts: int
    ) -> None:
        self._endpoints = endpoints
        self._deliveries = deliveries
        self._max_attempts = max_attempts

    async def handle(self, message: Message, context: MessageContext) -> None:
        event = webhook_event(message, context.envelope)
        if event is None:
            log.info("webhook_event_skipped", reason="no_practice_or_patient")
            return
        endpoints = await self._endpoints.subscribed(
            event.practice_id, event.type, session=context.session
        )
        if not endpoints:
            log.debug("webhook_event_unsubscribed", event_type=event.type)
            return

        now = context.clock.now()
        await self._deliveries.store_event(event, now, session=context.session)
        for endpoint in endpoints:
            delivery_id = await self._deliveries.add(
                event, endpoint.id, now, self._max_attempts, session=context.session
            )
            log.info(
                "webhook_delivery_created",
                event_id=event.id,
                event_type=event.type,
                endpoint_id=endpoint.id,
                delivery_id=delivery_id,
            )
