"""/api/v1/webhook_endpoints: a practice's signed webhooks; the webhooks service keeps them.

The gateway only validates shapes and asks; where a URL may point (after DNS) and how many
endpoints a practice may hold are the webhooks service's rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sightsync.common.ids import has_prefix
from sightsync.common.messages.webhooks import (
    MAX_URL_LENGTH,
    AttemptOutcome,
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    DeliveryStatus,
    GetWebhookEndpoint,
    ListWebhookDeliveries,
    ListWebhookEndpoints,
    RetryWebhookDelivery,
    RotateWebhookSecret,
    SendTestWebhook,
    UpdateWebhookEndpoint,
    WebhookEventType,
)
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.validation import parse_body, parse_query

PREFIX = "/api/v1/webhook_endpoints"
ENDPOINT = PREFIX + "/{endpoint_id}"

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
        json_schema_extra={"examples": [{"enabled": True}, {"events": ["appointment.booked"]}]},
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


ResponseModel = type[BaseModel]
RESPONSE_MODELS: dict[str, ResponseModel] = {
    "create": WebhookEndpointWithSecret,
    "list": WebhookEndpointList,
    "get": WebhookEndpointEnvelope,
    "update": WebhookEndpointEnvelope,
    "rotate_secret": RotatedSecret,
    "test": TestWebhookQueued,
    "deliveries": WebhookDeliveryList,
    "retry": WebhookDeliveryEnvelope,
}


# ----- handlers ----------------------------------------------------------------------------


async def create_endpoint(request: web.Request) -> web.Response:
    body = await parse_body(request, WebhookEndpointCreateRequest)
    result = await ask(
        request,
        CreateWebhookEndpoint(practice_id=authenticated_practice_id(request), **body.model_dump()),
    )
    return _answer("create", result, status=201)


async def list_endpoints(request: web.Request) -> web.Response:
    result = await ask(
        request, ListWebhookEndpoints(practice_id=authenticated_practice_id(request))
    )
    return _answer("list", result)


async def get_endpoint(request: web.Request) -> web.Response:
    result = await ask(
        request,
        GetWebhookEndpoint(
            practice_id=authenticated_practice_id(request), endpoint_id=_endpoint_id(request)
        ),
    )
    return _answer("get", result)


async def update_endpoint(request: web.Request) -> web.Response:
    endpoint_id = _endpoint_id(request)
    body = await parse_body(request, WebhookEndpointUpdateRequest)
    result = await ask(
        request,
        UpdateWebhookEndpoint(
            practice_id=authenticated_practice_id(request),
            endpoint_id=endpoint_id,
            **body.model_dump(exclude_unset=True),
        ),
    )
    return _answer("update", result)


async def delete_endpoint(request: web.Request) -> web.Response:
    await ask(
        request,
        DeleteWebhookEndpoint(
            practice_id=authenticated_practice_id(request), endpoint_id=_endpoint_id(request)
        ),
    )
    return web.Response(status=204)


async def rotate_secret(request: web.Request) -> web.Response:
    result = await ask(
        request,
        RotateWebhookSecret(
            practice_id=authenticated_practice_id(request), endpoint_id=_endpoint_id(request)
        ),
    )
    return _answer("rotate_secret", result)


async def send_test(request: web.Request) -> web.Response:
    result = await ask(
        request,
        SendTestWebhook(
            practice_id=authenticated_practice_id(request), endpoint_id=_endpoint_id(request)
        ),
    )
    return _answer("test", result, status=202)


async def list_deliveries(request: web.Request) -> web.Response:
    endpoint_id = _endpoint_id(request)
    query = parse_query(request, DeliveryListQuery)
    result = await ask(
        request,
        ListWebhookDeliveries(
            practice_id=authenticated_practice_id(request),
            endpoint_id=endpoint_id,
            limit=query.limit,
            before=query.before,
        ),
    )
    return _answer("deliveries", result)


async def retry_delivery(request: web.Request) -> web.Response:
    endpoint_id = _endpoint_id(request)
    delivery_id = request.match_info["delivery_id"]
    if not has_prefix(delivery_id, "dlv"):
        raise ApiError(404, "Webhook delivery not found")
    result = await ask(
        request,
        RetryWebhookDelivery(
            practice_id=authenticated_practice_id(request),
            endpoint_id=endpoint_id,
            delivery_id=delivery_id,
        ),
    )
    return _answer("retry", result, status=202)


def _endpoint_id(request: web.Request) -> str:
    """The path's endpoint id; a malformed one cannot exist, so it is a 404 without asking."""
    endpoint_id = request.match_info["endpoint_id"]
    if not has_prefix(endpoint_id, "whk"):
        raise ApiError(404, "Webhook endpoint not found")
    return endpoint_id


def _answer(
    operation: Literal[
        "create", "list", "get", "update", "rotate_secret", "test", "deliveries", "retry"
    ],
    result: dict[str, Any],
    *,
    status: int = 200,
) -> web.Response:
    # Through the documented model, so the API answers exactly what OpenAPI describes.
    body = RESPONSE_MODELS[operation].model_validate(result).model_dump(mode="json")
    return web.json_response(body, status=status)


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 webhook endpoint routes."""
    app.router.add_post(PREFIX, create_endpoint)
    app.router.add_get(PREFIX, list_endpoints)
    app.router.add_get(ENDPOINT, get_endpoint)
    app.router.add_patch(ENDPOINT, update_endpoint)
    app.router.add_delete(ENDPOINT, delete_endpoint)
    app.router.add_post(ENDPOINT + "/rotate_secret", rotate_secret)
    app.router.add_post(ENDPOINT + "/test", send_test)
    app.router.add_get(ENDPOINT + "/deliveries", list_deliveries)
    app.router.add_post(ENDPOINT + "/deliveries/{delivery_id}/retry", retry_delivery)
