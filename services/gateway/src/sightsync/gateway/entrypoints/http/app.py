"""The public API application: middleware stack and route modules, in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from sightsync.common.ids import new_id
from sightsync.gateway.entrypoints.http.context import GATEWAY, GatewayContext
from sightsync.gateway.entrypoints.http.errors import error_middleware

API_PREFIX = "/api/v1"

RouteModule = Callable[[web.Application], None]


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give every request an id, bind it to the logs and echo it as X-Request-Id."""
    request_id = new_id("req")
    request["request_id"] = request_id
    with structlog.contextvars.bound_contextvars(request_id=request_id, correlation_id=request_id):
        response = await handler(request)
    response.headers["X-Request-Id"] = request_id
    return response


def create_app(
    context: GatewayContext,
    *,
    middlewares: Iterable[Middleware] = (),
    route_modules: Iterable[RouteModule] = (),
    max_body_bytes: int = 64 * 1024,
) -> web.Application:
    """The gateway's aiohttp application; errors are JSON from the outermost layer in."""
    app = web.Application(
        middlewares=[request_id_middleware, error_middleware, *middlewares],
        client_max_size=max_body_bytes,
    )
    app[GATEWAY] = context
    for add_routes in route_modules:
        add_routes(app)
    return app
