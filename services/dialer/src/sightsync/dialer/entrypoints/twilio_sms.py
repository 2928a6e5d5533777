"""`POST /telephony/twilio/sms`: a patient's text to one of our caller ids.

Twilio posts MessageSid, From (the patient, E.164), To (our number) and Body, signed like
every Twilio webhook. An opt-out keyword is answered with a confirmation text in TwiML;
anything else with an empty <Response/>, so no reply is sent. Neither the text nor the
numbers are ever logged.
"""

from __future__ import annotations

from typing import Final

from aiohttp import web
from twilio.twiml.messaging_response import MessagingResponse

from sightsync.dialer.adapters.telephony.twilio import WEBHOOK_PREFIX
from sightsync.dialer.entrypoints.twilio_signature import TwilioSignature, json_error, not_signed
from sightsync.dialer.handlers.sms_opt_outs import SmsOptOuts

SMS_PATH: Final = f"{WEBHOOK_PREFIX}/sms"
# One SMS segment of plain GSM characters; names no practice, since the same number may
# ring for several.
OPT_OUT_CONFIRMATION: Final = (
    "You have been opted out and will not get any more eye test recall calls from us. "
    "If this was a mistake, please contact your optician."
)


class TwilioSmsWebhook:
    def __init__(self, opt_outs: SmsOptOuts, signature: TwilioSignature) -> None:
        self._opt_outs = opt_outs
        self._signature = signature

    def install(self, app: web.Application) -> None:
        app.router.add_post(SMS_PATH, self._sms)

    async def _sms(self, request: web.Request) -> web.StreamResponse:
        form = await self._signature.verified_form(request)
        if form is None:
            return not_signed()
        message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
        patient_number, to = form.get("From", ""), form.get("To", "")
        if not (message_sid and patient_number and to):
            return json_error(400, "sms_fields_missing", "MessageSid, From and To are required.")

        stop = await self._opt_outs.received(message_sid, patient_number, to, form.get("Body", ""))

        response = MessagingResponse()
        if stop:
            response.message(OPT_OUT_CONFIRMATION)
        return web.Response(text=str(response), content_type="text/xml")
