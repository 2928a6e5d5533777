"""POSTs one signed webhook and reports what happened; it never follows a redirect."""

from __future__ import annotations

import time
from dataclasses import dataclass

import aiohttp

from sightsync.webhooks.adapters.resolver import HostResolver, VettingResolver, vet_url
from sightsync.webhooks.domain.destinations import DestinationPolicy, DestinationRefused

USER_AGENT = "SightSync-Webhooks/1"


@dataclass(frozen=True)
class SendResult:
    outcome: str  # succeeded | http_error | timeout | connection_error | refused
    status_code: int | None
    latency_ms: float
    error: str | None = None


class AiohttpWebhookSender:
    def __init__(
        self,
        policy: DestinationPolicy,
        resolver: HostResolver,
        *,
        timeout_seconds: float,
        max_connections: int,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(
            resolver=VettingResolver(self._resolver, self._policy),
            use_dns_cache=False,
            limit=self._max_connections,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            headers={"User-Agent": USER_AGENT},
            trust_env=False,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
        if self._session is None:
            raise RuntimeError("the sender was not started")
        started = time.perf_counter()
        try:
            # Checked again on every attempt: the name may resolve elsewhere since it was saved.
            await vet_url(self._policy, self._resolver, url)
            async with self._session.post(
                url,
                data=body,
                headers={**headers, "Content-Type": "application/json"},
                allow_redirects=False,
            ) as response:
                status = response.status
        except DestinationRefused as refused:
            return SendResult("refused", None, _since(started), refused.reason)
        except TimeoutError:
            return SendResult("timeout", None, _since(started), "timeout")
        except (aiohttp.ClientError, OSError) as error:
            if _refused(error):
                return SendResult("refused", None, _since(started), "resolved")
            return SendResult("connection_error", None, _since(started), type(error).__name__)
        outcome = "succeeded" if 200 <= status < 300 else "http_error"
        return SendResult(outcome, status, _since(started))


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _refused(error: BaseException) -> bool:
    """True when aiohttp wrapped our resolver's refusal in a connection error."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, DestinationRefused):
            return True
        seen = getattr(seen, "os_error", None) or seen.__cause__
    return False
