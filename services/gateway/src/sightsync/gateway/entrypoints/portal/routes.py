"""The patients' opt-out portal: enter a number, confirm it, and it is never called again.

Every answer is the same whether or not the number belongs to anyone's patient: the portal
never asks compliance, it only publishes `PatientOptedOut` for the number everywhere.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from aiohttp import web
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from sightsync.common.bus.connection import BusUnavailable
from sightsync.common.clock import Clock
from sightsync.common.ids import new_id
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Envelope
from sightsync.common.messages.patients import PatientOptedOut
from sightsync.common.storage import Document
from sightsync.gateway.adapters.rate_limits import MongoRateLimiter
from sightsync.gateway.domain.rate_limit import RateLimitPolicy, RateLimitStatus
from sightsync.gateway.entrypoints.http.context import REQUEST_ID
from sightsync.gateway.entrypoints.http.forwarding import CLIENT_IP
from sightsync.gateway.entrypoints.portal import csrf
from sightsync.gateway.entrypoints.portal.numbers import NumberProblem, normalise_uk_number
from sightsync.gateway.entrypoints.portal.pages import (
    SECURITY_HEADERS,
    STYLESHEET_PATH,
    confirm_page,
    done_page,
    form_page,
    html_response,
    message_page,
    stylesheet,
)
from sightsync.gateway.settings import GatewaySettings

TOKEN_MAX_AGE = timedelta(hours=1)
# A patient waits on the page, so an unreachable broker is reported within seconds.
PUBLISH_TIMEOUT_SECONDS = 5.0
RETRY_AFTER_SECONDS = "5"

log = get_logger(__name__)

# A posted form; only its text fields are ever read.
Form = Mapping[str, object]


class EnvelopePublisher(Protocol):
    async def publish_envelope(self, envelope: Envelope, *, timeout: float = ...) -> None: ...


class Limiter(Protocol):
    async def hit(self, subject: str) -> RateLimitStatus: ...


@dataclass(frozen=True)
class Portal:
    bus: EnvelopePublisher
    clock: Clock
    limiter: Limiter
    tokens: csrf.CsrfTokens

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/opt-out", self.show_form)
        app.router.add_post("/opt-out", self.check_number)
        # Reloading the confirmation after a failure lands on the form, not a 405.
        app.router.add_get("/opt-out/confirm", self.back_to_form)
        app.router.add_post("/opt-out/confirm", self.opt_out)
        app.router.add_get(STYLESHEET_PATH, self.stylesheet)

    async def show_form(self, request: web.Request) -> web.StreamResponse:
        return self._page(request, lambda token: form_page(token))

    async def back_to_form(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPSeeOther("/opt-out")

    async def check_number(self, request: web.Request) -> web.StreamResponse:
        form = await self._admit(request)
        if isinstance(form, web.Response):
            return form

        raw = _text(form, "phone_number")
        number = normalise_uk_number(raw)
        if isinstance(number, NumberProblem):
            return self._page(request, lambda token: form_page(token, raw, number), status=422)
        return self._page(request, lambda token: confirm_page(token, number.e164, number.display))

    async def opt_out(self, request: web.Request) -> web.StreamResponse:
        form = await self._admit(request)
        if isinstance(form, web.Response):
            return form

        number = normalise_uk_number(_text(form, "phone_number"))
        if isinstance(number, NumberProblem):
            # Only an altered hidden field gets here: ask for the number again.
            return self._page(request, lambda token: form_page(token, problem=number), status=422)

        event = PatientOptedOut(
            practice_id=None,
            patient_id=None,
            phone_number=number.e164,
            channel="portal",
            opted_out_at=self.clock.now(),
        )
        envelope = Envelope.wrap(
            event,
            occurred_at=event.opted_out_at,
            correlation_id=request.get(REQUEST_ID) or new_id("req"),
        )
        try:
            await self.bus.publish_envelope(envelope, timeout=PUBLISH_TIMEOUT_SECONDS)
        except BusUnavailable as error:
            log.warning("portal_opt_out_unconfirmed", message_id=envelope.id, error=str(error))
            return self._page(
                request,
                lambda token: confirm_page(token, number.e164, number.display, failed=True),
                status=503,
                headers={"Retry-After": RETRY_AFTER_SECONDS},
            )
        log.info("portal_opt_out_published", message_id=envelope.id)
        return html_response(done_page())

    async def stylesheet(self, request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=stylesheet(),
            content_type="text/css",
            charset="utf-8",
            headers={**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"},
        )

    async def _admit(self, request: web.Request) -> Form | web.Response:
        """Count the post against its client, then refuse it unless it came from our form."""
        try:
            status = await self.limiter.hit(_rate_subject(request))
        except PyMongoError:
            log.exception("portal_rate_limit_unavailable")
            return _unavailable()
        if not status.allowed:
            log.info("portal_rate_limited", limit=status.policy.limit)
            return _too_many(status)

        form = await request.post()
        if not csrf.from_this_site(request):
            log.info("portal_csrf_refused", reason="foreign_origin")
            return _forbidden(csrf.TokenCheck.INVALID)
        check = self.tokens.check(csrf.cookie_nonce(request), _text(form, "csrf_token") or None)
        if check is not csrf.TokenCheck.VALID:
            log.info("portal_csrf_refused", reason=check.value)
            return _forbidden(check)
        return form

    def _page(
        self,
        request: web.Request,
        render: Callable[[str], str],
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        """Render a page holding a form token bound to this browser's nonce cookie."""
        nonce = csrf.cookie_nonce(request) or csrf.new_nonce()
        response = html_response(render(self.tokens.issue(nonce)), status=status, headers=headers)
        csrf.set_nonce_cookie(response, request, nonce)
        return response


