"""The error middleware's answers to failures no route raises on purpose."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pymongo.errors import ServerSelectionTimeoutError

from sightsync.gateway.entrypoints.http.errors import UNAVAILABLE_MESSAGE, error_middleware


async def test_an_unreachable_database_is_a_503_to_retry_not_a_500() -> None:
    async def needs_the_database(request: web.Request) -> web.Response:
        raise ServerSelectionTimeoutError("no servers found")

    app = web.Application(middlewares=[error_middleware])
    app.router.add_get("/api/v1/patients", needs_the_database)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/api/v1/patients")

        assert response.status == 503
        assert response.headers["Retry-After"] == "2"
        assert await response.json() == {"error": UNAVAILABLE_MESSAGE}
