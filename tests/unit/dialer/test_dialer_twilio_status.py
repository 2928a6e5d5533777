"""TwilioTelephony.status reads the call resource through the SDK: its status, its
duration, and a 404 as "Twilio has no such call"."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from sightsync.common.devstack import free_port
from sightsync.dialer.adapters.telephony.twilio import TwilioTelephony
from sightsync.dialer.domain.provider_events import ProviderEventKind

ACCOUNT_SID = "AC" + "1" * 32
CALLS: dict[str, dict[str, str | None]] = {
    "CAended": {"status": "completed", "duration": "42"},
    "CAringing": {"status": "ringing", "duration": None},
    "CAbusy": {"status": "busy", "duration": "0"},
    "CAodd": {"status": "something-new", "duration": None},
}


async def fetch_call(request: web.Request) -> web.Response:
    sid = request.match_info["sid"]
    if request.method != "GET" or request.match_info["account"] != ACCOUNT_SID:
        return web.json_response({"status": 400}, status=400)
    if sid == "CAbroken":
        return web.json_response({"code": 20500, "message": "Internal", "status": 500}, status=500)
    if sid not in CALLS:
        return web.json_response({"code": 20404, "message": "Not found", "status": 404}, status=404)
    return web.json_response({"sid": sid, "account_sid": ACCOUNT_SID, **CALLS[sid]})


@pytest.fixture
async def twilio() -> AsyncIterator[TwilioTelephony]:
    app = web.Application()
    app.router.add_get("/2010-04-01/Accounts/{account}/Calls/{sid}.json", fetch_call)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    telephony = TwilioTelephony(
        ACCOUNT_SID, "f" * 32, "http://127.0.0.1:1", api_base_url=f"http://127.0.0.1:{port}"
    )
    await telephony.start()
    yield telephony
    await telephony.close()
    await runner.cleanup()


async def test_an_ended_call_reports_its_status_and_duration(twilio: TwilioTelephony) -> None:
    ended = await twilio.status("CAended")
    busy = await twilio.status("CAbusy")

    assert ended is not None and busy is not None
    assert (ended.kind, ended.duration_seconds, ended.provider_call_id) == (
        ProviderEventKind.COMPLETED,
        42.0,
        "CAended",
    )
    assert busy.kind is ProviderEventKind.BUSY


async def test_a_live_call_reports_as_live(twilio: TwilioTelephony) -> None:
    ringing = await twilio.status("CAringing")

    assert ringing is not None
    assert (ringing.kind, ringing.duration_seconds) == (ProviderEventKind.RINGING, None)


async def test_a_call_twilio_does_not_know_is_none(twilio: TwilioTelephony) -> None:
    assert await twilio.status("CAnobody") is None
    assert await twilio.status("CAodd") is None


async def test_a_server_error_is_raised_for_the_next_sweep(twilio: TwilioTelephony) -> None:
    with pytest.raises(Exception, match="500"):
        await twilio.status("CAbroken")
