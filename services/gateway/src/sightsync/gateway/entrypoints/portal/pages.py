"""The portal's HTML: templates filled with escaped values, sent with strict headers."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files
from string import Template

from aiohttp import web

from sightsync.gateway.entrypoints.portal.numbers import NumberProblem

STYLESHEET_PATH = "/opt-out/portal.css"
_PACKAGE = "sightsync.gateway.entrypoints.portal"

# Nothing runs on these pages and nothing loads from elsewhere; forms post only here.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # Our own form posts keep their Origin; no address leaves for another site.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# Pages hold a form token and may show a phone number: no cache may keep them.
_PAGE_HEADERS = {**SECURITY_HEADERS, "Cache-Control": "no-store"}

# Each says how to put the entry right and nothing about who is a patient.
_ERROR_TEXT = {
    NumberProblem.MISSING: "Enter your phone number",
    NumberProblem.NOT_UK: "Enter a UK phone number – we only call numbers in the UK",
    NumberProblem.NOT_A_NUMBER: "Enter a full UK phone number, like 07700 900123 or 020 7946 0123",
}


@cache
def _template(name: str) -> Template:
    return Template(files(_PACKAGE).joinpath("templates", name).read_text("utf-8"))


@cache
def stylesheet() -> bytes:
    return files(_PACKAGE).joinpath("static", "portal.css").read_bytes()


def form_page(token: str, value: str = "", problem: NumberProblem | None = None) -> str:
    """The number form; with a problem, the error is tied to the field and listed on top."""
    error = _ERROR_TEXT[problem] if problem else None
    main = _template("form.html").substitute(
        token=escape(token),
        value=escape(value),
        error_summary=_error_summary(error) if error else "",
        field_class=" field--error" if error else "",
        error_message=(
            f'<p id="phone-number-error" class="error-message">'
            f'<span class="visually-hidden">Error: </span>{escape(error)}</p>'
            if error
            else ""
        ),
        described_by="phone-number-hint phone-number-error" if error else "phone-number-hint",
        invalid=' aria-invalid="true"' if error else "",
    )
    return _layout("Error: Your phone number" if error else "Your phone number", main)


def confirm_page(token: str, e164: str, display: str, *, failed: bool = False) -> str:
    problem = (
        '<div class="notice" role="alert"><p>Sorry, we could not record your request just '
        "now. Nothing has changed yet. Please try again in a moment.</p></div>"
        if failed
        else ""
    )
    main = _template("confirm.html").substitute(
        problem=problem, token=escape(token), e164=escape(e164), display=escape(display)
    )
    return _layout("Try again" if failed else "Check your number", main)


def done_page() -> str:
    return _layout("Recall calls stopped", _template("done.html").substitute())


def message_page(title: str, heading: str, body: str) -> str:
    main = _template("message.html").substitute(heading=escape(heading), body=escape(body))
    return _layout(title, main)


def html_response(
    body: str, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        text=body,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers={**_PAGE_HEADERS, **(headers or {})},
    )


def _error_summary(error: str) -> str:
    return (
        '<div class="error-summary" role="alert" aria-labelledby="error-summary-title">'
        '<h2 id="error-summary-title">There is a problem</h2>'
        f'<ul><li><a href="#phone-number">{escape(error)}</a></li></ul></div>'
    )


def _layout(title: str, main: str) -> str:
    return _template("layout.html").substitute(title=escape(title), main=main)
