"""Parsing request bodies and query strings into pydantic models, with 400s that name fields."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from sightsync.gateway.entrypoints.http.errors import ApiError

ModelT = TypeVar("ModelT", bound=BaseModel)


async def parse_body(request: web.Request, model: type[ModelT]) -> ModelT:
    """The JSON body as `model`; 400 for malformed JSON or invalid fields, 413 when too big."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request body too large (limit 64 KiB)") from None
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        raise ApiError(400, "Malformed JSON body") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Request body must be a JSON object")
    # JSON mode: strict models then take ISO dates from strings yet refuse 1 for "1".
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise _invalid(error) from None


def parse_query(request: web.Request, model: type[ModelT]) -> ModelT:
    """Query parameters as `model` (repeated keys are not supported)."""
    return validate(model, dict(request.query))


def validate(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _invalid(error) from None


def _invalid(error: ValidationError) -> ApiError:
    """A 400 naming the first offending field, with every problem listed in `details`."""
    problems = error.errors()
    field = ".".join(str(part) for part in problems[0]["loc"]) or "body"
    return ApiError(
        400,
        f"Invalid field '{field}': {problems[0]['msg']}",
        field=field,
        details=[
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in problems
        ],
    )