def portal_routes(
    settings: GatewaySettings, bus: EnvelopePublisher, clock: Clock, db: AsyncDatabase[Document]
) -> Callable[[web.Application], None]:
    """The portal's routes, rate-limited per client address with its own limit."""
    policy = RateLimitPolicy(settings.portal_rate_limit_per_minute)
    key = csrf.signing_key(settings.portal_secret.get_secret_value())
    portal = Portal(
        bus=bus,
        clock=clock,
        limiter=MongoRateLimiter(db, policy, clock),
        tokens=csrf.CsrfTokens(key, clock, TOKEN_MAX_AGE),
    )
    return portal.add_routes


def _rate_subject(request: web.Request) -> str:
    address = request.get(CLIENT_IP) or request.remote or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"portal:{address}"
    # One IPv6 subscriber usually holds a whole /64, so it is counted as one client.
    if ip.version == 6:
        return f"portal:{ipaddress.ip_network((ip, 64), strict=False)}"
    return f"portal:{ip}"


def _text(form: Form, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _too_many(status: RateLimitStatus) -> web.Response:
    page = message_page(
        "Too many attempts",
        "Please wait a minute",
        "There have been too many attempts from your connection in a short time. "
        "Please wait a minute, then try again.",
    )
    return html_response(page, status=429, headers={"Retry-After": str(status.reset_seconds)})


def _forbidden(check: csrf.TokenCheck) -> web.Response:
    if check is csrf.TokenCheck.EXPIRED:
        page = message_page(
            "Page expired",
            "This page has expired",
            "For your security, the form stops working after an hour. Please start again.",
        )
    elif check is csrf.TokenCheck.MISSING:
        page = message_page(
            "Please start again",
            "Please start again",
            "We could not accept this request. This page needs cookies to be allowed for "
            "this site; please check they are, then start again.",
        )
    else:
        page = message_page(
            "Please start again",
            "Please start again",
            "We could not accept this request. Please start again from our page.",
        )
    return html_response(page, status=403)


def _unavailable() -> web.Response:
    page = message_page(
        "Please try again",
        "Sorry, there is a problem",
        "We could not take your request just now. Nothing has changed. "
        "Please try again in a moment.",
    )
    return html_response(page, status=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
