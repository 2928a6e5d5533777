"""TwilioTelephony.hang_up ends a call the way Twilio accepts for its state: a call still
ringing with Status=canceled, an answered call with Status=completed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from aiohttp import web

from sightsync.common.devstack import free_port
from sightsync.dialer.adapters.telephony.base import Placement
from sightsync.dialer.adapters.telephony.twilio import TwilioTelephony
from sightsync.dialer.domain.scripts import script_for
from tests.support.fake_twilio import Answer, FakeCall, FakeTwilio

ACCOUNT_SID = "AC" + "2" * 32
AUTH_TOKEN = "e" * 32
NUMBER = "+447700900111"


@dataclass
class Rig:
    fake: FakeTwilio
    twilio: TwilioTelephony
    reports: list[dict[str, str]]

    async def call_in(self, status: str) -> FakeCall:
        sid = await self.twilio.place(
            Placement("c_1", "prac_1", NUMBER, "+441632960000", datetime.now(UTC))
        )
        call = self.fake.calls[sid]
        for _ in range(200):
            if call.status == status:
                return call
            await asyncio.sleep(0.01)
        raise AssertionError(f"the call never reached {status}; it is {call.status}")


def answering(answer: Answer) -> Callable[[str], tuple[Answer, object]]:
    return lambda to: (answer, script_for(to))


async def start_rig(answer: Answer, ring_seconds: float) -> tuple[Rig, web.AppRunner]:
    reports: list[dict[str, str]] = []

    async def webhook(request: web.Request) -> web.Response:
        reports.append({key: str(value) for key, value in (await request.post()).items()})
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/telephony/twilio/{kind}", webhook)
    sink = web.AppRunner(app, access_log=None)
    await sink.setup()
    port = free_port()
    await web.TCPSite(sink, "127.0.0.1", port).start()

    fake = FakeTwilio(
        ACCOUNT_SID,
        AUTH_TOKEN,
        answer=answering(answer),  # type: ignore[arg-type]
        step_seconds=0.01,
        ring_seconds=ring_seconds,
    )
    await fake.start()
    twilio = TwilioTelephony(
        ACCOUNT_SID, AUTH_TOKEN, f"http://127.0.0.1:{port}", api_base_url=fake.base_url
    )
    await twilio.start()
    return Rig(fake, twilio, reports), sink


@pytest.fixture
async def ringing_rig() -> AsyncIterator[Rig]:
    rig, sink = await start_rig(Answer.HUMAN, ring_seconds=5)
    yield rig
    await stop(rig, sink)


@pytest.fixture
async def machine_rig() -> AsyncIterator[Rig]:
    rig, sink = await start_rig(Answer.MACHINE, ring_seconds=0)
    yield rig
    await stop(rig, sink)


async def stop(rig: Rig, sink: web.AppRunner) -> None:
    await rig.twilio.close()
    await rig.fake.stop()
    await sink.cleanup()


async def test_a_ringing_call_is_canceled(ringing_rig: Rig) -> None:
    call = await ringing_rig.call_in("ringing")

    await ringing_rig.twilio.hang_up(call.sid)
    await ringing_rig.fake.idle(timeout=5)

    assert ringing_rig.fake.hang_up_requests == [call.sid]
    assert ringing_rig.fake.refused_updates == []
    assert call.status == "canceled"
    assert ringing_rig.reports[-1]["CallStatus"] == "canceled"


async def test_the_fake_refuses_completed_for_a_ringing_call_as_twilio_does(
    ringing_rig: Rig,
) -> None:
    call = await ringing_rig.call_in("ringing")

    with pytest.raises(Exception, match="400"):
        await ringing_rig.twilio._api.calls(call.sid).update_async(status="completed")

    assert ringing_rig.fake.refused_updates == [(call.sid, "completed")]
    assert call.status == "ringing"


async def test_an_answered_call_is_completed(machine_rig: Rig) -> None:
    call = await machine_rig.call_in("in-progress")

    await machine_rig.twilio.hang_up(call.sid)
    await machine_rig.fake.idle(timeout=5)

    assert machine_rig.fake.hang_up_requests == [call.sid]
    assert machine_rig.fake.refused_updates == []
    assert call.status == "completed"


async def test_an_ended_or_unknown_call_needs_nothing(machine_rig: Rig) -> None:
    call = await machine_rig.call_in("in-progress")
    await machine_rig.twilio.hang_up(call.sid)
    await machine_rig.fake.idle(timeout=5)

    await machine_rig.twilio.hang_up(call.sid)
    await machine_rig.twilio.hang_up("CA" + "0" * 32)

    assert machine_rig.fake.hang_up_requests == [call.sid]
