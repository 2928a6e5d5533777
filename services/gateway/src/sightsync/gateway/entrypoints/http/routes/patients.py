"""/api/v1/patients: upsert, list and read patients; compliance keeps them, not the gateway."""

from __future__ import annotations

from aiohttp import web

from sightsync.common.messages.patients import GetPatient, ListPatients, UpsertPatient
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.operations import Answer, Operation, api_route, error
from sightsync.gateway.entrypoints.http.schemas import (
    PatientDetail,
    PatientListQuery,
    PatientPage,
    PatientUpserted,
    PatientUpsertRequest,
)
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


PATIENT_ID = {"patient_id": "The id returned when the patient was upserted (`pat_…`)."}
NOT_FOUND = error("No patient with this id in the practice.", "Patient not found")
TO_PATIENT = {
    "getPatient": {
        "operationId": "getPatient",
        "parameters": {"patient_id": "$response.body#/patient/id"},
    },
    "requestRecall": {
        "operationId": "requestRecall",
        "requestBody": {"patient_id": "$response.body#/patient/id"},
    },
}

UPSERT = Operation(
    method="POST",
    path=PREFIX,
    operation_id="upsertPatient",
    summary="Create or update a patient",
    description=(
        "The phone number identifies the patient within the practice: sending a number the "
        "practice already has updates that patient and returns the same id."
    ),
    tag="Patients",
    body=PatientUpsertRequest,
    responses={
        200: Answer("The patient as stored.", PatientUpserted, links=TO_PATIENT),
        404: error("The API key's practice no longer exists.", "Practice not found"),
        422: error(
            "The phone number is not a UK number, or not one that may be called.",
            "Only UK (+44) phone numbers can be called.",
            field="phone_number",
        ),
    },
)
LIST = Operation(
    method="GET",
    path=PREFIX,
    operation_id="listPatients",
    summary="List patients",
    tag="Patients",
    query=PatientListQuery,
    responses={200: Answer("A page of patients, most overdue first.", PatientPage)},
)
GET = Operation(
    method="GET",
    path=PREFIX + "/{patient_id}",
    operation_id="getPatient",
    summary="Read one patient, clinical notes included",
    tag="Patients",
    path_parameters=PATIENT_ID,
    responses={200: Answer("The patient.", PatientDetail), 404: NOT_FOUND},
)


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 patients routes."""
    api_route(app, UPSERT, upsert_patient)
    api_route(app, LIST, list_patients)
    api_route(app, GET, get_patient)
