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
    return validate(model, data)


def parse_query(request: web.Request, model: type[ModelT]) -> ModelT:
    """Query parameters as `model` (repeated keys are not supported)."""
    return validate(model, dict(request.query))


def validate(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise ApiError(
            400,
            f"Invalid field '{field}': {first['msg']}",
            field=field,
            details=[
                {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                for e in error.errors()
            ],
        ) from None
