"""Events reach practices' receivers signed, retried, bounded and never somewhere internal."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from sightsync.common.ids import new_id
from sightsync.common.messages.calls import CallCompleted, CallFailed, TranscriptTurn
from sightsync.common.messages.webhooks import (
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    GetWebhookEndpoint,
    ListWebhookDeliveries,
    RetryWebhookDelivery,
    RotateWebhookSecret,
    SendTestWebhook,
    UpdateWebhookEndpoint,
)
from tests.integration.webhooks.conftest import (
    HANG,
    Receiver,
    Webhooks,
    verify_standard_webhook,
)

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


def _completed(practice_id: str) -> CallCompleted:
    at = datetime.now(UTC)
    return CallCompleted(
        call_id=new_id("c"),
        practice_id=practice_id,
        patient_id=new_id("pat"),
        outcome="booked",
        summary="Booked a routine eye exam.",
        duration_seconds=61.0,
        started_at=at,
        ended_at=at,
        transcript=[TranscriptTurn(index=0, speaker="patient", text="Yes please", at=at)],
    )


def _failed(practice_id: str) -> CallFailed:
    return CallFailed(
        call_id=new_id("c"),
        practice_id=practice_id,
        patient_id=new_id("pat"),
        reason="no_answer",
        failed_at=datetime.now(UTC),
    )


async def _endpoint(
    webhooks: Webhooks, practice_id: str, url: str, events: list[Any] | None = None
) -> tuple[str, str]:
    created = await webhooks.ask(
        CreateWebhookEndpoint(
            practice_id=practice_id, url=url, events=events or ["call.completed", "call.failed"]
        )
    )
    return created["endpoint"]["id"], created["secret"]


async def _deliveries(webhooks: Webhooks, practice_id: str, endpoint_id: str) -> list[Any]:
    page = await webhooks.ask(
        ListWebhookDeliveries(practice_id=practice_id, endpoint_id=endpoint_id)
    )
    deliveries: list[Any] = page["deliveries"]
    return deliveries


async def _settled(
    webhooks: Webhooks, practice_id: str, endpoint_id: str, timeout: float = 5.0
) -> dict[str, Any]:
    """The endpoint's newest delivery, once it succeeded or failed for good."""
    async with asyncio.timeout(timeout):
        while True:
            deliveries = await _deliveries(webhooks, practice_id, endpoint_id)
            if deliveries and deliveries[0]["status"] in {"succeeded", "failed"}:
                return dict(deliveries[0])
            await asyncio.sleep(0.05)


