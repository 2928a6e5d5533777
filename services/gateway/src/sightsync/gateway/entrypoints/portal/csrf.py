"""Cross-site request forgery defences for the portal's forms.

Each browser gets a random nonce in a SameSite=Strict, HttpOnly cookie. Every form carries
a token `<issued epoch seconds>.<HMAC-SHA256(key, nonce, issued)>`: another site can
neither read the cookie nor mint a token for it, and a token expires after `max_age`.
An `Origin` (or, without one, `Referer`) header naming another site is refused as well.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from enum import StrEnum

from aiohttp import web
from yarl import URL

from sightsync.common.clock import Clock
from sightsync.common.logging import get_logger

# On HTTPS the __Host- prefix stops a sibling subdomain from planting its own nonce.
SECURE_COOKIE = "__Host-portal-csrf"
PLAIN_COOKIE = "portal-csrf"
_PURPOSE = b"sightsync-portal-csrf"
_NONCE = re.compile(r"[A-Za-z0-9_-]{43}")
# Tolerates replicas whose clocks differ a little.
_CLOCK_SKEW = timedelta(seconds=30)

log = get_logger(__name__)


class TokenCheck(StrEnum):
    VALID = "valid"
    MISSING = "missing"
    INVALID = "invalid"
    EXPIRED = "expired"


def signing_key(secret: str) -> bytes:
    """The configured PORTAL_SECRET, or a random key that only this process knows."""
    if secret:
        return secret.encode()
    log.warning(
        "portal_secret_missing",
        detail="signing portal forms with a per-process key; "
        "several replicas need one shared PORTAL_SECRET",
    )
    return secrets.token_bytes(32)


class CsrfTokens:
    def __init__(self, key: bytes, clock: Clock, max_age: timedelta) -> None:
        self._key = key
        self._clock = clock
        self._max_age = max_age

    def issue(self, nonce: str) -> str:
        issued = int(self._clock.now().timestamp())
        return f"{issued}.{self._signature(nonce, issued)}"

    def check(self, nonce: str | None, token: str | None) -> TokenCheck:
        if not nonce or not token:
            return TokenCheck.MISSING
        issued_text, _, signature = token.partition(".")
        if not issued_text.isdigit() or len(issued_text) > 12:
            return TokenCheck.INVALID
        issued = int(issued_text)
        if not hmac.compare_digest(signature, self._signature(nonce, issued)):
            return TokenCheck.INVALID
        age = self._clock.now().timestamp() - issued
        if age > self._max_age.total_seconds() or age < -_CLOCK_SKEW.total_seconds():
            return TokenCheck.EXPIRED
        return TokenCheck.VALID

    def _signature(self, nonce: str, issued: int) -> str:
        signed = b"\x00".join((_PURPOSE, nonce.encode(), str(issued).encode()))
        digest = hmac.new(self._key, signed, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def cookie_name(request: web.Request) -> str:
    return SECURE_COOKIE if request.scheme == "https" else PLAIN_COOKIE


def cookie_nonce(request: web.Request) -> str | None:
    """The nonce this browser already holds, if it is one we could have set."""
    nonce = request.cookies.get(cookie_name(request))
    return nonce if nonce and _NONCE.fullmatch(nonce) else None


def new_nonce() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def set_nonce_cookie(response: web.StreamResponse, request: web.Request, nonce: str) -> None:
    secure = request.scheme == "https"
    response.set_cookie(
        cookie_name(request),
        nonce,
        path="/",
        httponly=True,
        secure=secure,
        samesite="Strict",
    )


def from_this_site(request: web.Request) -> bool:
    """False when Origin (or, without it, Referer) names another origin, or is opaque."""
    claimed = request.headers.get("Origin") or request.headers.get("Referer")
    if claimed is None:
        return True
    try:
        theirs = URL(claimed)
        ours = URL(f"{request.scheme}://{request.host}")
        return bool(theirs.is_absolute()) and _origin(theirs) == _origin(ours)
    except ValueError:
        return False


def _origin(url: URL) -> tuple[str, str, int | None]:
    return url.scheme.lower(), (url.host or "").lower(), url.port
