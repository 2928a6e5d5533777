"""Every request Twilio makes carries X-Twilio-Signature over PUBLIC_BASE_URL + path + query
and the POST parameters; anything unsigned or mis-signed is refused with 403."""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDictProxy
from twilio.request_validator import RequestValidator

from sightsync.common.logging import get_logger

log = get_logger(__name__)

Form = MultiDictProxy[str]


class TwilioSignature:
    def __init__(self, auth_token: str, public_base_url: str) -> None:
        self._validator = RequestValidator(auth_token)
        self._public_base_url = public_base_url.rstrip("/")

    async def verified_form(self, request: web.Request) -> Form | None:
        """The request's form when Twilio signed it; None (and a warning) otherwise."""
        form: Form = await request.post()  # type: ignore[assignment]  # urlencoded: text only
        signature = request.headers.get("X-Twilio-Signature", "")
        url = self._public_base_url + request.path_qs
        if not signature or not self._validator.validate(url, form, signature):
            log.warning("twilio_webhook_rejected", path=request.path)
            return None
        return form


def json_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def not_signed() -> web.Response:
    return json_error(403, "invalid_signature", "The request is not signed by Twilio.")
