"""Every public route module; `create_app` registers each in turn."""

from sightsync.gateway.entrypoints.http.routes import (
    appointments,
    calls,
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
)
