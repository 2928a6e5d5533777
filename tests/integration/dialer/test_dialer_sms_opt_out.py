"""Texts back to a caller id, against the dialer with TELEPHONY=twilio and a fake Twilio:
STOP opts the patient out at every practice that rang them from that number, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from sightsync.common.bus.connection import Bus
from sightsync.common.ids import new_id
from sightsync.dialer.entrypoints.twilio_sms import OPT_OUT_CONFIRMATION
from tests.integration.dialer.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    EventTap,
    TwilioRig,
    envelope_of,
    place_call,
)
from tests.support.fake_twilio import twilio_signature

pytestmark = pytest.mark.integration

SHARED_SENDER = "+441632960000"
OTHER_SENDER = "+441632960999"
# The last digit 3 makes the fake's patient let it ring out: a quick call that still rang.
PATIENT = "+447700900513"
CONFIRMATION = f"<Response><Message>{OPT_OUT_CONFIRMATION}</Message></Response>"


@dataclass
class SmsRig:
    dialer_url: str
    http: aiohttp.ClientSession

    async def text(
        self, body: str, *, sid: str, from_: str = PATIENT, to: str = SHARED_SENDER
    ) -> tuple[int, str, str]:
        url = f"{self.dialer_url}/telephony/twilio/sms"
        params = sms_params(body, sid=sid, from_=from_, to=to)
        headers = {"X-Twilio-Signature": twilio_signature(AUTH_TOKEN, url, params)}
        async with self.http.post(url, data=params, headers=headers) as response:
            return response.status, response.content_type, await response.text()


def sms_params(body: str, *, sid: str, from_: str, to: str) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "MessageSid": sid,
        "SmsSid": sid,
        "From": from_,
        "To": to,
        "Body": body,
        "NumMedia": "0",
    }


def new_sid() -> str:
    return "SM" + new_id("msg")[-26:]


@pytest.fixture
async def rig(twilio_rig: TwilioRig) -> AsyncIterator[SmsRig]:
    async with aiohttp.ClientSession() as http:
        yield SmsRig(twilio_rig.dialer_url, http)


def opt_outs(events: EventTap) -> list[dict[str, Any]]:
    return [e.payload for e in events.envelopes if e.type == "patient.opted_out"]


async def rung_by_three_practices(events: EventTap, publisher: Bus) -> list[Any]:
    """Two practices share a caller id and rang the patient from it; a third rang from its own."""
    commands = [
        place_call(PATIENT, practice_id=new_id("prac"), caller_id=SHARED_SENDER),
        place_call(PATIENT, practice_id=new_id("prac"), caller_id=SHARED_SENDER),
        place_call(PATIENT, practice_id=new_id("prac"), caller_id=OTHER_SENDER),
    ]
    for command in commands:
        await publisher.publish_envelope(envelope_of(command))
    await events.until_final([command.call_id for command in commands])
    return commands


async def test_stop_opts_out_at_every_practice_that_rang_from_that_number_once(
    rig: SmsRig, events: EventTap, publisher: Bus, capsys: pytest.CaptureFixture[str]
) -> None:
    shared_a, shared_b, elsewhere = await rung_by_three_practices(events, publisher)
    sid = new_sid()

    status, content_type, body = await rig.text("Stop please", sid=sid)
    await events.wait_for(lambda tap: len(opt_outs(tap)) == 2)
    # Twilio retries: again later, and twice at once.
    again = [await rig.text("Stop please", sid=sid)]
    again += await asyncio.gather(*(rig.text("Stop please", sid=sid) for _ in range(2)))
    await asyncio.sleep(0.5)

    assert (status, content_type) == (200, "text/xml")
    assert body.endswith(CONFIRMATION)
    assert all(answer == (200, "text/xml", body) for answer in again)
    received = sorted(opt_outs(events), key=lambda payload: payload["practice_id"])
    expected = sorted([shared_a, shared_b], key=lambda command: command.practice_id)
    assert [(p["practice_id"], p["patient_id"]) for p in received] == [
        (command.practice_id, command.patient.patient_id) for command in expected
    ]
    assert all(p["channel"] == "sms" and p["phone_number"] == PATIENT for p in received)
    assert all(p["call_id"] is None and p["opted_out_at"] for p in received)
    assert elsewhere.practice_id not in {p["practice_id"] for p in received}
    logged = capsys.readouterr().out
    assert "sms_opt_out" in logged
    assert PATIENT not in logged and SHARED_SENDER not in logged and "Stop please" not in logged


async def test_other_texts_get_no_reply_and_opt_nobody_out(
    rig: SmsRig, events: EventTap, publisher: Bus, capsys: pytest.CaptureFixture[str]
) -> None:
    await rung_by_three_practices(events, publisher)

    answers = [
        await rig.text(text, sid=new_sid())
        for text in ("Thanks, see you Tuesday", "I need to cancel my appointment", "stopped", "")
    ]
    await asyncio.sleep(0.5)

    assert {status for status, _, _ in answers} == {200}
    assert all(body.endswith("<Response />") for _, _, body in answers)
    assert opt_outs(events) == []
    logged = capsys.readouterr().out
    assert "sms_reply_ignored" in logged
    assert "see you Tuesday" not in logged and PATIENT not in logged


async def test_a_number_never_rung_from_that_sender_is_answered_alike_but_emits_nothing(
    rig: SmsRig, events: EventTap, publisher: Bus
) -> None:
    await rung_by_three_practices(events, publisher)

    stranger = await rig.text("STOP", sid=new_sid(), from_="+447700900999")
    wrong_sender = await rig.text("STOP", sid=new_sid(), to="+441632960555")
    known = await rig.text("STOP", sid=new_sid())
    await events.wait_for(lambda tap: len(opt_outs(tap)) == 2)
    await asyncio.sleep(0.3)

    assert stranger == wrong_sender == known
    assert len(opt_outs(events)) == 2


async def test_unsigned_forged_or_altered_texts_are_refused(rig: SmsRig, events: EventTap) -> None:
    url = f"{rig.dialer_url}/telephony/twilio/sms"
    params = sms_params("STOP", sid=new_sid(), from_=PATIENT, to=SHARED_SENDER)
    signed = twilio_signature(AUTH_TOKEN, url, params)
    attempts = [
        ({}, params),
        ({"X-Twilio-Signature": twilio_signature("0" * 32, url, params)}, params),
        ({"X-Twilio-Signature": signed}, {**params, "From": "+447700900777"}),
        ({"X-Twilio-Signature": twilio_signature(AUTH_TOKEN, url + "?x=1", params)}, params),
    ]

    for headers, data in attempts:
        async with rig.http.post(url, data=data, headers=headers) as response:
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "invalid_signature"
    await asyncio.sleep(0.3)

    assert opt_outs(events) == []
