"""The OpenAPI 3.1 document of the public API, built from the operations the routes declare.

Schemas come from the same pydantic models the gateway validates requests with and answers
with, so the document cannot drift from the code. `python -m
sightsync.gateway.entrypoints.http.openapi` prints it; `docs/openapi.json` is the committed
copy and a test fails when it is stale.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from sightsync.gateway.entrypoints.http import openapi_parts as parts
from sightsync.gateway.entrypoints.http.operations import API_BASE, Answer, Operation
from sightsync.gateway.entrypoints.http.schemas import Error

SCHEMA_REF = "#/components/schemas/{model}"
_PATH_PARAMETER = re.compile(r"{(\w+)}")


def build_document(operations: Sequence[Operation]) -> dict[str, Any]:
    """The OpenAPI 3.1 document describing `operations`."""
    model_refs, definitions = _schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        item = paths.setdefault(operation.relative_path, {})
        item[operation.method.lower()] = _operation(operation, model_refs)
    return {
        "openapi": "3.1.0",
        "info": parts.INFO,
        "servers": [{"url": API_BASE, "description": "This deployment"}],
        "security": [{parts.SECURITY_SCHEME: []}],
        "tags": [tag for tag in parts.TAGS if any(op.tag == tag["name"] for op in operations)],
        "paths": paths,
        "components": {
            "schemas": definitions,
            "headers": parts.HEADERS,
            "securitySchemes": {parts.SECURITY_SCHEME: parts.BEARER},
        },
    }


def render(operations: Sequence[Operation]) -> str:
    """The document as stable, indented JSON."""
    return json.dumps(build_document(operations), indent=2, ensure_ascii=False) + "\n"


ModelKey = tuple[type[BaseModel], JsonSchemaMode]


def _schemas(
    operations: Iterable[Operation],
) -> tuple[dict[ModelKey, dict[str, Any]], dict[str, Any]]:
    """Every body and response model as a component: requests as validated, answers as sent."""
    keys: dict[ModelKey, None] = {(Error, "serialization"): None}
    for operation in operations:
        if operation.body is not None:
            keys[(operation.body, "validation")] = None
        for answer in operation.responses.values():
            if answer.model is not None:
                keys[(answer.model, "serialization")] = None
    refs, top = models_json_schema(list(keys), ref_template=SCHEMA_REF)
    return {key: refs[key] for key in keys}, dict(top.get("$defs", {}))


def _operation(operation: Operation, refs: dict[ModelKey, dict[str, Any]]) -> dict[str, Any]:
    described: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "tags": [operation.tag],
    }
    if operation.description:
        described["description"] = operation.description
    parameters = [*_path_parameters(operation), *_query_parameters(operation.query)]
    if operation.idempotency_key:
        parameters.append(parts.IDEMPOTENCY_KEY)
    if parameters:
        described["parameters"] = parameters
    if operation.body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(operation.body, "validation")]}},
        }
    described["responses"] = {
        str(status): _response(status, answer, refs, public=operation.public)
        for status, answer in sorted(_all_responses(operation).items())
    }
    if operation.public:
        described["security"] = []
    return described


def _all_responses(operation: Operation) -> dict[int, Answer]:
    """The operation's own responses plus those every operation of its kind can give."""
    shared: dict[int, Answer] = {500: parts.INTERNAL_ERROR}
    if not operation.public:
        shared |= {401: parts.UNAUTHENTICATED, 429: parts.RATE_LIMITED, 503: parts.UNAVAILABLE}
    if operation.query is not None or operation.body is not None or operation.idempotency_key:
        shared[400] = parts.INVALID_REQUEST
    if operation.body is not None:
        shared[413] = parts.TOO_LARGE
    return shared | dict(operation.responses)


def _response(
    status: int, answer: Answer, refs: dict[ModelKey, dict[str, Any]], *, public: bool
) -> dict[str, Any]:
    headers = {"X-Request-Id": True, "RateLimit-Policy": True}
    if not public and status != 401:
        headers["RateLimit"] = False
    if status in parts.STATUS_HEADERS:
        headers |= parts.STATUS_HEADERS[status]
    headers |= answer.headers
    response: dict[str, Any] = {
        "description": answer.description,
        "headers": {name: parts.header(name, required) for name, required in headers.items()},
    }
    if answer.links:
        response["links"] = {name: dict(link) for name, link in answer.links.items()}
    if answer.model is not None:
        media: dict[str, Any] = {"schema": refs[(answer.model, "serialization")]}
        if answer.example is not None:
            media["example"] = dict(answer.example)
        response["content"] = {answer.content_type: media}
    elif answer.content_type != "application/json":
        response["content"] = {answer.content_type: {"schema": {"type": "string"}}}
    elif status != 204:
        response["content"] = {answer.content_type: {"schema": {"type": "object"}}}
    return response


def _path_parameters(operation: Operation) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": operation.path_parameters.get(name, ""),
            "schema": {"type": "string"},
        }
        for name in _PATH_PARAMETER.findall(operation.relative_path)
    ]


def _query_parameters(model: type[BaseModel] | None) -> list[dict[str, Any]]:
    """One parameter per field of the query model, with the field's own schema."""
    if model is None:
        return []
    schema = model.model_json_schema(ref_template=SCHEMA_REF, mode="validation")
    if schema.get("$defs"):
        raise ValueError(f"{model.__name__}: query fields must be plain values")
    required = set(schema.get("required", []))
    parameters = []
    for name, field_schema in schema["properties"].items():
        field_schema = _without_null(field_schema)
        field_schema.pop("title", None)
        description = field_schema.pop("description", "")
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": description,
                "schema": field_schema,
            }
        )
    return parameters


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query value is absent rather than null; keep only the non-null branch."""
    branches = schema.get("anyOf")
    if not branches:
        return dict(schema)
    kept = [branch for branch in branches if branch != {"type": "null"}]
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    if rest.get("default", "") is None:
        del rest["default"]
    if len(kept) == 1:
        return {**kept[0], **rest}
    return {**rest, "anyOf": kept}


def main() -> None:
    # Imported here: the documentation routes import this module.
    from sightsync.gateway.entrypoints.http.routes import application_operations

    sys.stdout.write(render(application_operations()))


if __name__ == "__main__":
    main()
