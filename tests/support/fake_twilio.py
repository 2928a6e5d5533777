"""A local stand-in for Twilio's Voice REST API and the requests Twilio makes back.

It answers `POST /2010-04-01/Accounts/{AccountSid}/Calls.json` the way Twilio does (201
and a call resource), then plays the call: signed status callbacks for the events asked
for, the voice webhook on answer, the returned TwiML followed verb by verb (Say, Gather,
Redirect, Hangup) with a scripted patient answering each Gather, and an asynchronous
answering-machine result. Every request it sends carries an X-Twilio-Signature computed
as Twilio computes it, by our own signer below.

Ending a call follows Twilio's rule: `Status=canceled` ends a call still queued or ringing
and leaves an answered one alone; `Status=completed` ends an answered call and is refused
(400, code 21220) for one not yet answered.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from enum import StrEnum
from typing import Any
from xml.etree import ElementTree

import aiohttp
from aiohttp import web

from sightsync.common.devstack import free_port
from sightsync.dialer.domain.scripts import PatientScript, ProviderReport, script_for

API_VERSION = "2010-04-01"
_MAX_TWIML_STEPS = 40
_NOT_ANSWERED = frozenset({"queued", "initiated", "ringing"})


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """HMAC-SHA1 of the full URL followed by each POST parameter's name and value, sorted
    by name, keyed with the auth token and base64-encoded: how Twilio signs a request."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class Answer(StrEnum):
    HUMAN = "human"
    MACHINE = "machine"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    FAILED = "failed"


_ANSWERS = {
    ProviderReport.ANSWERED: Answer.HUMAN,
    ProviderReport.MACHINE: Answer.MACHINE,
    ProviderReport.BUSY: Answer.BUSY,
    ProviderReport.NO_ANSWER: Answer.NO_ANSWER,
    ProviderReport.CARRIER_ERROR: Answer.FAILED,
}


def scripted_answer(to: str) -> tuple[Answer, PatientScript]:
    """Who picks up a number: the dialer's simulated patient for its last digit."""
    script = script_for(to)
    return _ANSWERS[script.provider], script


@dataclass
class FakeCall:
    sid: str
    to: str
    from_: str
    params: dict[str, Any]
    created_at: datetime
    status: str = "queued"
    hung_up: asyncio.Event = field(default_factory=asyncio.Event)
    heard: list[str] = field(default_factory=list)
    answered_at: float | None = None


@dataclass(frozen=True)
class SentRequest:
    url: str
    params: dict[str, str]
    status: int


