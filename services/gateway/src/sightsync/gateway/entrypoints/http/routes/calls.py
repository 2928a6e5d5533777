"""/api/v1/calls: recall calls and how they went, as outcomes saw them."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sightsync.common.messages.outcomes import GetCall, ListCalls
from sightsync.common.messages.recall import GetRecallEligibility
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.operations import Answer, Operation, api_route, error
from sightsync.gateway.entrypoints.http.schemas_outcomes import Call, CallListQuery, CallPage
from sightsync.gateway.entrypoints.http.validation import parse_query

PREFIX = "/api/v1/calls"


async def get_call(request: web.Request) -> web.Response:
    practice_id = authenticated_practice_id(request)
    result = await ask(
        request, GetCall(practice_id=practice_id, call_id=request.match_info["call_id"])
    )
    call: dict[str, Any] = result["call"]
    call["next_allowed_at"] = await _next_allowed_at(request, practice_id, call["patient_id"])
    return web.json_response(call)


async def list_calls(request: web.Request) -> web.Response:
    query = parse_query(request, CallListQuery)
    result = await ask(
        request, ListCalls(practice_id=authenticated_practice_id(request), **query.model_dump())
    )
    # No next_allowed_at here: it would be a question to compliance per patient per page.
    return web.json_response(
        {
            "calls": result["calls"],
            "total": result["total"],
            "limit": query.limit,
            "offset": query.offset,
        }
    )


async def _next_allowed_at(request: web.Request, practice_id: str, patient_id: str) -> Any:
    try:
        eligibility = await ask(
            request, GetRecallEligibility(practice_id=practice_id, patient_id=patient_id)
        )
    except ApiError as error:
        # The call happened even if compliance no longer has the patient; anything else,
        # such as compliance not answering, is the caller's to retry.
        if error.status == 404:
            return None
        raise
    return eligibility.get("next_allowed_at")


LIST = Operation(
    method="GET",
    path=PREFIX,
    operation_id="listCalls",
    summary="List recall calls",
    tag="Calls",
    query=CallListQuery,
    responses={200: Answer("A page of calls, newest first.", CallPage)},
)
GET = Operation(
    method="GET",
    path=PREFIX + "/{call_id}",
    operation_id="getCall",
    summary="Read one call with its transcript",
    tag="Calls",
    path_parameters={"call_id": "The id POST /recall answered with (`c_…`)."},
    responses={
        200: Answer("The call, its transcript and when the patient may next be rung.", Call),
        404: error("No call with this id in the practice.", "Call not found"),
    },
)


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 calls routes."""
    api_route(app, LIST, list_calls)
    api_route(app, GET, get_call)
