"""The webhook endpoint operations as the OpenAPI document describes them."""

from __future__ import annotations

from sightsync.gateway.entrypoints.http.operations import Answer, Operation, error
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

PREFIX = "/api/v1/webhook_endpoints"
ENDPOINT = PREFIX + "/{endpoint_id}"
TAG = "Webhook endpoints"

ENDPOINT_ID = {"endpoint_id": "The endpoint's id (`whk_…`)."}
NOT_FOUND = error("No webhook endpoint with this id in the practice.", "Webhook endpoint not found")
DISABLED = error(
    "The endpoint is disabled (`disabled_reason`); enable it first.",
    "The endpoint is disabled; enable it first",
    disabled_reason="disabled_by_practice",
)
URL_REFUSED = error(
    "The body is malformed, or the URL may not receive webhooks (`reason`): not https, "
    "credentials in it, or a host that resolves to a private address.",
    "Webhook URLs must use https",
    reason="scheme",
)
TO_ENDPOINT = {
    "getWebhookEndpoint": {
        "operationId": "getWebhookEndpoint",
        "parameters": {"endpoint_id": "$response.body#/endpoint/id"},
    },
    "listWebhookDeliveries": {
        "operationId": "listWebhookDeliveries",
        "parameters": {"endpoint_id": "$response.body#/endpoint/id"},
    },
}

CREATE = Operation(
    method="POST",
    path=PREFIX,
    operation_id="createWebhookEndpoint",
    summary="Register a webhook endpoint",
    description="The answer holds the signing secret; it is never shown again.",
    tag=TAG,
    body=WebhookEndpointCreateRequest,
    responses={
        201: Answer(
            "The endpoint and its signing secret.", WebhookEndpointWithSecret, links=TO_ENDPOINT
        ),
        400: URL_REFUSED,
        409: error(
            "The practice already has the most endpoints allowed (`limit`).",
            "A practice may register at most 10 webhook endpoints",
            limit=10,
        ),
    },
)
LIST = Operation(
    method="GET",
    path=PREFIX,
    operation_id="listWebhookEndpoints",
    summary="List webhook endpoints",
    tag=TAG,
    responses={200: Answer("Every endpoint of the practice.", WebhookEndpointList)},
)
GET = Operation(
    method="GET",
    path=ENDPOINT,
    operation_id="getWebhookEndpoint",
    summary="Read one webhook endpoint",
    tag=TAG,
    path_parameters=ENDPOINT_ID,
    responses={200: Answer("The endpoint.", WebhookEndpointEnvelope), 404: NOT_FOUND},
)
UPDATE = Operation(
    method="PATCH",
    path=ENDPOINT,
    operation_id="updateWebhookEndpoint",
    summary="Change, disable or re-enable a webhook endpoint",
    tag=TAG,
    body=WebhookEndpointUpdateRequest,
    path_parameters=ENDPOINT_ID,
    responses={
        200: Answer("The endpoint after the change.", WebhookEndpointEnvelope),
        400: URL_REFUSED,
        404: NOT_FOUND,
    },
)
DELETE = Operation(
    method="DELETE",
    path=ENDPOINT,
    operation_id="deleteWebhookEndpoint",
    summary="Delete a webhook endpoint",
    description="Deliveries still waiting for it are abandoned.",
    tag=TAG,
    path_parameters=ENDPOINT_ID,
    responses={204: Answer("Deleted."), 404: NOT_FOUND},
)
ROTATE_SECRET = Operation(
    method="POST",
    path=ENDPOINT + "/rotate_secret",
    operation_id="rotateWebhookSecret",
    summary="Rotate an endpoint's signing secret",
    description=(
        "Until `previous_secret_expires_at` each webhook is signed with both the old and the "
        "new secret, so the receiver can switch without missing any."
    ),
    tag=TAG,
    path_parameters=ENDPOINT_ID,
    responses={
        200: Answer("The endpoint and its new signing secret.", RotatedSecret),
        404: NOT_FOUND,
        409: error(
            "The secret was rotated by another request meanwhile; retry.",
            "The secret was rotated meanwhile; retry",
        ),
    },
)
SEND_TEST = Operation(
    method="POST",
    path=ENDPOINT + "/test",
    operation_id="sendTestWebhook",
    summary="Send a `ping` event to the endpoint",
    tag=TAG,
    path_parameters=ENDPOINT_ID,
    responses={
        202: Answer("The ping is queued; follow it in the deliveries.", TestWebhookQueued),
        404: NOT_FOUND,
        409: DISABLED,
    },
)
DELIVERIES = Operation(
    method="GET",
    path=ENDPOINT + "/deliveries",
    operation_id="listWebhookDeliveries",
    summary="List deliveries to an endpoint, newest first",
    tag=TAG,
    query=DeliveryListQuery,
    path_parameters=ENDPOINT_ID,
    responses={200: Answer("A page of deliveries.", WebhookDeliveryList), 404: NOT_FOUND},
)
RETRY = Operation(
    method="POST",
    path=ENDPOINT + "/deliveries/{delivery_id}/retry",
    operation_id="retryWebhookDelivery",
    summary="Send a delivery again now",
    tag=TAG,
    path_parameters={**ENDPOINT_ID, "delivery_id": "The delivery's id (`dlv_…`)."},
    responses={
        202: Answer("The delivery is queued again.", WebhookDeliveryEnvelope),
        404: error("No such endpoint, or no such delivery to it.", "Webhook delivery not found"),
        409: error(
            "The endpoint is disabled, or the delivery is being attempted right now.",
            "The delivery is being attempted now",
        ),
    },
)
