"""/api/v1/usage: calls against the plan this UK calendar month."""

from __future__ import annotations

from aiohttp import web

from sightsync.common.messages.outcomes import GetUsage
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id

PATH = "/api/v1/usage"


async def get_usage(request: web.Request) -> web.Response:
    result = await ask(request, GetUsage(practice_id=authenticated_practice_id(request)))
    return web.json_response(result)


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 usage routes."""
    app.router.add_get(PATH, get_usage)
