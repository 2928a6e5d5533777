"""Where a webhook may be sent: public HTTPS only, judged by the addresses a name resolves to.

A practice chooses the URL, so without these rules it could point us at the cloud's
metadata service or anything else inside our network (server-side request forgery).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address
from urllib.parse import SplitResult, urlsplit

IPAddress = IPv4Address | IPv6Address

# Instance metadata and platform agents; some are not in any private range.
METADATA_ADDRESSES = frozenset(
    ip_address(text)
    for text in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)
_NAT64 = IPv6Network("64:ff9b::/96")


class DestinationRefused(OSError):
    """The URL or an address it resolves to is not a place webhooks may go."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class EndpointUrl:
    url: str
    scheme: str
    host: str
    port: int

    @property
    def literal_address(self) -> IPAddress | None:
        try:
            return ip_address(self.host)
        except ValueError:
            return None


@dataclass(frozen=True)
class DestinationPolicy:
    allow_loopback_http: bool = False

    def parse(self, url: str) -> EndpointUrl:
        """The URL's shape alone: https (or http when loopback is allowed), no credentials."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise DestinationRefused("malformed", "The URL is not well formed") from None
        allowed = {"https", "http"} if self.allow_loopback_http else {"https"}
        if parts.scheme not in allowed:
            raise DestinationRefused("scheme", "Webhook URLs must use https")
        if not parts.hostname:
            raise DestinationRefused("malformed", "The URL has no host")
        if parts.username is not None or parts.password is not None:
            raise DestinationRefused("credentials", "The URL must not carry credentials")
        if parts.fragment:
            raise DestinationRefused("malformed", "The URL must not have a fragment")
        return EndpointUrl(
            url=_unsplit(parts),
            scheme=parts.scheme,
            host=parts.hostname,
            port=port or (443 if parts.scheme == "https" else 80),
        )

    def address_refusal(self, address: IPAddress) -> str | None:
        """Why webhooks may not go to this address, or None when they may."""
        address = _embedded_ipv4(address)
        if address in METADATA_ADDRESSES:
            return "metadata"
        if address.is_loopback:
            return None if self.allow_loopback_http else "loopback"
        if address.is_unspecified:
            return "unspecified"
        if address.is_link_local:
            return "link_local"
        if address.is_multicast:
            return "multicast"
        if address.is_reserved:
            return "reserved"
        if address.is_private:
            return "private"
        if not address.is_global:
            return "not_global"
        return None

    def vet(self, url: EndpointUrl, addresses: Sequence[IPAddress]) -> None:
        """Refuse unless every address is allowed; plain http must stay on loopback."""
        if not addresses:
            raise DestinationRefused("unresolvable", "The URL's host does not resolve")
        for address in addresses:
            reason = self.address_refusal(address)
            if reason is not None:
                raise DestinationRefused(
                    reason, f"The URL's host resolves to a {reason.replace('_', '-')} address"
                )
        if url.scheme == "http" and not all(_embedded_ipv4(a).is_loopback for a in addresses):
            raise DestinationRefused("scheme", "Webhook URLs must use https")


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address, judged as such."""
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _unsplit(parts: SplitResult) -> str:
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc.lower()}{path}{query}"
