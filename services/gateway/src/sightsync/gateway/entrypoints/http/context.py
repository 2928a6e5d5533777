"""What route handlers reach through the application and the request."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import Clock


@dataclass(frozen=True)
class GatewayContext:
    bus: Bus
    clock: Clock


GATEWAY = web.AppKey("gateway", GatewayContext)


def authenticated_practice_id(request: web.Request) -> str:
    """The practice of the API key that authenticated this request."""
    practice_id: str = request["practice_id"]
    return practice_id
