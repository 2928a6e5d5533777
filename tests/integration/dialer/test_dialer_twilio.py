"""TELEPHONY=twilio against a local fake of Twilio's REST API and webhooks."""

from __future__ import annotations

import aiohttp
import pytest

from sightsync.common.bus.connection import Bus
from tests.integration.dialer.conftest import (
    AUTH_TOKEN,
    EventTap,
    TwilioRig,
    envelope_of,
    payloads,
    place_call,
)
from tests.support.fake_twilio import twilio_signature

pytestmark = pytest.mark.integration

CALLER_ID = "+441632960000"


async def test_booked_call_end_to_end(
    twilio_rig: TwilioRig, events: EventTap, publisher: Bus
) -> None:
    command = place_call("+447700900111", caller_id=CALLER_ID)

    await publisher.publish_envelope(envelope_of(command))
    await events.until_final([command.call_id])

    assert events.types(command.call_id) == [
        "call.placed",
        "call.answered",
        "appointment.booked",
        "call.completed",
    ]
    placed = payloads(events, command.call_id, "call.placed")[0]
    assert placed["provider"] == "twilio"
    assert placed["provider_call_id"].startswith("CA")
    completed = payloads(events, command.call_id, "call.completed")[0]
    assert completed["outcome"] == "booked"
    assert completed["transcript"][0]["speaker"] == "agent"
    assert all(request.status < 300 for request in twilio_rig.fake.sent)

    (created,) = twilio_rig.fake.create_requests
    assert created["From"] == CALLER_ID
    assert created["To"] == "+447700900111"
    assert int(created["Timeout"]) >= 15
    assert created["MachineDetection"] == "Enable"
    assert created["AsyncAmd"] == "true"
    assert set(created["StatusCallbackEvent"]) == {"initiated", "ringing", "answered", "completed"}
    for name in ("Url", "StatusCallback", "AsyncAmdStatusCallback"):
        assert created[name].startswith(twilio_rig.dialer_url + "/telephony/twilio/")
        assert command.call_id in created[name]


async def test_redelivered_place_call_dials_once(
    twilio_rig: TwilioRig, events: EventTap, publisher: Bus
) -> None:
    envelope = envelope_of(place_call("+447700900122", caller_id=CALLER_ID))
    call_id = envelope.payload["call_id"]

    await publisher.publish_envelope(envelope)
    await publisher.publish_envelope(envelope)
    await events.until_final([call_id])
    await publisher.publish_envelope(envelope)
    await twilio_rig.fake.idle()

    assert len(twilio_rig.fake.create_requests) == 1
    assert events.types(call_id).count("call.placed") == 1


async def test_unsigned_or_forged_webhooks_are_refused(twilio_rig: TwilioRig) -> None:
    url = f"{twilio_rig.dialer_url}/telephony/twilio/status?call_id=c_unknown"
    params = {"CallSid": "CA1", "CallStatus": "completed"}
    forged = twilio_signature("0" * 32, url, params)
    signed = twilio_signature(AUTH_TOKEN, url, params)

    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=params) as unsigned:
            assert unsigned.status == 403
            assert (await unsigned.json())["error"]["code"] == "invalid_signature"
        async with http.post(url, data=params, headers={"X-Twilio-Signature": forged}) as bad:
            assert bad.status == 403
        tampered = {**params, "CallStatus": "busy"}
        headers = {"X-Twilio-Signature": signed}
        async with http.post(url, data=tampered, headers=headers) as changed:
            assert changed.status == 403
        async with http.post(url, data=params, headers=headers) as good:
            assert good.status == 204


async def test_machine_busy_and_no_answer_end_as_failures(
    twilio_rig: TwilioRig, events: EventTap, publisher: Bus
) -> None:
    machine = place_call("+447700900155", caller_id=CALLER_ID)
    busy = place_call("+447700900144", caller_id=CALLER_ID)
    unanswered = place_call("+447700900133", caller_id=CALLER_ID)
    for command in (machine, busy, unanswered):
        await publisher.publish_envelope(envelope_of(command))

    await events.until_final([machine.call_id, busy.call_id, unanswered.call_id])

    assert events.types(machine.call_id) == ["call.placed", "call.answered", "call.failed"]
    assert payloads(events, machine.call_id, "call.failed")[0]["reason"] == "voicemail"
    assert payloads(events, busy.call_id, "call.failed")[0]["reason"] == "busy"
    assert payloads(events, unanswered.call_id, "call.failed")[0]["reason"] == "no_answer"
    await twilio_rig.fake.idle()
    # The dialer hung up on the answering machine instead of talking to it.
    machine_sid = payloads(events, machine.call_id, "call.placed")[0]["provider_call_id"]
    assert twilio_rig.fake.hang_up_requests == [machine_sid]
