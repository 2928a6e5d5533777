"""What each public route is, declared where the route is added: the OpenAPI document's source.

A route module calls `api_route(app, Operation(...), handler)`; the handler is routed as
usual and the operation is kept on the application, so the document describes exactly the
routes the gateway serves, with the pydantic models it validates and answers with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import BaseModel

from sightsync.gateway.entrypoints.http.schemas import Error

API_BASE = "/api/v1"


@dataclass(frozen=True)
class Answer:
    """One documented response: a description, and the body's model if it has one."""

    description: str
    model: type[BaseModel] | None = None
    content_type: str = "application/json"
    # Header names from the document's shared header components, each marked required or not.
    headers: Mapping[str, bool] = field(default_factory=dict)
    example: Mapping[str, Any] | None = None
    # OpenAPI link objects by name: how a value in this answer feeds another operation.
    links: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def error(
    description: str,
    message: str | None = None,
    *,
    headers: Mapping[str, bool] | None = None,
    **fields: Any,
) -> Answer:
    """An error response; `message` (and `fields`) make its example, as the API sends it."""
    example = {"error": message, **fields} if message is not None else None
    return Answer(description, Error, headers=headers or {}, example=example)


@dataclass(frozen=True)
class Operation:
    """An HTTP operation of the public API.

    `responses` lists what this operation answers beyond what every operation shares (401,
    429, 500 and 503 for authenticated ones; 400 with a query or body; 413 with a body).
    """

    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    responses: Mapping[int, Answer]
    description: str = ""
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    path_parameters: Mapping[str, str] = field(default_factory=dict)
    idempotency_key: bool = False
    public: bool = False

    @property
    def relative_path(self) -> str:
        """The path under the API base, as the document's `paths` lists it."""
        return self.path.removeprefix(API_BASE)


@dataclass
class OperationRegistry:
    """Every operation an application serves, in the order route modules added them."""

    operations: list[Operation] = field(default_factory=list)
    # Route templates answered without an API key (the API's own documentation).
    public_paths: set[str] = field(default_factory=set)


API_OPERATIONS = web.AppKey("api_operations", OperationRegistry)


def api_route(app: web.Application, operation: Operation, handler: Handler) -> None:
    """Route `handler` and record `operation` as its documentation."""
    if API_OPERATIONS not in app:
        app[API_OPERATIONS] = OperationRegistry()
    registry = app[API_OPERATIONS]
    if operation.method == "GET":
        app.router.add_get(operation.path, handler)  # HEAD too, as aiohttp does by default
    else:
        app.router.add_route(operation.method, operation.path, handler)
    registry.operations.append(operation)
    if operation.public:
        registry.public_paths.add(operation.path)


def public_path(app: web.Application, path: str) -> None:
    """Mark a route template served without an API key and outside the document (assets)."""
    if API_OPERATIONS not in app:
        app[API_OPERATIONS] = OperationRegistry()
    app[API_OPERATIONS].public_paths.add(path)


def is_public(request: web.Request) -> bool:
    """Whether the matched route needs no API key."""
    registry = request.app.get(API_OPERATIONS)
    resource = request.match_info.route.resource
    return (
        registry is not None
        and resource is not None
        and resource.canonical in registry.public_paths
    )


def operations_of(app: web.Application) -> tuple[Operation, ...]:
    registry = app.get(API_OPERATIONS)
    return tuple(registry.operations) if registry is not None else ()
