"""/api/v1/openapi.json, /api/v1/asyncapi.json and /api/v1/docs: the API describing itself.

The reference page is Swagger UI served from the gateway's own package data, so it works
on a network with no way out. None of these routes needs an API key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from importlib.resources.abc import Traversable

from aiohttp import web
from aiohttp.typedefs import Handler

from sightsync.common import asyncapi
from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.openapi import render
from sightsync.gateway.entrypoints.http.operations import (
    Answer,
    Operation,
    api_route,
    operations_of,
    public_path,
)

OPENAPI_PATH = "/api/v1/openapi.json"
ASYNCAPI_PATH = "/api/v1/asyncapi.json"
DOCS_PATH = "/api/v1/docs"
ASSETS_PATH = DOCS_PATH + "/assets"
TAG = "Documentation"

# The Swagger UI files the page loads (and their source maps, for a browser's devtools).
SWAGGER_UI_FILES = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui.css.map",
        "swagger-ui-bundle.js",
        "swagger-ui-bundle.js.map",
        "favicon-32x32.png",
        "favicon-16x16.png",
    }
)
INITIALIZER = "sightsync-docs.js"
# Everything the page needs comes from here; Swagger UI sets inline styles and shows
# images as data: URLs. "Try it out" calls this API, which is also here.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)
ASSET_MAX_AGE_SECONDS = 3600

PAGE = f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>SightSync API reference</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="{ASSETS_PATH}/swagger-ui-bundle.js" charset="utf-8"></script>
    <script src="{ASSETS_PATH}/{INITIALIZER}" charset="utf-8"></script>
  </body>
</html>
"""

# validatorUrl null: the default badge would ask a public validator about our document.
INITIALIZER_SCRIPT = f"""window.addEventListener("load", function () {{
  window.ui = SwaggerUIBundle({{
    url: {json.dumps(OPENAPI_PATH)},
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  }});
}});
"""

OPENAPI = Operation(
    method="GET",
    path=OPENAPI_PATH,
    operation_id="getOpenApiDocument",
    summary="This API as an OpenAPI 3.1 document",
    tag=TAG,
    public=True,
    responses={200: Answer("The OpenAPI document.")},
)
ASYNCAPI = Operation(
    method="GET",
    path=ASYNCAPI_PATH,
    operation_id="getAsyncApiDocument",
    summary="The events SightSync publishes, as an AsyncAPI 3 document",
    tag=TAG,
    public=True,
    responses={200: Answer("The AsyncAPI document.")},
)
DOCS = Operation(
    method="GET",
    path=DOCS_PATH,
    operation_id="getApiReference",
    summary="This reference, rendered",
    tag=TAG,
    public=True,
    responses={
        200: Answer("An HTML page; its assets come from this server.", content_type="text/html")
    },
)


def swagger_ui_directory() -> Traversable:
    """The Swagger UI distribution inside the installed bundle package."""
    vendor = resources.files("swagger_ui_bundle") / "vendor"
    [directory] = [entry for entry in vendor.iterdir() if entry.name.startswith("swagger-ui-")]
    return directory


def _cached_json(build: Callable[[], str]) -> Handler:
    """A handler answering `build()`'s JSON, built on the first request and then kept."""
    body: list[bytes] = []

    async def handler(request: web.Request) -> web.Response:
        if not body:
            body.append(build().encode())
        return web.Response(body=body[0], content_type="application/json")

    return handler


async def docs_page(request: web.Request) -> web.Response:
    return web.Response(
        text=PAGE, content_type="text/html", headers={"Content-Security-Policy": PAGE_POLICY}
    )


def _asset_handler(directory: Traversable) -> Handler:
    # A few megabytes, read once: a blocking read per request would stall the event loop.
    loaded: dict[str, bytes] = {}

    async def asset(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        headers = {"Cache-Control": f"public, max-age={ASSET_MAX_AGE_SECONDS}"}
        if name == INITIALIZER:
            return web.Response(
                text=INITIALIZER_SCRIPT, content_type="text/javascript", headers=headers
            )
        if name not in SWAGGER_UI_FILES:
            raise ApiError(404, "No such documentation asset")
        if name not in loaded:
            loaded[name] = (directory / name).read_bytes()
        return web.Response(
            body=loaded[name],
            content_type=_content_type(name),
            headers=headers,
        )

    return asset


def _content_type(name: str) -> str:
    if name.endswith(".css"):
        return "text/css"
    if name.endswith(".js"):
        return "text/javascript"
    if name.endswith(".png"):
        return "image/png"
    return "application/json"


def add_routes(app: web.Application) -> None:
    """Registers the documentation routes, all public."""
    api_route(app, OPENAPI, _cached_json(lambda: render(operations_of(app))))
    api_route(app, ASYNCAPI, _cached_json(asyncapi.render))
    api_route(app, DOCS, docs_page)
    app.router.add_get(ASSETS_PATH + "/{name}", _asset_handler(swagger_ui_directory()))
    public_path(app, ASSETS_PATH + "/{name}")
