"""What route handlers reach through the application and the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from sightsync.common.bus.connection import Bus
from sightsync.common.clock import Clock
from sightsync.gateway.adapters.idempotency import MongoIdempotencyStore


@dataclass(frozen=True)
class GatewayContext:
    bus: Bus
    clock: Clock
    idempotency: MongoIdempotencyStore | None = None
    idempotency_lease: timedelta = timedelta(seconds=30)


@dataclass(frozen=True)
class Caller:
    """Who is asking: the API key that authenticated the request and its practice."""

    api_key_id: str
    practice_id: str


GATEWAY = web.AppKey("gateway", GatewayContext)
REQUEST_ID = web.RequestKey("request_id", str)
CALLER = web.RequestKey("caller", Caller)


def request_id(request: web.Request) -> str:
    return request[REQUEST_ID]


def authenticated_caller(request: web.Request) -> Caller:
    return request[CALLER]


def authenticated_practice_id(request: web.Request) -> str:
    """The practice of the API key that authenticated this request."""
    return request[CALLER].practice_id
