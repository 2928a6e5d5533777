"""/api/v1/recall: ask compliance to accept a recall call, at most once per Idempotency-Key."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from sightsync.common.messages.recall import RequestRecall
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.idempotency import Outcome, run_once
from sightsync.gateway.entrypoints.http.operations import Answer, Operation, api_route, error
from sightsync.gateway.entrypoints.http.schemas import RecallAccepted, RecallRequest
from sightsync.gateway.entrypoints.http.validation import parse_body

PATH = "/api/v1/recall"


async def request_recall(request: web.Request) -> web.Response:
    body = await parse_body(request, RecallRequest)
    return await run_once(request, partial(_decide, request, body.patient_id))


async def _decide(request: web.Request, patient_id: str, idempotency_key: str | None) -> Outcome:
    """Compliance's answer as (status, body); its refusals are answers too, kept for replay."""
    message = RequestRecall(
        practice_id=authenticated_practice_id(request),
        patient_id=patient_id,
        idempotency_key=idempotency_key,
    )
    try:
        result = await ask(request, message)
    except ApiError as refusal:
        if refusal.status >= 500:
            raise
        return refusal.status, {"error": refusal.message, **refusal.extra}
    accepted = RecallAccepted(call_id=result["call_id"], patient_id=result["patient_id"])
    return 202, accepted.model_dump(mode="json")


RECALL = Operation(
    method="POST",
    path=PATH,
    operation_id="requestRecall",
    summary="Ask for a recall call to a patient now",
    description=(
        "Compliance checks every UK calling rule atomically: subscription, opt-out, the "
        "number, the TPS register, the calling window (09:00–18:00 UK, weekdays, not bank "
        "holidays), call spacing (24 hours; 3 calls in 30 days) and the monthly allowance. "
        "Accepted calls ring within seconds; the outcome arrives on GET /calls/{call_id} and "
        "as webhooks. Refusals (4xx) are answers too: they are replayed for the same "
        "Idempotency-Key. A 503 does not say the call was not accepted (compliance may "
        "have decided after the gateway stopped waiting): retry with the same "
        "Idempotency-Key to get the call if it was."
    ),
    tag="Recall",
    body=RecallRequest,
    idempotency_key=True,
    responses={
        202: Answer(
            "Accepted: the call is being placed.",
            RecallAccepted,
            headers={"Idempotent-Replayed": False},
            links={
                "getCall": {
                    "operationId": "getCall",
                    "parameters": {"call_id": "$response.body#/call_id"},
                }
            },
        ),
        402: error(
            "The practice's subscription does not allow calls.",
            "The practice's subscription does not allow calls; update billing to resume.",
        ),
        404: error("No patient with this id in the practice.", "Patient not found"),
        409: error(
            "The patient has opted out of calls, or a request with this Idempotency-Key is "
            "still in progress (with Retry-After).",
            "The patient has opted out of calls.",
            headers={"Retry-After": False},
        ),
        422: error(
            "The patient's number may not be called, or the Idempotency-Key was used with "
            "another body.",
            "Idempotency-Key was already used with a different request body",
        ),
        425: error(
            "Outside the UK calling window: `reason` says why (weekend, bank_holiday, "
            "before_hours, after_hours) and `next_allowed_at` when a call may ring.",
            "Calls are placed from 09:00 UK time.",
            reason="before_hours",
            next_allowed_at="2026-03-03T09:00:00Z",
        ),
        429: error(
            "Too soon after the last calls to this patient (`next_allowed_at`), the monthly "
            "allowance is used up (`calls_used`, `monthly_limit`), or the API key's rate "
            "limit is exceeded (`Retry-After`, `reset`).",
            "The patient was called less than 24 hours ago.",
            next_allowed_at="2026-03-04T10:00:00Z",
        ),
        451: error(
            "The number is on the TPS/CTPS register.",
            "The number is registered with the Telephone Preference Service.",
        ),
    },
)


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 recall routes."""
    api_route(app, RECALL, request_recall)
