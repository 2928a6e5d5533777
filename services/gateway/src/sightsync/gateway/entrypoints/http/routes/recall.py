"""/api/v1/recall: ask compliance to accept a recall call, at most once per Idempotency-Key."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from sightsync.common.messages.recall import RequestRecall
from sightsync.gateway.entrypoints.http.bus_calls import ask
from sightsync.gateway.entrypoints.http.context import authenticated_practice_id
from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.idempotency import Outcome, run_once
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


def add_routes(app: web.Application) -> None:
    """Registers the /api/v1 recall routes."""
    app.router.add_post(PATH, request_recall)
