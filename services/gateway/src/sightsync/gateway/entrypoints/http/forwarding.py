"""Which client and scheme a request really came from, behind a reverse proxy.

`X-Forwarded-For` and `X-Forwarded-Proto` are believed only when the peer is a trusted
proxy (TRUSTED_PROXIES, comma-separated addresses or CIDR blocks); otherwise anyone could
claim to be any address or to have used TLS. With FORCE_HTTPS, plain HTTP is redirected
with 308 so the method and body are kept.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

CLIENT_IP = web.RequestKey("client_ip", str)

# Probes and scrapers reach pods directly over plain HTTP.
_NEVER_REDIRECTED = frozenset({"/healthz", "/readyz", "/metrics"})


def parse_trusted_proxies(text: str) -> tuple[IpNetwork, ...]:
    """Parse TRUSTED_PROXIES; raises ValueError naming the bad entry."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ValueError(f"TRUSTED_PROXIES entry {entry!r} is not an address") from error
    return tuple(networks)


def _is_trusted(address: str | None, trusted: Iterable[IpNetwork]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(
    peer: str | None, forwarded_for: str, trusted: tuple[IpNetwork, ...]
) -> str | None:
    """The first address, walking back from the peer, that is not a trusted proxy."""
    if not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def forwarding_middleware(trusted: tuple[IpNetwork, ...], force_https: bool) -> Middleware:
    """Resolve the real client and scheme; redirect plain HTTP when HTTPS is enforced."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        peer_host = peer[0] if isinstance(peer, tuple) else None
        scheme = request.scheme
        if _is_trusted(peer_host, trusted):
            proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
            if proto in {"http", "https"}:
                scheme = proto
        remote = client_address(peer_host, request.headers.get("X-Forwarded-For", ""), trusted)
        request = request.clone(scheme=scheme, remote=remote or "")
        request[CLIENT_IP] = remote or ""

        if force_https and scheme != "https" and request.path not in _NEVER_REDIRECTED:
            location = request.url.with_scheme("https")
            if location.port == 80:
                location = location.with_port(None)
            raise web.HTTPPermanentRedirect(location=str(location))
        return await handler(request)

    return middleware
