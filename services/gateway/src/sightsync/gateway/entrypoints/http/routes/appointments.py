"""/api/v1/appointments: the appointments recall calls booked, and status changes to them."""

from __future__ import annotations

from aiohttp import web

from sightsync.common.messages.outcomes import ListAppointments, UpdateAppointmentStatus
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.schemas_outcomes import (
    AppointmentListQuery,
    AppointmentStatusChange,
)
from sightsync.gateway.entrypoints.http.validation import parse_body, parse_query

PREFIX = "/api/v1/appointments"


async def list_appointments(request: web.Request) -> web.Response:
    query = parse_query(request, AppointmentListQuery)
    if query.from_date and query.to_date and query.from_date > query.to_date:
        raise ApiError(400, "from_date must not be after to_date", field="from_date")
    result = await ask(
        request,
        ListAppointments(practice_id=authenticated_practice_id(request), **query.model_dump()),
    )
    return web.json_response(
        {
            "appointments": result["appointments"],
            "total": result["total"],
            "limit": query.limit,
            "offset": query.offset,
        }
    )


async def update_appointment(request: web.Request) -> web.Response:
    body = await parse_body(request, AppointmentStatusChange)
    result = await ask(
        request,
        UpdateAppointmentStatus(
            practice_id=authenticated_practice_id(request),
            appointment_id=request.match_info["appointment_id"],
            status=body.status,
        ),
    )
    return web.json_response(result["appointment"])


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 appointments routes."""
    app.router.add_get(PREFIX, list_appointments)
    app.router.add_patch(PREFIX + "/{appointment_id}", update_appointment)
