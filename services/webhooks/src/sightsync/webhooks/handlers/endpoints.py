"""Endpoint management requests, asked by the gateway on behalf of an authenticated practice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.clock import isoformat_z
from sightsync.common.ids import new_id
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Refusal
from sightsync.common.messages.webhooks import (
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    GetWebhookEndpoint,
    ListWebhookEndpoints,
    RotateWebhookSecret,
    UpdateWebhookEndpoint,
)
from sightsync.webhooks.adapters.deliveries import MongoDeliveryRepository
from sightsync.webhooks.adapters.endpoints import MongoEndpointRepository
from sightsync.webhooks.adapters.resolver import HostResolver, vet_url
from sightsync.webhooks.adapters.secret_box import SecretBox
from sightsync.webhooks.domain.destinations import DestinationPolicy, DestinationRefused
from sightsync.webhooks.domain.endpoints import (
    MAX_ENDPOINTS_PER_PRACTICE,
    Endpoint,
    SealedSecret,
    rotated,
    unique_events,
)
from sightsync.webhooks.domain.signing import new_secret
from sightsync.webhooks.handlers.views import endpoint_view

log = get_logger(__name__)


class EndpointHandlers:
    def __init__(
        self,
        endpoints: MongoEndpointRepository,
        deliveries: MongoDeliveryRepository,
        box: SecretBox,
        policy: DestinationPolicy,
        resolver: HostResolver,
        rotation_overlap: timedelta,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self._endpoints = endpoints
        self._deliveries = deliveries
        self._box = box
        self._policy = policy
        self._resolver = resolver
        self._overlap = rotation_overlap
        self._wake = wake

    async def create(
        self, message: CreateWebhookEndpoint, context: MessageContext
    ) -> dict[str, Any]:
        url = await self._vetted(message.url)
        now = context.clock.now()
        secret = new_secret()
        endpoint = Endpoint(
            id=new_id("whk", now),
            practice_id=message.practice_id,
            url=url,
            events=unique_events(list(message.events)),
            description=message.description,
            enabled=True,
            secrets=(SealedSecret(self._box.seal(secret), now),),
            created_at=now,
            updated_at=now,
        )

        if not await self._endpoints.reserve_slot(message.practice_id, context.session):
            raise Refusal(
                "endpoint_limit_reached",
                f"A practice may register at most {MAX_ENDPOINTS_PER_PRACTICE} webhook endpoints",
                409,
                limit=MAX_ENDPOINTS_PER_PRACTICE,
            )
        await self._endpoints.add(endpoint, context.session)

        log.info("webhook_endpoint_created", endpoint_id=endpoint.id, events=list(endpoint.events))
        return {"endpoint": endpoint_view(endpoint), "secret": secret}

    async def list(self, message: ListWebhookEndpoints, context: MessageContext) -> dict[str, Any]:
        endpoints = await self._endpoints.for_practice(message.practice_id)
        return {"endpoints": [endpoint_view(endpoint) for endpoint in endpoints]}

    async def get(self, message: GetWebhookEndpoint, context: MessageContext) -> dict[str, Any]:
        endpoint = await self._found(message.practice_id, message.endpoint_id)
        return {"endpoint": endpoint_view(endpoint)}

    async def update(
        self, message: UpdateWebhookEndpoint, context: MessageContext
    ) -> dict[str, Any]:
        now = context.clock.now()
        changes: dict[str, Any] = {"updated_at": now}
        if message.url is not None:
            changes["url"] = await self._vetted(message.url)
        if message.events is not None:
            changes["events"] = list(unique_events(list(message.events)))
        if message.description is not None:
            changes["description"] = message.description
        if message.enabled is not None:
            changes |= _enabled_changes(message.enabled, now)

        endpoint = await self._endpoints.change(message.practice_id, message.endpoint_id, changes)
        if endpoint is None:
            raise _not_found()
        if message.enabled is False:
            await self._deliveries.abandon_pending(endpoint.id, "endpoint_disabled", now)

        log.info("webhook_endpoint_updated", endpoint_id=endpoint.id, fields=sorted(changes))
        return {"endpoint": endpoint_view(endpoint)}

    async def delete(
        self, message: DeleteWebhookEndpoint, context: MessageContext
    ) -> dict[str, Any]:
        now = context.clock.now()
        if not await self._endpoints.delete(
            message.practice_id, message.endpoint_id, context.session
        ):
            raise _not_found()
        await self._endpoints.release_slot(message.practice_id, context.session)
        abandoned = await self._deliveries.abandon_pending(
            message.endpoint_id, "endpoint_deleted", now, context.session
        )

        log.info("webhook_endpoint_deleted", endpoint_id=message.endpoint_id, abandoned=abandoned)
        return {"deleted": True}

    async def rotate_secret(
        self, message: RotateWebhookSecret, context: MessageContext
    ) -> dict[str, Any]:
        endpoint = await self._found(message.practice_id, message.endpoint_id)
        now = context.clock.now()
        secret = new_secret()
        secrets = rotated(
            endpoint.secrets, SealedSecret(self._box.seal(secret), now), now, self._overlap
        )

        updated = await self._endpoints.set_secrets(
            endpoint.practice_id, endpoint.id, endpoint.secrets, secrets, now
        )
        if updated is None:
            raise Refusal("rotation_conflict", "The secret was rotated meanwhile; retry", 409)

        previous_expiry = secrets[1].expires_at if len(secrets) > 1 else None
        log.info("webhook_secret_rotated", endpoint_id=endpoint.id, secrets_in_force=len(secrets))
        return {
            "endpoint": endpoint_view(updated),
            "secret": secret,
            "previous_secret_expires_at": isoformat_z(previous_expiry) if previous_expiry else None,
        }

    async def _found(self, practice_id: str, endpoint_id: str) -> Endpoint:
        endpoint = await self._endpoints.get(practice_id, endpoint_id)
        if endpoint is None:
            raise _not_found()
        return endpoint

    async def _vetted(self, url: str) -> str:
        try:
            return (await vet_url(self._policy, self._resolver, url)).url
        except DestinationRefused as refused:
            log.info("webhook_url_refused", reason=refused.reason)
            raise Refusal("url_refused", str(refused), 400, reason=refused.reason) from None


def _enabled_changes(enabled: bool, now: datetime) -> dict[str, Any]:
    if enabled:
        # Enabling is the practice saying the receiver is fixed: the failure streak restarts.
        return {
            "enabled": True,
            "disabled_reason": None,
            "disabled_at": None,
            "failing_since": None,
            "consecutive_failures": 0,
        }
    return {"enabled": False, "disabled_reason": "disabled_by_practice", "disabled_at": now}


def _not_found() -> Refusal:
    return Refusal("webhook_endpoint_not_found", "Webhook endpoint not found", 404)