class FakeTwilio:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        answer: Callable[[str], tuple[Answer, PatientScript]] = scripted_answer,
        step_seconds: float = 0.02,
        ring_seconds: float = 0.0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._answer = answer
        self._step = step_seconds
        # How long a call rings before it is answered (or not); a cancel ends it meanwhile.
        self._ring = ring_seconds
        self.create_requests: list[dict[str, Any]] = []
        self.hang_up_requests: list[str] = []
        self.refused_updates: list[tuple[str, str]] = []
        self.calls: dict[str, FakeCall] = {}
        self.sent: list[SentRequest] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.port = free_port()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        prefix = f"/{API_VERSION}/Accounts/{{account}}"
        app.router.add_post(f"{prefix}/Calls.json", self._create_call)
        app.router.add_get(f"{prefix}/Calls.json", self._list_calls)
        app.router.add_get(f"{prefix}/Calls/{{sid}}.json", self._fetch_call)
        app.router.add_post(f"{prefix}/Calls/{{sid}}.json", self._update_call)
        self._http = aiohttp.ClientSession()
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until every call it is playing has finished."""
        if self._tasks:
            await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), timeout)

    # ----- REST API ----------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        expected = aiohttp.encode_basic_auth(self.account_sid, self.auth_token)
        return (
            request.match_info["account"] == self.account_sid
            and request.headers.get("Authorization") == expected
        )

    async def _create_call(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _twilio_error(401, 20003, "Authenticate")
        form = await request.post()
        params: dict[str, Any] = {key: form.getall(key) for key in set(form.keys())}
        params = {key: values[0] if len(values) == 1 else values for key, values in params.items()}
        self.create_requests.append(params)
        missing = [name for name in ("To", "From", "Url") if not params.get(name)]
        if missing:
            return _twilio_error(400, 21201, f"Missing parameter {missing[0]}")
        call = FakeCall(
            sid="CA" + secrets.token_hex(16),
            to=str(params["To"]),
            from_=str(params["From"]),
            params=params,
            created_at=datetime.now(UTC),
        )
        self.calls[call.sid] = call
        task = asyncio.create_task(self._play(call))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.json_response(self._resource(call), status=201)

    async def _list_calls(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _twilio_error(401, 20003, "Authenticate")
        to, from_ = request.query.get("To"), request.query.get("From")
        found = [
            self._resource(call)
            for call in self.calls.values()
            if (to is None or call.to == to) and (from_ is None or call.from_ == from_)
        ]
        return web.json_response(
            {
                "calls": found,
                "page": 0,
                "page_size": 50,
                "first_page_uri": request.path_qs,
                "next_page_uri": None,
                "previous_page_uri": None,
                "uri": request.path_qs,
                "start": 0,
                "end": len(found),
            }
        )

    async def _fetch_call(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _twilio_error(401, 20003, "Authenticate")
        call = self.calls.get(request.match_info["sid"])
        if call is None:
            return _twilio_error(404, 20404, "Not found")
        return web.json_response(self._resource(call))

    async def _update_call(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _twilio_error(401, 20003, "Authenticate")
        call = self.calls.get(request.match_info["sid"])
        if call is None:
            return _twilio_error(404, 20404, "Not found")
        form = await request.post()
        status = form.get("Status")
        if status == "completed" and call.status in _NOT_ANSWERED:
            self.refused_updates.append((call.sid, status))
            return _twilio_error(400, 21220, "Call is not in-progress. Cannot complete.")
        if (status == "completed" and call.status == "in-progress") or (
            status == "canceled" and call.status in _NOT_ANSWERED
        ):
            self.hang_up_requests.append(call.sid)
            call.hung_up.set()
            if status == "canceled":
                call.status = "canceled"
        return web.json_response(self._resource(call))

    def _resource(self, call: FakeCall) -> dict[str, Any]:
        stamp = format_datetime(call.created_at)
        return {
            "sid": call.sid,
            "account_sid": self.account_sid,
            "to": call.to,
            "from": call.from_,
            "status": call.status,
            "direction": "outbound-api",
            "api_version": API_VERSION,
            "date_created": stamp,
            "date_updated": stamp,
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{call.sid}.json",
        }

    # ----- playing a call ----------------------------------------------------------------

    async def _play(self, call: FakeCall) -> None:
        answer, script = self._answer(call.to)
        await self._status(call, "initiated", "initiated")
        await self._status(call, "ringing", "ringing")
        if await self._canceled_while_ringing(call):
            await self._status(call, "completed", "canceled")
            return
        if answer in (Answer.BUSY, Answer.NO_ANSWER, Answer.FAILED):
            await self._status(call, "completed", answer.value)
            return
        call.answered_at = time.monotonic()
        await self._status(call, "answered", "in-progress")
        twiml = await self._post(call, str(call.params["Url"]), {})
        if answer is Answer.MACHINE:
            await self._amd(call, "machine_start")
            # A machine keeps listening until the application hangs up.
            await asyncio.wait_for(call.hung_up.wait(), 10)
        else:
            await self._amd(call, "human")
            await self._follow(call, twiml, script)
        duration = round(time.monotonic() - call.answered_at)
        await self._status(call, "completed", "completed", CallDuration=str(duration))

    async def _canceled_while_ringing(self, call: FakeCall) -> bool:
        if self._ring > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(call.hung_up.wait(), self._ring)
        return call.hung_up.is_set()

    async def _follow(self, call: FakeCall, twiml: str, script: PatientScript) -> None:
        for _ in range(_MAX_TWIML_STEPS):
            if call.hung_up.is_set() or not twiml:
                return
            document = ElementTree.fromstring(twiml)  # noqa: S314 - TwiML from the dialer under test
            next_twiml = await self._run_verbs(call, document, script)
            if next_twiml is None:
                return
            twiml = next_twiml

    async def _run_verbs(
        self, call: FakeCall, response: ElementTree.Element, script: PatientScript
    ) -> str | None:
        """Play one TwiML document; returns the next document when a verb fetched one."""
        for verb in response:
            if verb.tag == "Say":
                call.heard.append(verb.text or "")
            elif verb.tag == "Hangup":
                return None
            elif verb.tag == "Redirect":
                return await self._post(call, (verb.text or "").strip(), {})
            elif verb.tag == "Gather":
                prompt = " ".join(say.text or "" for say in verb.iter("Say"))
                call.heard.append(prompt)
                move = script.reply_to(prompt)
                await asyncio.sleep(self._step)
                if move is not None:
                    said = (
                        {"SpeechResult": move.text, "Confidence": "0.92"}
                        if move.text is not None
                        else {"Digits": move.digits or ""}
                    )
                    return await self._post(call, verb.attrib["action"], said)
                if verb.attrib.get("actionOnEmptyResult") == "true":
                    return await self._post(call, verb.attrib["action"], {})
        return None

    async def _status(self, call: FakeCall, event: str, status: str, **extra: str) -> None:
        call.status = status
        wanted = call.params.get("StatusCallbackEvent", [])
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        url = call.params.get("StatusCallback")
        # Twilio always reports the end of a call; other events only when asked for.
        if url and (event == "completed" or event in wanted):
            await asyncio.sleep(self._step)
            await self._post(call, str(url), {"CallbackSource": "call-progress-events", **extra})

    async def _amd(self, call: FakeCall, answered_by: str) -> None:
        url = call.params.get("AsyncAmdStatusCallback")
        if url and str(call.params.get("AsyncAmd", "")).lower() == "true":
            await asyncio.sleep(self._step)
            await self._post(call, str(url), {"AnsweredBy": answered_by})

    async def _post(self, call: FakeCall, url: str, extra: dict[str, str]) -> str:
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "CallSid": call.sid,
            "CallStatus": call.status,
            "Direction": "outbound-api",
            "From": call.from_,
            "To": call.to,
            **extra,
        }
        headers = {"X-Twilio-Signature": twilio_signature(self.auth_token, url, params)}
        assert self._http is not None
        async with self._http.post(url, data=params, headers=headers) as response:
            body = await response.text()
            self.sent.append(SentRequest(url, params, response.status))
            if response.status >= 300:
                return ""
            return body if response.content_type.endswith("xml") else ""


def _twilio_error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(
        {"code": code, "message": message, "more_info": "", "status": status}, status=status
    )
