"""Name resolution that the delivery connection trusts only after the policy has vetted it.

aiohttp asks this resolver for every connection, so the address a name resolved to is
the address connected to: a DNS answer that changes after the check cannot slip through.
"""

from __future__ import annotations

import asyncio
import socket
from ipaddress import ip_address
from typing import Protocol

from aiohttp.abc import AbstractResolver, ResolveResult

from sightsync.webhooks.domain.destinations import (
    DestinationPolicy,
    DestinationRefused,
    EndpointUrl,
    IPAddress,
)


class HostResolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[IPAddress]: ...


class SystemHostResolver:
    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            return []
        return list(dict.fromkeys(ip_address(info[4][0]) for info in infos))


async def vet_url(policy: DestinationPolicy, resolver: HostResolver, url: str) -> EndpointUrl:
    """Parse and resolve `url`; raise DestinationRefused unless every address is allowed."""
    parsed = policy.parse(url)
    literal = parsed.literal_address
    addresses = (
        [literal] if literal is not None else await resolver.resolve(parsed.host, parsed.port)
    )
    policy.vet(parsed, addresses)
    return parsed


class VettingResolver(AbstractResolver):
    """An aiohttp resolver that hands back only addresses the policy allows."""

    def __init__(self, resolver: HostResolver, policy: DestinationPolicy) -> None:
        self._resolver = resolver
        self._policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = await self._resolver.resolve(host, port)
        allowed = [a for a in addresses if self._policy.address_refusal(a) is None]
        if not allowed:
            raise DestinationRefused("resolved", "No address of the host may receive webhooks")
        return [
            ResolveResult(
                hostname=host,
                host=str(address),
                port=port,
                family=socket.AF_INET6 if address.version == 6 else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in allowed
        ]

    async def close(self) -> None:
        return None
