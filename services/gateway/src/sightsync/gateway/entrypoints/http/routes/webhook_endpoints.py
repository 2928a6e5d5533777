"""/api/v1/webhook_endpoints: a practice's signed webhooks; the webhooks service keeps them.

The gateway only validates shapes and asks; where a URL may point (after DNS) and how many
endpoints a practice may hold are the webhooks service's rules.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel

from sightsync.common.ids import has_prefix
from sightsync.common.messages.webhooks import (
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    GetWebhookEndpoint,
    ListWebhookDeliveries,
    ListWebhookEndpoints,
    RetryWebhookDelivery,
    RotateWebhookSecret,
    SendTestWebhook,
    UpdateWebhookEndpoint,
)
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.operations import api_route
from sightsync.gateway.entrypoints.http.routes.webhook_operations import (
    CREATE,
    DELETE,
    DELIVERIES,
    GET,
    LIST,
    RETRY,
    ROTATE_SECRET,
    SEND_TEST,
    UPDATE,
)
from sightsync.gateway.entrypoints.http.schemas_webhooks import (
    DeliveryListQuery,
    RotatedSecret,
    TestWebhookQueued,
    WebhookDeliveryEnvelope,
    WebhookDeliveryList,
    WebhookEndpointCreateRequest,
    WebhookEndpointEnvelope,
    WebhookEndpointList,
    WebhookEndpointUpdateRequest,
    WebhookEndpointWithSecret,
)
from sightsync.gateway.entrypoints.http.validation import parse_body, parse_query


async def create_endpoint(request: web.Request) -> web.Response:
    body = await parse_body(request, WebhookEndpointCreateRequest)
    result = await ask(
        request,
        CreateWebhookEndpoint(practice_id=authenticated_practice_id(request), **body.model_dump()),
    )
    return _answer(WebhookEndpointWithSecret, result, status=201)


async def list_endpoints(request: web.Request) -> web.Response:
    result = await ask(
        request, ListWebhookEndpoints(practice_id=authenticated_practice_id(request))
    )
    return _answer(WebhookEndpointList, result)


async def get_endpoint(request: web.Request) -> web.Response:
    result = await ask(
        request,
        GetWebhookEndpoint(
            practice_id=authenticated_practice_id(request), endpoint_id=_endpoint_id(request)
        ),
    )
    return _answer(WebhookEndpointEnvelope, result)


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
    return _answer(WebhookEndpointEnvelope, result)


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
    return _answer(RotatedSecret, result)


async def send_test(request: web.Request) -> web.Response:
    result = await ask(
        request,
        SendTestWebhook(
            practice_id=authenticated_practice_id(request), endpoint_id=_endpoint_id(request)
        ),
    )
    return _answer(TestWebhookQueued, result, status=202)


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
    return _answer(WebhookDeliveryList, result)


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
    return _answer(WebhookDeliveryEnvelope, result, status=202)


def _endpoint_id(request: web.Request) -> str:
    """The path's endpoint id; a malformed one cannot exist, so it is a 404 without asking."""
    endpoint_id = request.match_info["endpoint_id"]
    if not has_prefix(endpoint_id, "whk"):
        raise ApiError(404, "Webhook endpoint not found")
    return endpoint_id


def _answer(model: type[BaseModel], result: dict[str, Any], *, status: int = 200) -> web.Response:
    # Through the documented model, so the API answers exactly what OpenAPI describes.
    body = model.model_validate(result).model_dump(mode="json")
    return web.json_response(body, status=status)


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 webhook endpoint routes."""
    api_route(app, CREATE, create_endpoint)
    api_route(app, LIST, list_endpoints)
    api_route(app, GET, get_endpoint)
    api_route(app, UPDATE, update_endpoint)
    api_route(app, DELETE, delete_endpoint)
    api_route(app, ROTATE_SECRET, rotate_secret)
    api_route(app, SEND_TEST, send_test)
    api_route(app, DELIVERIES, list_deliveries)
    api_route(app, RETRY, retry_delivery)
