"""The public API application: middleware stack and route modules, in one place."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from sightsync.common import metrics
from sightsync.common.ids import new_id
from sightsync.common.logging import get_logger
from sightsync.gateway.entrypoints.http.context import CALLER, GATEWAY, REQUEST_ID, GatewayContext
from sightsync.gateway.entrypoints.http.errors import error_middleware
from sightsync.gateway.entrypoints.http.guard import ApiGuard

API_PREFIX = "/api/v1"
SERVICE = "gateway"

RouteModule = Callable[[web.Application], None]

log = get_logger(__name__)


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give every request an id, bind it to the logs and echo it as X-Request-Id."""
    request_id = new_id("req")
    request[REQUEST_ID] = request_id
    with structlog.contextvars.bound_contextvars(request_id=request_id, correlation_id=request_id):
        response = await handler(request)
    response.headers["X-Request-Id"] = request_id
    return response


@web.middleware
async def observe_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One log line and one metric sample per request, labelled by route template only."""
    started = time.perf_counter()
    response = await handler(request)
    elapsed = time.perf_counter() - started
    route = _route_template(request)
    metrics.HTTP_REQUESTS.labels(SERVICE, route, request.method, str(response.status)).inc()
    metrics.HTTP_SECONDS.labels(SERVICE, route, request.method).observe(elapsed)
    if request.path.startswith("/api/"):
        caller = request.get(CALLER)
        log.info(
            "http_request",
            method=request.method,
            route=route,
            status=response.status,
            duration_ms=round(elapsed * 1000, 1),
            practice_id=getattr(caller, "practice_id", None),
            api_key_id=getattr(caller, "api_key_id", None),
        )
    return response


def create_app(
    context: GatewayContext,
    *,
    guard: ApiGuard | None = None,
    front: Iterable[Middleware] = (),
    middlewares: Iterable[Middleware] = (),
    route_modules: Iterable[RouteModule] = (),
    max_body_bytes: int = 64 * 1024,
) -> web.Application:
    """The gateway's aiohttp application; errors are JSON from the outermost layer in.

    `front` middlewares run first; they may replace the request (forwarding does), which
    every later layer must then see.
    """
    outer = [guard.outer_middleware()] if guard else []
    inner = [guard.inner_middleware()] if guard else []
    app = web.Application(
        middlewares=[
            *front,
            request_id_middleware,
            observe_middleware,
            *outer,
            error_middleware,
            *inner,
            *middlewares,
        ],
        client_max_size=max_body_bytes,
    )
    app[GATEWAY] = context
    for add_routes in route_modules:
        add_routes(app)
    return app


def _route_template(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"
