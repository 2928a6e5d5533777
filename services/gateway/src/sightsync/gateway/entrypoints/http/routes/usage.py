"""/api/v1/usage: calls against the plan this UK calendar month."""

from __future__ import annotations

from aiohttp import web

from sightsync.common.messages.outcomes import GetUsage
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.operations import Answer, Operation, api_route
from sightsync.gateway.entrypoints.http.schemas_outcomes import Usage

PATH = "/api/v1/usage"


async def get_usage(request: web.Request) -> web.Response:
    result = await ask(request, GetUsage(practice_id=authenticated_practice_id(request)))
    return web.json_response(result)


USAGE = Operation(
    method="GET",
    path=PATH,
    operation_id="getUsage",
    summary="Calls against the plan this UK month",
    tag="Usage",
    responses={200: Answer("Usage for the current UK calendar month.", Usage)},
)


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 usage routes."""
    api_route(app, USAGE, get_usage)
