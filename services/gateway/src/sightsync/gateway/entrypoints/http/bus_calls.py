"""Turning an HTTP request into a request on the bus and its reply into a result or error."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sightsync.common.bus.connection import BusUnavailable
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Request
from sightsync.gateway.entrypoints.http.context import (
    GATEWAY,
    authenticated_practice_id,
    request_id,
)
from sightsync.gateway.entrypoints.http.errors import ApiError, unavailable

log = get_logger(__name__)


async def ask(request: web.Request, message: Request) -> dict[str, Any]:
    """Send `message` for the caller's practice and return the result, or raise ApiError."""
    gateway = request.app[GATEWAY]
    try:
        reply = await gateway.bus.request(
            message,
            correlation_id=request_id(request),
            practice_id=authenticated_practice_id(request),
        )
    except BusUnavailable:
        log.warning("backend_unavailable", message_type=message.message_type)
        raise unavailable() from None
    if reply.ok:
        return reply.result or {}
    assert reply.error is not None
    raise ApiError(reply.error.status, reply.error.message, **reply.error.details)
