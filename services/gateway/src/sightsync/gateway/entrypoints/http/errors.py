"""JSON errors: every failure answers `{"error": "<message>", ...}` with the right status."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pymongo.errors import ConnectionFailure

from sightsync.common.logging import get_logger
from sightsync.gateway.entrypoints.http.context import REQUEST_ID

INTERNAL_ERROR_MESSAGE = "Internal error — please report to dev@sightsync.cloud"
UNAVAILABLE_MESSAGE = "Service temporarily unavailable, please retry"
RETRY_AFTER_SECONDS = "2"

log = get_logger(__name__)


class ApiError(Exception):
    """Raised anywhere in a request to answer with a JSON error."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra


def unavailable() -> ApiError:
    """The 503 for a dependency that did not answer in time: a retry soon may succeed."""
    return ApiError(503, UNAVAILABLE_MESSAGE, headers={"Retry-After": RETRY_AFTER_SECONDS})


def json_error(
    status: int, message: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status, headers=headers)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every failure into a JSON error; unexpected ones are logged under the request id."""
    try:
        return await handler(request)
    except ApiError as error:
        return json_error(error.status, error.message, headers=error.headers, **error.extra)
    except web.HTTPRequestEntityTooLarge:
        return json_error(413, "Request body too large (limit 64 KiB)")
    except web.HTTPMethodNotAllowed as error:
        return json_error(
            405,
            f"Method {request.method} not allowed on {request.path}",
            headers={"Allow": ", ".join(sorted(error.allowed_methods))},
        )
    except web.HTTPNotFound:
        return json_error(404, f"No route {request.method} {request.path}")
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return json_error(error.status, error.reason)
    except ConnectionFailure:
        # The gateway's own database (keys, rate limits, idempotency) is out of reach.
        log.warning("database_unavailable", method=request.method, route=_route_name(request))
        answer = unavailable()
        return json_error(answer.status, answer.message, headers=answer.headers)
    except Exception:
        log.exception("request_failed", method=request.method, route=_route_name(request))
        return json_error(500, INTERNAL_ERROR_MESSAGE, request_id=request.get(REQUEST_ID))


def _route_name(request: web.Request) -> str:
    info = request.match_info.route.resource
    return info.canonical if info is not None else "unmatched"
