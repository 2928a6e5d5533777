"""The HTTP client the Twilio SDK talks through: one aiohttp session, header-based auth.

The SDK's own asynchronous client builds aiohttp's deprecated BasicAuth object on every
request; this one sends the same Authorization header directly and expands repeated
parameters (StatusCallbackEvent) the way Twilio's form encoding expects.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from twilio.http import AsyncHttpClient
from twilio.http.response import Response

_logger = logging.getLogger("twilio.http_client")


class AiohttpTwilioClient(AsyncHttpClient):  # type: ignore[misc]  # the SDK is untyped
    def __init__(self, timeout: float = 30.0) -> None:
        super().__init__(_logger, True, timeout)
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))

    async def request(
        self,
        method: str,
        uri: str,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        sent_headers = dict(headers or {})
        if auth is not None:
            sent_headers["Authorization"] = aiohttp.encode_basic_auth(auth[0], auth[1])
        async with self._session.request(
            method.upper(),
            uri,
            params=_pairs(params),
            data=_pairs(data) if data else None,
            headers=sent_headers,
            allow_redirects=allow_redirects,
            timeout=aiohttp.ClientTimeout(total=timeout) if timeout else None,
        ) as response:
            text = await response.text()
            return Response(response.status, text, dict(response.headers))

    async def close(self) -> None:
        await self._session.close()


def _pairs(values: Mapping[str, object] | None) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in (values or {}).items():
        items: list[Any] = list(value) if isinstance(value, list | tuple) else [value]
        pairs.extend((name, str(item)) for item in items if item is not None)
    return pairs
