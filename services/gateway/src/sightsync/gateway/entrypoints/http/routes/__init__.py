"""Every public route module; `create_app` registers each in turn."""

from aiohttp import web

from sightsync.gateway.entrypoints.http.operations import Operation, operations_of
from sightsync.gateway.entrypoints.http.routes import (
    appointments,
    calls,
    documentation,
    patients,
    recall,
    usage,
    webhook_endpoints,
)

ROUTE_MODULES = (
    patients.add_routes,
    recall.add_routes,
    appointments.add_routes,
    calls.add_routes,
    usage.add_routes,
    webhook_endpoints.add_routes,
    documentation.add_routes,
)


def application_operations() -> tuple[Operation, ...]:
    """The operations the gateway serves, read from an application nothing is wired into."""
    app = web.Application()
    for add_routes in ROUTE_MODULES:
        add_routes(app)
    return operations_of(app)