async def test_an_event_reaches_its_subscribers_signed_and_without_the_transcript(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    practice = new_id("prac")
    endpoint_id, secret = await _endpoint(webhooks, practice, receiver.url("signed"))
    other, _ = await _endpoint(webhooks, practice, receiver.url("other"), ["call.failed"])

    started = time.perf_counter()
    envelope = await webhooks.publish(_completed(practice))
    [arrived] = await receiver.wait_for("signed", 1)
    latency = arrived.at - started

    body = json.loads(arrived.body)
    assert verify_standard_webhook(secret, arrived.headers, arrived.body)
    assert arrived.headers["webhook-id"] == body["id"] == "evt_" + envelope.id[4:]
    assert abs(int(arrived.headers["webhook-timestamp"]) - time.time()) < 5
    assert arrived.headers["Content-Type"] == "application/json"
    assert body["type"] == "call.completed"
    assert set(body["data"]) == {
        "call_id",
        "patient_id",
        "outcome",
        "summary",
        "duration_seconds",
        "started_at",
        "ended_at",
    }
    assert "Yes please" not in arrived.body.decode()
    assert latency < 2.0, f"event to receiver took {latency:.3f}s"

    delivery = await _settled(webhooks, practice, endpoint_id)
    assert delivery["status"] == "succeeded"
    assert [(a["attempt"], a["status_code"]) for a in delivery["attempt_log"]] == [(1, 200)]
    assert delivery["next_attempt_at"] is None
    assert await _deliveries(webhooks, practice, other) == []
    assert receiver.at("other") == []


async def test_the_same_bus_event_twice_is_one_delivery(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    practice = new_id("prac")
    endpoint_id, _ = await _endpoint(webhooks, practice, receiver.url("twice"))
    envelope = await webhooks.publish(_failed(practice))

    await webhooks.bus.publish_envelope(envelope)
    await receiver.wait_for("twice", 1)
    await asyncio.sleep(0.3)

    assert len(receiver.at("twice")) == 1
    assert len(await _deliveries(webhooks, practice, endpoint_id)) == 1


async def test_server_errors_are_retried_with_the_same_id_until_one_succeeds(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    practice = new_id("prac")
    receiver.script("flaky", 500, 503)
    endpoint_id, secret = await _endpoint(webhooks, practice, receiver.url("flaky"))

    await webhooks.publish(_failed(practice))
    attempts = await receiver.wait_for("flaky", 3)

    assert len({a.headers["webhook-id"] for a in attempts}) == 1
    assert all(verify_standard_webhook(secret, a.headers, a.body) for a in attempts)
    delivery = await _settled(webhooks, practice, endpoint_id)
    assert delivery["status"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 503, 200]
    assert delivery["attempts"] == 3


async def test_a_delivery_that_exhausts_its_retries_fails_and_can_be_retried_by_hand(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    practice = new_id("prac")
    receiver.script("down", 500, 500, 500, 500)
    endpoint_id, _ = await _endpoint(webhooks, practice, receiver.url("down"))

    await webhooks.publish(_failed(practice))
    failed = await _settled(webhooks, practice, endpoint_id)

    assert (failed["status"], failed["attempts"], failed["next_attempt_at"]) == ("failed", 4, None)
    retried = await webhooks.ask(
        RetryWebhookDelivery(
            practice_id=practice, endpoint_id=endpoint_id, delivery_id=failed["id"]
        )
    )
    assert retried["delivery"]["status"] == "pending"
    await receiver.wait_for("down", 5)
    delivered = await _settled(webhooks, practice, endpoint_id)
    assert (delivered["status"], delivered["attempts"]) == ("succeeded", 5)


async def test_410_disables_the_endpoint_and_enabling_it_again_resumes(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    practice = new_id("prac")
    receiver.script("gone", 410)
    endpoint_id, _ = await _endpoint(webhooks, practice, receiver.url("gone"))

    await webhooks.publish(_failed(practice))
    delivery = await _settled(webhooks, practice, endpoint_id)
    endpoint = (
        await webhooks.ask(GetWebhookEndpoint(practice_id=practice, endpoint_id=endpoint_id))
    )["endpoint"]

    assert delivery["status"] == "failed"
    assert len(receiver.at("gone")) == 1, "410 is never retried"
    assert endpoint["enabled"] is False
    assert endpoint["disabled_reason"] == "receiver answered 410 Gone"
    ping = await webhooks.refusal(SendTestWebhook(practice_id=practice, endpoint_id=endpoint_id))
    assert (ping.status, ping.code) == (409, "endpoint_disabled")

    await webhooks.ask(
        UpdateWebhookEndpoint(practice_id=practice, endpoint_id=endpoint_id, enabled=True)
    )
    await webhooks.publish(_failed(practice))
    await receiver.wait_for("gone", 2)


async def test_a_hanging_receiver_times_out_while_another_endpoint_is_served_promptly(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    slow_practice, quick_practice = new_id("prac"), new_id("prac")
    receiver.script("hang", HANG, HANG, HANG, HANG)
    slow, _ = await _endpoint(webhooks, slow_practice, receiver.url("hang"))
    await _endpoint(webhooks, quick_practice, receiver.url("quick"))
    for _ in range(3):
        await webhooks.publish(_failed(slow_practice))
    await receiver.wait_for("hang", 2)

    started = time.perf_counter()
    await webhooks.publish(_failed(quick_practice))
    await receiver.wait_for("quick", 1)
    quick_latency = time.perf_counter() - started
    await asyncio.sleep(0.7)

    assert quick_latency < 0.45, "not queued behind the hanging receiver's 0.5 s timeout"
    timed_out = [
        attempt
        for delivery in await _deliveries(webhooks, slow_practice, slow)
        for attempt in delivery["attempt_log"]
    ]
    assert timed_out and {a["outcome"] for a in timed_out} == {"timeout"}
    assert all(500 <= a["latency_ms"] < 1500 for a in timed_out)


async def test_rotation_signs_with_both_secrets_for_a_day_then_only_the_new_one(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    practice = new_id("prac")
    endpoint_id, old = await _endpoint(webhooks, practice, receiver.url("rotate"))
    rotated = await webhooks.ask(RotateWebhookSecret(practice_id=practice, endpoint_id=endpoint_id))
    new = rotated["secret"]

    await webhooks.ask(SendTestWebhook(practice_id=practice, endpoint_id=endpoint_id))
    [during] = await receiver.wait_for("rotate", 1)
    webhooks.clock.offset_seconds += 24 * 3600 + 1
    try:
        await webhooks.ask(SendTestWebhook(practice_id=practice, endpoint_id=endpoint_id))
        [_, after] = await receiver.wait_for("rotate", 2)
    finally:
        webhooks.clock.offset_seconds -= 24 * 3600 + 1

    assert new != old and new.startswith("whsec_")
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert verify_standard_webhook(old, during.headers, during.body)
    assert verify_standard_webhook(new, during.headers, during.body)
    assert json.loads(during.body)["type"] == "ping"
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert verify_standard_webhook(new, after.headers, after.body)
    assert not verify_standard_webhook(old, after.headers, after.body)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.0.0.5/hook", "private"),
        ("https://192.168.1.20/hook", "private"),
        ("https://169.254.10.1/hook", "link_local"),
        ("https://169.254.169.254/latest/meta-data", "metadata"),
        ("https://[fd00:ec2::254]/", "metadata"),
        ("https://[::ffff:10.0.0.5]/", "private"),
        ("http://93.184.216.34/hook", "scheme"),
        ("https://intranet.sightsync.test/hook", "private"),
        ("https://nowhere.invalid/hook", "unresolvable"),
        ("https://admin:pw@hooks.example.com/", "credentials"),
    ],
)
async def test_internal_destinations_are_refused_at_registration(
    webhooks: Webhooks, url: str, reason: str
) -> None:
    webhooks.resolver.point("intranet.sightsync.test", "93.184.216.34", "10.20.30.40")
    refusal = await webhooks.refusal(
        CreateWebhookEndpoint(practice_id=new_id("prac"), url=url, events=["call.failed"])
    )

    assert (refusal.status, refusal.code, refusal.details["reason"]) == (400, "url_refused", reason)


async def test_a_name_that_resolves_elsewhere_after_registration_is_refused_at_delivery(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    practice = new_id("prac")
    webhooks.resolver.point("rebind.sightsync.test", "127.0.0.1")
    endpoint_id, _ = await _endpoint(
        webhooks, practice, receiver.url("rebind", host="rebind.sightsync.test")
    )
    webhooks.resolver.point("rebind.sightsync.test", "10.0.0.7")

    await webhooks.publish(_failed(practice))
    delivery = await _settled(webhooks, practice, endpoint_id)

    assert receiver.at("rebind") == []
    assert {a["outcome"] for a in delivery["attempt_log"]} == {"refused"}
    assert delivery["last_error"] == "private"


async def test_a_practice_holds_at_most_ten_endpoints(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    practice = new_id("prac")
    ids = [(await _endpoint(webhooks, practice, receiver.url(f"n{i}")))[0] for i in range(10)]

    eleventh = CreateWebhookEndpoint(
        practice_id=practice, url=receiver.url("n11"), events=["call.failed"]
    )
    refusal = await webhooks.refusal(eleventh)
    await webhooks.ask(DeleteWebhookEndpoint(practice_id=practice, endpoint_id=ids[0]))

    assert (refusal.status, refusal.code, refusal.details["limit"]) == (
        409,
        "endpoint_limit_reached",
        10,
    )
    assert (await webhooks.ask(eleventh))["endpoint"]["id"].startswith("whk_")
    other_practice = await webhooks.refusal(
        GetWebhookEndpoint(practice_id=new_id("prac"), endpoint_id=ids[1])
    )
    assert other_practice.status == 404


async def test_an_endpoint_failing_for_three_days_is_disabled_and_says_since_when(
    webhooks: Webhooks, receiver: Receiver
) -> None:
    practice = new_id("prac")
    receiver.script("broken", *[500] * 8)
    endpoint_id, _ = await _endpoint(webhooks, practice, receiver.url("broken"))
    await webhooks.publish(_failed(practice))
    async with asyncio.timeout(5):
        while True:
            deliveries = await _deliveries(webhooks, practice, endpoint_id)
            if deliveries and deliveries[0]["attempts"] >= 1:
                break
            await asyncio.sleep(0.02)

    webhooks.clock.offset_seconds += 72 * 3600
    try:
        await receiver.wait_for("broken", 2)
        async with asyncio.timeout(5):
            while True:
                endpoint = (
                    await webhooks.ask(
                        GetWebhookEndpoint(practice_id=practice, endpoint_id=endpoint_id)
                    )
                )["endpoint"]
                if not endpoint["enabled"]:
                    break
                await asyncio.sleep(0.05)
        delivery = await _settled(webhooks, practice, endpoint_id)
    finally:
        webhooks.clock.offset_seconds -= 72 * 3600

    # The second attempt may beat the clock change by a hair; either way the streak is
    # exactly the attempts the receiver saw, and none came after the endpoint was disabled.
    attempts = len(receiver.at("broken"))
    assert attempts in {2, 3}
    assert endpoint["disabled_reason"].startswith("no successful delivery since ")
    assert endpoint["disabled_reason"].endswith(f"({attempts} failed attempts)")
    assert delivery["status"] == "failed"
    assert delivery["last_error"] == "endpoint_disabled"
