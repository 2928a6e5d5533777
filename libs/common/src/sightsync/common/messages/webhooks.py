"""Requests the webhooks service answers: practices' endpoints and their delivery log.

Every request is scoped to `practice_id`; an endpoint or delivery of another practice is
answered exactly like one that does not exist (404).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from sightsync.common.messages.base import Request
from sightsync.common.messages.registry import register

WebhookEventType = Literal[
    "call.completed",
    "call.failed",
    "appointment.booked",
    "appointment.updated",
    "patient.opted_out",
]
DeliveryStatus = Literal["pending", "delivering", "succeeded", "failed"]
AttemptOutcome = Literal["succeeded", "http_error", "timeout", "connection_error", "refused"]

MAX_URL_LENGTH = 2048


class WebhookEndpointView(BaseModel):
    """An endpoint as the API shows it; the signing secret is never part of it."""

    model_config = ConfigDict(frozen=True)

    id: str
    url: str
    events: list[WebhookEventType]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    created_at: datetime
    updated_at: datetime


class DeliveryAttemptView(BaseModel):
    model_config = ConfigDict(frozen=True)

    attempt: int
    started_at: datetime
    outcome: AttemptOutcome
    status_code: int | None
    latency_ms: float
    error: str | None


class WebhookDeliveryView(BaseModel):
    """One event sent to one endpoint, with every attempt made so far."""

    model_config = ConfigDict(frozen=True)

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_latency_ms: float | None
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    attempt_log: list[DeliveryAttemptView]


class CreateWebhookEndpoint(Request):
    """Register an endpoint. Replies {"endpoint": WebhookEndpointView, "secret": "whsec_..."}.

    The URL is vetted after DNS resolution (400 `url_refused`); a practice holds at most
    ten endpoints (409 `endpoint_limit_reached`). The secret is shown in this reply only.
    """

    message_type: ClassVar[str] = "webhook_endpoint.create"
    owner: ClassVar[str] = "webhooks"

    practice_id: str
    url: str = Field(max_length=MAX_URL_LENGTH)
    events: list[WebhookEventType] = Field(min_length=1)
    description: str | None = Field(default=None, max_length=500)


class ListWebhookEndpoints(Request):
    """Replies {"endpoints": [WebhookEndpointView]}, oldest first."""

    message_type: ClassVar[str] = "webhook_endpoint.list"
    owner: ClassVar[str] = "webhooks"

    practice_id: str


class GetWebhookEndpoint(Request):
    """Replies {"endpoint": WebhookEndpointView}; 404 when the practice has no such endpoint."""

    message_type: ClassVar[str] = "webhook_endpoint.get"
    owner: ClassVar[str] = "webhooks"

    practice_id: str
    endpoint_id: str


class UpdateWebhookEndpoint(Request):
    """Change the URL, the events or whether it is enabled. Replies {"endpoint": ...}.

    Enabling a disabled endpoint clears why it was disabled and its failure streak.
    """

    message_type: ClassVar[str] = "webhook_endpoint.update"
    owner: ClassVar[str] = "webhooks"

    practice_id: str
    endpoint_id: str
    url: str | None = Field(default=None, max_length=MAX_URL_LENGTH)
    events: list[WebhookEventType] | None = Field(default=None, min_length=1)
    enabled: bool | None = None
    description: str | None = Field(default=None, max_length=500)


class DeleteWebhookEndpoint(Request):
    """Delete an endpoint; its pending deliveries are abandoned. Replies {"deleted": true}."""

    message_type: ClassVar[str] = "webhook_endpoint.delete"
    owner: ClassVar[str] = "webhooks"

    practice_id: str
    endpoint_id: str


class RotateWebhookSecret(Request):
    """Issue a new signing secret; the old one keeps signing alongside it for 24 hours.

    Replies {"endpoint": ..., "secret": "whsec_...", "previous_secret_expires_at": ...}.
    """

    message_type: ClassVar[str] = "webhook_endpoint.rotate_secret"
    owner: ClassVar[str] = "webhooks"

    practice_id: str
    endpoint_id: str


class SendTestWebhook(Request):
    """Queue a `ping` event to one endpoint. Replies {"event_id", "delivery_id"}."""

    message_type: ClassVar[str] = "webhook_endpoint.test"
    owner: ClassVar[str] = "webhooks"

    practice_id: str
    endpoint_id: str


class ListWebhookDeliveries(Request):
    """An endpoint's deliveries, newest first. Replies {"deliveries": [...], "next_before"}.

    `before` is a delivery id from a previous page's `next_before`.
    """

    message_type: ClassVar[str] = "webhook_delivery.list"
    owner: ClassVar[str] = "webhooks"

    practice_id: str
    endpoint_id: str
    limit: int = Field(default=20, ge=1, le=100)
    before: str | None = None


class RetryWebhookDelivery(Request):
    """Attempt a delivery once more, now. Replies {"delivery": WebhookDeliveryView}.

    409 when the endpoint is disabled or the delivery is already being attempted.
    """

    message_type: ClassVar[str] = "webhook_delivery.retry"
    owner: ClassVar[str] = "webhooks"

    practice_id: str
    endpoint_id: str
    delivery_id: str


register(
    CreateWebhookEndpoint,
    ListWebhookEndpoints,
    GetWebhookEndpoint,
    UpdateWebhookEndpoint,
    DeleteWebhookEndpoint,
    RotateWebhookSecret,
    SendTestWebhook,
    ListWebhookDeliveries,
    RetryWebhookDelivery,
)
