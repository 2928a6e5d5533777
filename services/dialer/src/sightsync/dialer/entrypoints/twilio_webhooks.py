"""Twilio's requests to the dialer about calls: progress, answering-machine detection, and
the conversation as TwiML <Gather> turns. Every request must carry a valid signature
(twilio_signature.py); each URL names the call it is about."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web
from twilio.twiml.voice_response import VoiceResponse

from sightsync.common.logging import get_logger
from sightsync.dialer.adapters.telephony.base import AgentSays
from sightsync.dialer.adapters.telephony.twilio import WEBHOOK_PREFIX, webhook_url
from sightsync.dialer.domain.provider_events import (
    MACHINE_ANSWERS,
    TWILIO_STATUSES,
    ProviderEvent,
    ProviderEventKind,
)
from sightsync.dialer.entrypoints.twilio_signature import (
    Form,
    TwilioSignature,
    json_error,
    not_signed,
)
from sightsync.dialer.handlers.call_desk import CallDesk

log = get_logger(__name__)

VOICE: Final = "Polly.Amy"
LANGUAGE: Final = "en-GB"
# Long enough for a considered answer; the speech recogniser ends the turn sooner.
GATHER_TIMEOUT_SECONDS: Final = 6

Handler = Callable[[web.Request, str, Form], Awaitable[web.StreamResponse]]


class TwilioWebhooks:
    def __init__(self, desk: CallDesk, signature: TwilioSignature, public_base_url: str) -> None:
        self._desk = desk
        self._signature = signature
        self._public_base_url = public_base_url.rstrip("/")

    def install(self, app: web.Application) -> None:
        for kind, handler in (
            ("voice", self._voice),
            ("gather", self._gather),
            ("status", self._status),
            ("amd", self._amd),
        ):
            app.router.add_post(f"{WEBHOOK_PREFIX}/{kind}", self._signed(handler))

    def _signed(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def checked(request: web.Request) -> web.StreamResponse:
            form = await self._signature.verified_form(request)
            if form is None:
                return not_signed()
            call_id = request.query.get("call_id", "")
            if not call_id:
                return json_error(400, "call_id_missing", "The webhook URL names no call.")
            return await handler(request, call_id, form)

        return checked

    async def _voice(self, request: web.Request, call_id: str, form: Form) -> web.StreamResponse:
        says = await self._desk.answered(call_id, form.get("CallSid"))
        return self._twiml(says, call_id)

    async def _gather(self, request: web.Request, call_id: str, form: Form) -> web.StreamResponse:
        says = await self._desk.patient_turn(
            call_id, speech=form.get("SpeechResult"), digits=form.get("Digits")
        )
        return self._twiml(says, call_id)

    async def _status(self, request: web.Request, call_id: str, form: Form) -> web.StreamResponse:
        kind = TWILIO_STATUSES.get(form.get("CallStatus", ""))
        if kind is None:
            log.warning("twilio_status_unknown", call_id=call_id)
            return web.Response(status=204)
        duration = form.get("CallDuration")
        event = ProviderEvent(kind, form.get("CallSid"), float(duration) if duration else None)
        await self._desk.report(call_id, event)
        return web.Response(status=204)

    async def _amd(self, request: web.Request, call_id: str, form: Form) -> web.StreamResponse:
        answered_by = form.get("AnsweredBy", "unknown")
        log.info("answering_machine_detection", call_id=call_id, answered_by=answered_by)
        if answered_by in MACHINE_ANSWERS:
            event = ProviderEvent(ProviderEventKind.MACHINE, form.get("CallSid"))
            await self._desk.report(call_id, event)
        return web.Response(status=204)

    def _twiml(self, says: AgentSays, call_id: str) -> web.Response:
        response = VoiceResponse()
        if says.end_call:
            if says.text:
                response.say(says.text, voice=VOICE, language=LANGUAGE)
            response.hangup()
        else:
            gather = response.gather(
                input="speech dtmf",
                action=webhook_url(self._public_base_url, "gather", call_id),
                method="POST",
                timeout=GATHER_TIMEOUT_SECONDS,
                speech_timeout="auto",
                num_digits=1,
                language=LANGUAGE,
                # Silence posts an empty turn, so the engine can ask again or give up.
                action_on_empty_result=True,
            )
            gather.say(says.text, voice=VOICE, language=LANGUAGE)
        return web.Response(text=str(response), content_type="application/xml")
