"""Authentication and the shared rate limit, in front of every /api route.

Routing comes first: an unknown route or method answers 404/405 without touching the key
store. The API's own documentation (routes declared public) needs no key and is not
counted. Every /api answer carries `RateLimit-Policy`; counted ones also carry `RateLimit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from sightsync.common.clock import isoformat_z
from sightsync.common.logging import get_logger
from sightsync.gateway.domain.api_keys import bearer_token
from sightsync.gateway.domain.rate_limit import (
    RateLimitPolicy,
    RateLimitStatus,
    policy_header,
    ratelimit_header,
)
from sightsync.gateway.entrypoints.http.auth import ApiKeyAuthenticator
from sightsync.gateway.entrypoints.http.context import CALLER
from sightsync.gateway.entrypoints.http.errors import ApiError
from sightsync.gateway.entrypoints.http.operations import is_public

API_PATH_PREFIX = "/api/"
RATE_LIMIT = web.RequestKey("rate_limit", RateLimitStatus)

log = get_logger(__name__)


class RateLimiter(Protocol):
    policy: RateLimitPolicy

    async def hit(self, subject: str) -> RateLimitStatus: ...


@dataclass(frozen=True)
class ApiGuard:
    authenticator: ApiKeyAuthenticator
    limiter: RateLimiter

    def outer_middleware(self) -> Middleware:
        """Adds the rate-limit header fields to the finished response, errors included."""
        policy = policy_header(self.limiter.policy)

        @web.middleware
        async def rate_limit_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
            response = await handler(request)
            if request.path.startswith(API_PATH_PREFIX):
                response.headers["RateLimit-Policy"] = policy
                status = request.get(RATE_LIMIT)
                if status is not None:
                    response.headers["RateLimit"] = ratelimit_header(status)
            return response

        return rate_limit_headers

    def inner_middleware(self) -> Middleware:
        """Authenticates the caller, binds it to the logs, then counts the request."""

        @web.middleware
        async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
            if (
                not request.path.startswith(API_PATH_PREFIX)
                or _unrouted(request)
                or is_public(request)
            ):
                return await handler(request)
            token = bearer_token(request.headers.get("Authorization"))
            caller = await self.authenticator.authenticate(token) if token else None
            if caller is None:
                log.info("request_unauthenticated", has_header="Authorization" in request.headers)
                raise ApiError(
                    401,
                    "Missing or invalid API key",
                    headers={"WWW-Authenticate": 'Bearer realm="sightsync"'},
                )
            request[CALLER] = caller
            with structlog.contextvars.bound_contextvars(
                practice_id=caller.practice_id, api_key_id=caller.api_key_id
            ):
                await self._count(request, caller.api_key_id)
                return await handler(request)

        return authenticate

    async def _count(self, request: web.Request, api_key_id: str) -> None:
        status = await self.limiter.hit(api_key_id)
        request[RATE_LIMIT] = status
        if status.allowed:
            return
        log.info("rate_limited", used=status.used, limit=status.policy.limit)
        raise ApiError(
            429,
            f"Rate limit exceeded: {status.policy.limit} requests per minute",
            headers={"Retry-After": str(status.reset_seconds)},
            reset=isoformat_z(status.reset_at),
        )


def _unrouted(request: web.Request) -> bool:
    return request.match_info.http_exception is not None
