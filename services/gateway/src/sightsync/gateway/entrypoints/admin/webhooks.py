"""`sightsync-admin webhooks ...`: a practice's webhook endpoints, managed as its API key would.

Bodies are checked by the HTTP API's own request schemas and answers printed through its
response schemas, so the CLI accepts and shows exactly what the API does; where a URL may
point is the webhooks service's rule, and its refusal is printed as it arrives.
"""

from __future__ import annotations

import argparse
from typing import Any, get_args

from pydantic import BaseModel

from sightsync.common.messages.base import Request
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
    WebhookEventType,
)
from sightsync.gateway.entrypoints.admin.client import AdminClient
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


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    webhooks = commands.add_parser("webhooks", help="manage a practice's webhook endpoints")
    actions = webhooks.add_subparsers(dest="action", required=True)

    create = _action(
        actions, "create", "register an endpoint; its secret is printed only once", endpoint=False
    )
    create.add_argument("--url", required=True, help="https, resolving to public addresses only")
    _add_body_options(create, events_required=True)

    _action(actions, "list", "a practice's endpoints, without secrets", endpoint=False)
    _action(actions, "show", "one endpoint")
    update = _action(actions, "update", "change the given fields of an endpoint")
    update.add_argument("--url")
    _add_body_options(update, events_required=False)
    enabled = update.add_mutually_exclusive_group()
    enabled.add_argument("--enable", dest="enabled", action="store_const", const=True)
    enabled.add_argument(
        "--disable",
        dest="enabled",
        action="store_const",
        const=False,
        help="stop deliveries; those waiting are abandoned",
    )

    _action(actions, "delete", "delete an endpoint; deliveries waiting for it are abandoned")
    _action(actions, "rotate-secret", "issue a new secret, printed only once")
    _action(actions, "test", "send a ping event; follow it with `deliveries`")
    deliveries = _action(actions, "deliveries", "an endpoint's deliveries, newest first")
    deliveries.add_argument("--limit", type=int, help="page size, 1 to 100 (default 20)")
    deliveries.add_argument("--before", metavar="DELIVERY_ID", help="a previous next_before")
    retry = _action(actions, "retry", "send a delivery again now")
    retry.add_argument("delivery_id")


def _action(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    *,
    endpoint: bool = True,
) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=summary)
    parser.add_argument("--practice", required=True, metavar="PRACTICE_ID")
    if endpoint:
        parser.add_argument("endpoint_id")
    return parser


def _add_body_options(parser: argparse.ArgumentParser, *, events_required: bool) -> None:
    parser.add_argument(
        "--event",
        dest="events",
        action="append",
        required=events_required,
        choices=get_args(WebhookEventType),
        metavar="EVENT",
        help="an event type to receive (repeat for more): %(choices)s",
    )
    parser.add_argument("--description")


async def run(client: AdminClient, args: argparse.Namespace) -> dict[str, Any]:
    message, answer = request_for(args)
    # The API knows its practice from the key; an operator types the id, and a typo must be
    # refused rather than leave endpoints under a practice that does not exist.
    await client.get_practice(args.practice)
    result = await client.ask(message, practice_id=args.practice)
    return answer.model_validate(result).model_dump(mode="json") if answer else result


def request_for(args: argparse.Namespace) -> tuple[Request, type[BaseModel] | None]:
    """The bus request for the action and the API schema its answer is shown through."""
    practice = {"practice_id": args.practice}
    if args.action == "create":
        body = WebhookEndpointCreateRequest.model_validate(
            _given(args, "url", "events", "description")
        )
        return CreateWebhookEndpoint(**practice, **body.model_dump()), WebhookEndpointWithSecret
    if args.action == "list":
        return ListWebhookEndpoints(**practice), WebhookEndpointList

    endpoint = {**practice, "endpoint_id": args.endpoint_id}
    if args.action == "update":
        changes = WebhookEndpointUpdateRequest.model_validate(
            _given(args, "url", "events", "description", "enabled")
        )
        update = UpdateWebhookEndpoint(**endpoint, **changes.model_dump(exclude_unset=True))
        return update, WebhookEndpointEnvelope
    if args.action == "deliveries":
        query = DeliveryListQuery.model_validate(_given(args, "limit", "before"))
        return ListWebhookDeliveries(**endpoint, **query.model_dump()), WebhookDeliveryList
    if args.action == "retry":
        retry = RetryWebhookDelivery(**endpoint, delivery_id=args.delivery_id)
        return retry, WebhookDeliveryEnvelope
    simple: dict[str, tuple[type[Request], type[BaseModel] | None]] = {
        "show": (GetWebhookEndpoint, WebhookEndpointEnvelope),
        "delete": (DeleteWebhookEndpoint, None),
        "rotate-secret": (RotateWebhookSecret, RotatedSecret),
        "test": (SendTestWebhook, TestWebhookQueued),
    }
    request, answer = simple[args.action]
    return request(**endpoint), answer


def _given(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    """Only the options the operator gave, so the schema's defaults and its "at least one
    change" rule apply exactly as they do to a body sent over HTTP."""
    fields = {name: getattr(args, name) for name in names}
    return {name: value for name, value in fields.items() if value is not None}
