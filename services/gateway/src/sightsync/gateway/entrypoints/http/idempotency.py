"""Running a POST at most once per `Idempotency-Key`, replaying its answer to retries."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sightsync.common.logging import get_logger
from sightsync.gateway.domain.idempotency import (
    HEADER,
    Verdict,
    fingerprint,
    is_valid_key,
    judge,
    scoped_key,
)
from sightsync.gateway.entrypoints.http.context import GATEWAY, authenticated_caller
from sightsync.gateway.entrypoints.http.errors import ApiError

Outcome = tuple[int, dict[str, Any]]
# Receives the scoped key (or None without the header) to pass on to the backend.
Operation = Callable[[str | None], Awaitable[Outcome]]

log = get_logger(__name__)


async def run_once(request: web.Request, operation: Operation) -> web.Response:
    """Run `operation`, or replay what it answered to an earlier request with the same key.

    Only answers below 500 are kept: after a 5xx or a timeout the key is released so a
    retry runs again, and the backend's own idempotency makes that retry safe.
    """
    header = request.headers.get(HEADER)
    if header is None:
        status, body = await operation(None)
        return web.json_response(body, status=status)
    if not is_valid_key(header):
        raise ApiError(400, f"{HEADER} must be 1 to 255 visible ASCII characters", field=HEADER)

    gateway = request.app[GATEWAY]
    store = gateway.idempotency
    if store is None:
        raise RuntimeError("idempotency keys need a store")
    key = scoped_key(authenticated_caller(request).api_key_id, header)
    request_print = fingerprint(request.method, request.path, json.loads(await request.read()))

    existing = await store.begin(key, request_print)
    if existing is not None:
        verdict = judge(existing, request_print, gateway.clock.now(), gateway.idempotency_lease)
        log.info("idempotency_key_seen", verdict=verdict.value)
        if verdict is Verdict.MISMATCH:
            raise ApiError(422, f"{HEADER} was already used with a different request body")
        if verdict is Verdict.REPLAY:
            assert existing.status is not None and existing.body is not None
            return web.json_response(
                existing.body, status=existing.status, headers={"Idempotent-Replayed": "true"}
            )
        if verdict is Verdict.IN_FLIGHT or not await store.take_over(existing):
            raise ApiError(
                409,
                f"A request with this {HEADER} is still in progress",
                headers={"Retry-After": "1"},
            )

    try:
        status, body = await operation(key)
    except Exception:
        await store.abandon(key)
        raise
    await store.complete(key, status, body)
    return web.json_response(body, status=status)
