"""/api/v1/patients: upsert, list and read patients; compliance keeps them, not the gateway."""

from __future__ import annotations

from aiohttp import web

from sightsync.common.messages.patients import GetPatient, ListPatients, UpsertPatient
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.schemas import PatientListQuery, PatientUpsertRequest
from sightsync.gateway.entrypoints.http.validation import parse_body, parse_query

PREFIX = "/api/v1/patients"


async def upsert_patient(request: web.Request) -> web.Response:
    body = await parse_body(request, PatientUpsertRequest)
    result = await ask(
        request,
        UpsertPatient(practice_id=authenticated_practice_id(request), **body.model_dump()),
    )
    return web.json_response({"success": True, "patient": result["patient"]})


async def list_patients(request: web.Request) -> web.Response:
    query = parse_query(request, PatientListQuery)
    result = await ask(
        request,
        ListPatients(
            practice_id=authenticated_practice_id(request),
            limit=query.limit,
            offset=query.offset,
            risk_category=query.risk_category,
            overdue_only=query.overdue_only == "true",
        ),
    )
    return web.json_response(
        {
            "patients": result["patients"],
            "total": result["total"],
            "limit": query.limit,
            "offset": query.offset,
        }
    )


async def get_patient(request: web.Request) -> web.Response:
    result = await ask(
        request,
        GetPatient(
            practice_id=authenticated_practice_id(request),
            patient_id=request.match_info["patient_id"],
        ),
    )
    return web.json_response({"patient": result["patient"]})


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 patients routes."""
    app.router.add_post(PREFIX, upsert_patient)
    app.router.add_get(PREFIX, list_patients)
    app.router.add_get(PREFIX + "/{patient_id}", get_patient)
