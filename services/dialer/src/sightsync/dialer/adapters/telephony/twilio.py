"""TELEPHONY=twilio: calls placed through Twilio's REST API with the official SDK.

The SDK runs on an asynchronous HTTP client (twilio_http.py), so no request blocks the
event loop. Progress
comes back on signed status callbacks and the conversation on voice webhooks, both served
by the dialer (see entrypoints/twilio_webhooks.py); every URL carries our call id.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlencode

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from sightsync.common.logging import get_logger
from sightsync.dialer.adapters.telephony.base import Placement, PlacementRefused
from sightsync.dialer.adapters.telephony.twilio_http import AiohttpTwilioClient
from sightsync.dialer.domain.caller_id import normalise_caller_id
from sightsync.dialer.domain.provider_events import TWILIO_STATUSES, ProviderEvent

log = get_logger(__name__)

WEBHOOK_PREFIX = "/telephony/twilio"
STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]
# A lookup after a crash searches calls started a little before the claim was taken.
_LOOKUP_SLACK = timedelta(minutes=2)
# Twilio ends a call not yet answered only with Status=canceled, and an answered one only
# with Status=completed; a call in any other state has already ended.
_UNANSWERED = frozenset({"queued", "initiated", "ringing"})
_ANSWERED = "in-progress"


def webhook_url(public_base_url: str, kind: str, call_id: str) -> str:
    """The absolute URL Twilio calls for `kind` (voice, gather, status, amd) of one call."""
    query = urlencode({"call_id": call_id})
    return f"{public_base_url.rstrip('/')}{WEBHOOK_PREFIX}/{kind}?{query}"


class TwilioTelephony:
    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        public_base_url: str,
        *,
        api_base_url: str = "",
        ring_timeout_seconds: int = 25,
    ) -> None:
        if not account_sid or not auth_token:
            raise ValueError("TELEPHONY=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._public_base_url = public_base_url
        self._api_base_url = api_base_url
        self._ring_timeout = ring_timeout_seconds
        self._http: AiohttpTwilioClient | None = None
        self._client: Client | None = None

    async def start(self) -> None:
        # The SDK logs request parameters (patients' numbers among them) at INFO.
        logging.getLogger("twilio").setLevel(logging.WARNING)
        # The async client opens an aiohttp session, which belongs to a running loop.
        self._http = AiohttpTwilioClient(timeout=30)
        client = Client(self._account_sid, self._auth_token, http_client=self._http)
        if self._api_base_url:
            # Every REST call of the Api domain is built on this base; pointing it elsewhere
            # is how a local stand-in for Twilio is used in tests.
            client.api.base_url = self._api_base_url.rstrip("/")
        self._client = client

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def place(self, placement: Placement) -> str:
        caller_id = normalise_caller_id(placement.caller_id)
        if caller_id is None:
            raise PlacementRefused("the practice has no valid UK caller id")
        base, call_id = self._public_base_url, placement.call_id
        try:
            call = await self._api.calls.create_async(
                to=placement.to,
                from_=caller_id,
                url=webhook_url(base, "voice", call_id),
                method="POST",
                status_callback=webhook_url(base, "status", call_id),
                status_callback_method="POST",
                status_callback_event=STATUS_EVENTS,
                timeout=self._ring_timeout,
                machine_detection="Enable",
                async_amd="true",
                async_amd_status_callback=webhook_url(base, "amd", call_id),
                async_amd_status_callback_method="POST",
            )
        except TwilioRestException as error:
            if error.status >= 500:
                # A server error says nothing certain about the call: leave it unknown.
                raise
            # Twilio refused the request, so no call was created.
            detail = f"twilio refused the call ({error.status}, {error.code})"
            raise PlacementRefused(detail) from error
        return str(call.sid)

    async def find(self, placement: Placement) -> str | None:
        caller_id = normalise_caller_id(placement.caller_id)
        if caller_id is None:
            return None
        # Twilio keeps no metadata of ours on a call, so a call is recognised by its
        # numbers and start time; compliance's spacing rule means one patient is never
        # rung twice by the same practice within minutes.
        since = placement.placing_since - _LOOKUP_SLACK
        calls = await self._api.calls.list_async(
            to=placement.to, from_=caller_id, start_time_after=since, limit=20
        )
        # The API filters by day; the claim's own time narrows it down.
        recent = [call for call in calls if call.date_created is None or call.date_created >= since]
        return str(recent[0].sid) if recent else None

    async def status(self, provider_call_id: str) -> ProviderEvent | None:
        try:
            call = await self._api.calls(provider_call_id).fetch_async()
        except TwilioRestException as error:
            if error.status == 404:
                return None
            raise
        kind = TWILIO_STATUSES.get(str(call.status))
        if kind is None:
            log.warning("twilio_call_status_unknown", provider_call_id=provider_call_id)
            return None
        duration = float(call.duration) if call.duration else None
        return ProviderEvent(kind, provider_call_id, duration)

    async def hang_up(self, provider_call_id: str) -> None:
        call = self._api.calls(provider_call_id)
        try:
            status = str((await call.fetch_async()).status)
        except TwilioRestException as error:
            if error.status == 404:
                return
            raise
        if status in _UNANSWERED:
            status = str((await call.update_async(status="canceled")).status)
            # Twilio ignores a cancel for a call answered since we looked; end that one below.
        if status == _ANSWERED:
            await call.update_async(status="completed")

    @property
    def _api(self) -> Client:
        if self._client is None:
            raise RuntimeError("the Twilio client is not started")
        return self._client
