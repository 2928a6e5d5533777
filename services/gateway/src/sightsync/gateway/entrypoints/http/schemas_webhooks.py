"""Request and response bodies of the webhook endpoints API; the OpenAPI document's source.

The webhooks service keeps endpoints and deliveries; these models are what the gateway
accepts and answers, and every answer passes through its model on the way out.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sightsync.common.messages.webhooks import (
    MAX_URL_LENGTH,
    AttemptOutcome,
    DeliveryStatus,
    WebhookEventType,
)

EXAMPLE_ENDPOINT_ID = "whk_01JNQA1B2C3D4E5F6G7H8J9K0M"
EXAMPLE_DELIVERY_ID = "dlv_01JNQA2C3D4E5F6G7H8J9K0M1N"
EXAMPLE_EVENT_ID = "evt_01JNQA3D4E5F6G7H8J9K0M1N2P"
EXAMPLE_SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
EVENTS_HELP = (
    "Event types to receive: call.completed, call.failed, appointment.booked, "
    "appointment.updated, patient.opted_out. A `ping` from POST .../test always arrives."
)
URL_HELP = (
    "Where to POST events. Must be https and resolve only to public addresses; private, "
    "loopback, link-local and cloud-metadata addresses are refused (400)."
)


# ----- request bodies --------------------------------------------------------------------


class WebhookEndpointCreateRequest(BaseModel):
    """A new endpoint: where to send which events."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://pms.example.co.uk/hooks/sightsync",
                    "events": ["appointment.booked", "call.completed"],
                    "description": "Diary sync",
                }
            ]
        },
    )

    url: str = Field(min_length=1, max_length=MAX_URL_LENGTH, description=URL_HELP)
    events: list[WebhookEventType] = Field(min_length=1, description=EVENTS_HELP)
    description: str | None = Field(
        default=None, max_length=500, description="A note for the practice's own reference."
    )


class WebhookEndpointUpdateRequest(BaseModel):
    """Any of url, events, description and enabled; at least one."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            # What the validator below enforces, said in the schema too.
            "minProperties": 1,
            "examples": [{"enabled": True}, {"events": ["appointment.booked"]}],
        },
    )

    url: str | None = Field(
        default=None, min_length=1, max_length=MAX_URL_LENGTH, description=URL_HELP
    )
    events: list[WebhookEventType] | None = Field(
        default=None, min_length=1, description=EVENTS_HELP
    )
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = Field(
        default=None,
        description=(
            "false stops deliveries (waiting ones are abandoned); true re-enables an endpoint "
            "the service disabled and clears why it did."
        ),
    )

    @model_validator(mode="after")
    def _changes_something(self) -> WebhookEndpointUpdateRequest:
        if not self.model_fields_set:
            raise ValueError("give at least one of url, events, description, enabled")
        return self


class DeliveryListQuery(BaseModel):
    """Query parameters of GET .../deliveries."""

    limit: int = Field(default=20, ge=1, le=100, description="Page size, 1 to 100.")
    before: str | None = Field(
        default=None,
        description="A delivery id from the previous page's next_before: older deliveries.",
        examples=[EXAMPLE_DELIVERY_ID],
    )


# ----- responses (the OpenAPI document's source) -------------------------------------------


class WebhookEndpoint(BaseModel):
    """An endpoint; its signing secret is shown only when created or rotated."""

    id: str = Field(examples=[EXAMPLE_ENDPOINT_ID])
    url: str = Field(examples=["https://pms.example.co.uk/hooks/sightsync"])
    events: list[WebhookEventType]
    description: str | None
    enabled: bool
    disabled_reason: str | None = Field(
        description="Why it was disabled: by the practice, a 410 from the receiver, or days "
        "without a successful delivery.",
        examples=["receiver answered 410 Gone"],
    )
    disabled_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WebhookEndpointWithSecret(BaseModel):
    endpoint: WebhookEndpoint
    secret: str = Field(
        description="The signing secret (whsec_ + base64). Shown once: store it now.",
        examples=[EXAMPLE_SECRET],
    )


class RotatedSecret(WebhookEndpointWithSecret):
    previous_secret_expires_at: datetime | None = Field(
        description="Until then each webhook carries signatures by the old and the new secret."
    )


class WebhookEndpointList(BaseModel):
    endpoints: list[WebhookEndpoint]


class WebhookEndpointEnvelope(BaseModel):
    endpoint: WebhookEndpoint


class TestWebhookQueued(BaseModel):
    event_id: str = Field(examples=[EXAMPLE_EVENT_ID])
    delivery_id: str = Field(
        description="Follow it in GET .../deliveries.", examples=[EXAMPLE_DELIVERY_ID]
    )


class DeliveryAttempt(BaseModel):
    attempt: int = Field(description="1 for the first try.")
    started_at: datetime
    outcome: AttemptOutcome
    status_code: int | None = Field(description="The receiver's HTTP status, if it answered.")
    latency_ms: float
    error: str | None = Field(examples=["timeout"])


class WebhookDelivery(BaseModel):
    """One event sent to this endpoint, with every attempt (up to the last 25)."""

    id: str = Field(examples=[EXAMPLE_DELIVERY_ID])
    endpoint_id: str
    event_id: str = Field(description="Also the webhook-id header: dedupe on it.")
    event_type: str = Field(examples=["appointment.booked"])
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_latency_ms: float | None
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="When the next retry is due, if any.")
    created_at: datetime
    updated_at: datetime
    attempt_log: list[DeliveryAttempt]


class WebhookDeliveryList(BaseModel):
    deliveries: list[WebhookDelivery]
    next_before: str | None = Field(description="Pass as `before` for the next page, if any.")


class WebhookDeliveryEnvelope(BaseModel):
    delivery: WebhookDelivery
