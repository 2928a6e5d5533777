"""How endpoints and deliveries are answered over the bus: the contracts' view models."""

from __future__ import annotations

from typing import Any

from sightsync.common.messages.webhooks import WebhookDeliveryView, WebhookEndpointView
from sightsync.common.storage import Document
from sightsync.webhooks.adapters.deliveries import delivery_view
from sightsync.webhooks.domain.endpoints import Endpoint


def endpoint_view(endpoint: Endpoint) -> dict[str, Any]:
    view = WebhookEndpointView.model_validate(
        {
            "id": endpoint.id,
            "url": endpoint.url,
            "events": list(endpoint.events),
            "description": endpoint.description,
            "enabled": endpoint.enabled,
            "disabled_reason": endpoint.disabled_reason,
            "disabled_at": endpoint.disabled_at,
            "created_at": endpoint.created_at,
            "updated_at": endpoint.updated_at,
        }
    )
    return view.model_dump(mode="json")


def delivery_answer(doc: Document) -> dict[str, Any]:
    return WebhookDeliveryView.model_validate(delivery_view(doc)).model_dump(mode="json")
