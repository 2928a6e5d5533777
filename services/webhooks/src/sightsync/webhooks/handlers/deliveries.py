"""The delivery log and what a practice can do with it: read it, retry one, send a ping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.ids import new_id
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Refusal
from sightsync.common.messages.webhooks import (
    ListWebhookDeliveries,
    RetryWebhookDelivery,
    SendTestWebhook,
)
from sightsync.webhooks.adapters.deliveries import MongoDeliveryRepository
from sightsync.webhooks.adapters.endpoints import MongoEndpointRepository
from sightsync.webhooks.domain.endpoints import Endpoint
from sightsync.webhooks.domain.events import ping_event
from sightsync.webhooks.handlers.views import delivery_answer

log = get_logger(__name__)

# A ping answers "is my receiver wired up?" now; it is not worth three days of retries.
PING_ATTEMPTS = 1


class DeliveryHandlers:
    def __init__(
        self,
        endpoints: MongoEndpointRepository,
        deliveries: MongoDeliveryRepository,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self._endpoints = endpoints
        self._deliveries = deliveries
        self._wake = wake

    async def send_test(self, message: SendTestWebhook, context: MessageContext) -> dict[str, Any]:
        endpoint = await self._enabled(message.practice_id, message.endpoint_id)
        now = context.clock.now()
        event = ping_event(new_id("evt", now), endpoint.practice_id, endpoint.id, now)

        await self._deliveries.store_event(event, now)
        delivery_id = await self._deliveries.add(event, endpoint.id, now, PING_ATTEMPTS)
        self._wake()

        log.info(
            "webhook_ping_queued",
            endpoint_id=endpoint.id,
            event_id=event.id,
            delivery_id=delivery_id,
        )
        return {"event_id": event.id, "delivery_id": delivery_id}

    async def list(self, message: ListWebhookDeliveries, context: MessageContext) -> dict[str, Any]:
        if await self._endpoints.get(message.practice_id, message.endpoint_id) is None:
            raise _endpoint_not_found()
        docs = await self._deliveries.page(
            message.practice_id, message.endpoint_id, message.limit, message.before
        )
        return {
            "deliveries": [delivery_answer(doc) for doc in docs],
            "next_before": docs[-1]["_id"] if len(docs) == message.limit else None,
        }

    async def retry(self, message: RetryWebhookDelivery, context: MessageContext) -> dict[str, Any]:
        endpoint = await self._enabled(message.practice_id, message.endpoint_id)
        delivery = await self._deliveries.get(
            endpoint.practice_id, endpoint.id, message.delivery_id
        )
        if delivery is None:
            raise Refusal("webhook_delivery_not_found", "Webhook delivery not found", 404)
        if delivery["status"] == "delivering":
            raise Refusal("delivery_in_progress", "The delivery is being attempted now", 409)

        retried = await self._deliveries.retry_now(delivery, context.clock.now())
        if retried is None:
            raise Refusal("delivery_changed", "The delivery changed meanwhile; retry", 409)
        self._wake()

        log.info(
            "webhook_delivery_retry_queued", endpoint_id=endpoint.id, delivery_id=retried["_id"]
        )
        return {"delivery": delivery_answer(retried)}

    async def _enabled(self, practice_id: str, endpoint_id: str) -> Endpoint:
        endpoint = await self._endpoints.get(practice_id, endpoint_id)
        if endpoint is None:
            raise _endpoint_not_found()
        if not endpoint.enabled:
            raise Refusal(
                "endpoint_disabled",
                "The endpoint is disabled; enable it first",
                409,
                disabled_reason=endpoint.disabled_reason,
            )
        return endpoint


def _endpoint_not_found() -> Refusal:
    return Refusal("webhook_endpoint_not_found", "Webhook endpoint not found", 404)
