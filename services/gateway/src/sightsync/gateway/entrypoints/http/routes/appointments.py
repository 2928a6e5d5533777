"""/api/v1/appointments: the appointments recall calls booked, and status changes to them."""

from __future__ import annotations

from aiohttp import web

from sightsync.common.messages.outcomes import ListAppointments, UpdateAppointmentStatus
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.operations import Answer, Operation, api_route, error
from sightsync.gateway.entrypoints.http.schemas_outcomes import (
    Appointment,
    AppointmentListQuery,
    AppointmentPage,
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


LIST = Operation(
    method="GET",
    path=PREFIX,
    operation_id="listAppointments",
    summary="List appointments the recall calls booked",
    tag="Appointments",
    query=AppointmentListQuery,
    responses={200: Answer("A page of appointments, soonest first.", AppointmentPage)},
)
UPDATE = Operation(
    method="PATCH",
    path=PREFIX + "/{appointment_id}",
    operation_id="updateAppointmentStatus",
    summary="Confirm, cancel or mark a no-show",
    description=(
        "Each change is sent as an `appointment.updated` webhook. Asking for the status the "
        "appointment already has changes nothing and sends no webhook, so a retry is safe. "
        "A no-show can be marked only once the appointment has started (`starts_at`)."
    ),
    tag="Appointments",
    body=AppointmentStatusChange,
    path_parameters={"appointment_id": "The appointment's id (`apt_…`)."},
    responses={
        200: Answer(
            "The appointment after the change, or as it was when it already had that status.",
            Appointment,
        ),
        404: error("No appointment with this id in the practice.", "Appointment not found"),
        409: error(
            "The change is not allowed from the current status (`current_status`, "
            "`requested_status`), a no-show was asked for before the appointment started "
            "(`starts_at`), or the appointment changed meanwhile: read it and retry.",
            "Cannot change an appointment from cancelled to confirmed",
            current_status="cancelled",
            requested_status="confirmed",
        ),
    },
)


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 appointments routes."""
    api_route(app, LIST, list_appointments)
    api_route(app, UPDATE, update_appointment)
