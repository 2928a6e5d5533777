"""What every operation of the OpenAPI document shares: info, tags, headers, common errors."""

from __future__ import annotations

from typing import Any

from sightsync.gateway.domain.idempotency import HEADER as IDEMPOTENCY_HEADER
from sightsync.gateway.entrypoints.http.errors import INTERNAL_ERROR_MESSAGE
from sightsync.gateway.entrypoints.http.operations import Answer, error

SECURITY_SCHEME = "ApiKey"
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": (
        "An API key issued to the practice (`sightsync-admin keys create`), sent as "
        "`Authorization: Bearer <key>`. Every key belongs to one practice and sees only it."
    ),
}

INFO: dict[str, Any] = {
    "title": "SightSync API",
    "version": "1.0.0",
    "summary": "Recall patients due an eye test with compliant AI voice calls.",
    "description": (
        "Practice management systems push their patients, ask for recall calls and read "
        "what came of them: calls, transcripts, booked appointments and usage.\n\n"
        "**Authentication**: `Authorization: Bearer <API key>` on every operation except "
        "this documentation.\n\n"
        '**Errors** are JSON, always `{"error": "<message>"}`, with more fields where '
        "they help (`field` and `details` on 400, `next_allowed_at` and `reason` on 425, "
        "`calls_used` and `monthly_limit` on the monthly-limit 429, `request_id` on 500).\n\n"
        "**Rate limit**: a fixed window per API key. Every answer carries `RateLimit-Policy`; "
        "counted ones carry `RateLimit` (remaining requests and seconds to the window's end); "
        "a 429 carries `Retry-After`.\n\n"
        "**Retries**: `POST /recall` takes an `Idempotency-Key`; a retry with the same key "
        "and body replays the first answer instead of ringing twice.\n\n"
        "**Time**: instants are ISO 8601 UTC with `Z`; dates and diary times are UK "
        "wall-clock values. Calls ring only within the UK calling window (425 outside it).\n\n"
        "**Webhooks**: register endpoints under `/webhook_endpoints` to receive "
        "`call.completed`, `call.failed`, `appointment.booked`, `appointment.updated` and "
        "`patient.opted_out`, signed per Standard Webhooks. The bus events they come from "
        "are described by the AsyncAPI document at `/api/v1/asyncapi.json`."
    ),
    "contact": {"name": "SightSync support", "email": "dev@sightsync.cloud"},
}

TAGS: list[dict[str, str]] = [
    {"name": "Patients", "description": "The practice's patients; the phone number is the key."},
    {"name": "Recall", "description": "Ask for a recall call; UK calling rules decide."},
    {"name": "Calls", "description": "Recall calls and how they went."},
    {"name": "Appointments", "description": "Appointments the calls booked."},
    {"name": "Usage", "description": "Calls against the plan this UK month."},
    {"name": "Webhook endpoints", "description": "Signed webhooks to the practice's systems."},
    {"name": "Documentation", "description": "This reference; no API key needed."},
]

_HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": {
        "description": "This request's id; quote it to support.",
        "schema": {"type": "string", "pattern": "^req_", "examples": ["req_01JNQ9E6F7G8H9J0"]},
    },
    "RateLimit-Policy": {
        "description": 'The rate limit: `"default";q=<requests>;w=<seconds>`.',
        "schema": {"type": "string", "examples": ['"default";q=120;w=60']},
    },
    "RateLimit": {
        "description": 'Where the key stands: `"default";r=<remaining>;t=<seconds to reset>`.',
        "schema": {"type": "string", "examples": ['"default";r=57;t=23']},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "string", "pattern": "^[0-9]+$", "examples": ["2"]},
    },
    "WWW-Authenticate": {
        "description": "How to authenticate: a bearer API key.",
        "schema": {"type": "string", "examples": ['Bearer realm="sightsync"']},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}
# The headers as components, each in the form most answers carry it.
_USUALLY_REQUIRED = {"X-Request-Id", "RateLimit-Policy", "WWW-Authenticate"}
HEADERS: dict[str, dict[str, Any]] = {
    name: {**spec, "required": name in _USUALLY_REQUIRED} for name, spec in _HEADERS.items()
}


def header(name: str, required: bool) -> dict[str, Any]:
    """A reference to the shared header, or the header inline when required differs."""
    if HEADERS[name]["required"] == required:
        return {"$ref": f"#/components/headers/{name}"}
    return {**HEADERS[name], "required": required}


STATUS_HEADERS: dict[int, dict[str, bool]] = {
    401: {"WWW-Authenticate": True},
    # The rate limit's 429 says when to retry; recall's spacing 429 gives next_allowed_at.
    429: {"Retry-After": False},
    503: {"Retry-After": True},
}

IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Any 1 to 255 visible ASCII characters, usually a UUID. A retry with the same key and "
        "body answers what the first request answered (with `Idempotent-Replayed: true`); the "
        "same key with another body is a 422. Keys are kept for 24 hours."
    ),
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
    "example": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f",
}

INTERNAL_ERROR = error(
    "Something failed on our side; quote `request_id` to support.",
    INTERNAL_ERROR_MESSAGE,
    request_id="req_01JNQ9E6F7G8H9J0K1M2N3P4Q5",
)
UNAUTHENTICATED = error(
    "No API key, or one that is unknown or revoked.", "Missing or invalid API key"
)
RATE_LIMITED: Answer = error(
    "Too many requests with this key in the current minute; retry after `Retry-After`.",
    "Rate limit exceeded: 120 requests per minute",
    reset="2026-03-03T10:01:00Z",
)
UNAVAILABLE = error(
    "A backend service did not answer in time; retry after `Retry-After`.",
    "Service temporarily unavailable, please retry",
)
INVALID_REQUEST = error(
    "The request is malformed: `field` names the first problem, `details` lists them all.",
    "Invalid field 'phone_number': Field required",
    field="phone_number",
    details=[{"field": "phone_number", "message": "Field required"}],
)
TOO_LARGE = error(
    "The body is over the size limit (64 KiB).", "Request body too large (limit 64 KiB)"
)
