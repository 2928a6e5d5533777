"""`sightsync-admin webhooks` as operators run it, against the whole system and a receiver."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from sightsync.common.messages.webhooks import ListWebhookDeliveries
from sightsync.gateway.entrypoints.admin.client import AdminClient
from tests.integration.gateway.test_admin_cli import admin_cli
from tests.integration.webhooks.conftest import (
    Receiver,
    running_receiver,
    verify_standard_webhook,
)
from tests.support.api import create_practice
from tests.support.system import RunningSystem

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


async def webhooks(system: RunningSystem, *args: str) -> tuple[int, Any, Any]:
    """(exit code, stdout as JSON, stderr as JSON): every webhooks answer is JSON."""
    code, out, err = await admin_cli(system, "webhooks", *args)
    return code, out, json.loads(err) if err.strip() else None


async def _settled(admin: AdminClient, practice_id: str, endpoint_id: str) -> dict[str, Any]:
    """The newest delivery once it is no longer waiting or being attempted."""
    async with asyncio.timeout(10):
        while True:
            page = await admin.ask(
                ListWebhookDeliveries(practice_id=practice_id, endpoint_id=endpoint_id),
                practice_id=practice_id,
            )
            if page["deliveries"] and page["deliveries"][0]["status"] in {"succeeded", "failed"}:
                return dict(page["deliveries"][0])
            await asyncio.sleep(0.1)


async def test_an_endpoint_is_created_with_its_secret_once_then_listed_and_changed(
    full_system: RunningSystem, admin: AdminClient, receiver: Receiver
) -> None:
    practice = (await create_practice(admin))["id"]

    code, created, _ = await webhooks(
        full_system, "create", "--practice", practice, "--url", receiver.url("changed"),
        "--event", "appointment.booked", "--event", "call.completed", "--description", "PMS",
    )  # fmt: skip
    assert code == 0
    assert set(created) == {"endpoint", "secret"}
    endpoint, secret = created["endpoint"], created["secret"]
    assert endpoint["id"].startswith("whk_") and secret.startswith("whsec_")
    assert (endpoint["events"], endpoint["description"]) == (
        ["appointment.booked", "call.completed"],
        "PMS",
    )

    code, listing, _ = await webhooks(full_system, "list", "--practice", practice)
    assert code == 0
    assert [e["id"] for e in listing["endpoints"]] == [endpoint["id"]]
    assert secret not in json.dumps(listing) and "secret" not in listing["endpoints"][0]
    code, shown, _ = await webhooks(full_system, "show", "--practice", practice, endpoint["id"])
    assert (code, shown) == (0, {"endpoint": listing["endpoints"][0]})

    code, disabled, _ = await webhooks(
        full_system, "update", "--practice", practice, endpoint["id"], "--disable"
    )
    assert code == 0
    assert (disabled["endpoint"]["enabled"], disabled["endpoint"]["disabled_reason"]) == (
        False,
        "disabled_by_practice",
    )
    code, _, refused = await webhooks(full_system, "test", "--practice", practice, endpoint["id"])
    assert (code, refused["status"]) == (1, 409)

    code, enabled, _ = await webhooks(
        full_system, "update", "--practice", practice, endpoint["id"], "--enable",
        "--event", "call.failed",
    )  # fmt: skip
    assert code == 0
    assert (enabled["endpoint"]["enabled"], enabled["endpoint"]["events"]) == (
        True,
        ["call.failed"],
    )

    code, out, refused = await webhooks(
        full_system, "update", "--practice", practice, endpoint["id"]
    )
    assert (code, out, refused["status"]) == (1, None, 400)
    assert "at least one" in refused["error"]


async def test_a_rotated_secret_signs_the_ping_which_is_logged_retried_and_then_deleted(
    full_system: RunningSystem, admin: AdminClient, receiver: Receiver
) -> None:
    practice = (await create_practice(admin))["id"]
    _, created, _ = await webhooks(
        full_system, "create", "--practice", practice, "--url", receiver.url("pinged"),
        "--event", "call.completed",
    )  # fmt: skip
    endpoint_id = created["endpoint"]["id"]

    code, rotated, _ = await webhooks(
        full_system, "rotate-secret", "--practice", practice, endpoint_id
    )
    assert code == 0
    assert rotated["secret"] not in {created["secret"], None}
    assert rotated["previous_secret_expires_at"] is not None

    code, queued, _ = await webhooks(full_system, "test", "--practice", practice, endpoint_id)
    assert code == 0
    [ping] = await receiver.wait_for("pinged", 1)
    assert ping.headers["webhook-id"] == queued["event_id"]
    assert json.loads(ping.body)["type"] == "ping"
    assert verify_standard_webhook(rotated["secret"], ping.headers, ping.body)
    await _settled(admin, practice, endpoint_id)

    code, log, _ = await webhooks(
        full_system, "deliveries", "--practice", practice, endpoint_id, "--limit", "5"
    )
    assert code == 0
    [delivery] = log["deliveries"]
    assert (delivery["id"], delivery["event_type"], delivery["status"]) == (
        queued["delivery_id"],
        "ping",
        "succeeded",
    )
    code, retried, _ = await webhooks(
        full_system, "retry", "--practice", practice, endpoint_id, queued["delivery_id"]
    )
    assert (code, retried["delivery"]["id"]) == (0, queued["delivery_id"])
    await receiver.wait_for("pinged", 2)

    code, deleted, _ = await webhooks(full_system, "delete", "--practice", practice, endpoint_id)
    assert (code, deleted) == (0, {"deleted": True})
    code, out, refused = await webhooks(full_system, "show", "--practice", practice, endpoint_id)
    assert (code, out, refused["status"]) == (1, None, 404)


async def test_internal_urls_unknown_practices_and_bad_fields_are_refused_on_stderr(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    practice = (await create_practice(admin))["id"]
    create = ["create", "--practice", practice, "--event", "call.failed"]

    code, out, refused = await webhooks(full_system, *create, "--url", "http://10.0.0.5/hooks")
    assert (code, out) == (1, None)
    assert (refused["status"], refused["code"], refused["reason"]) == (
        400,
        "url_refused",
        "private",
    )
    assert "private" in refused["error"]

    code, _, refused = await webhooks(
        full_system, *create, "--url", "https://169.254.169.254/latest/meta-data"
    )
    assert (code, refused["reason"]) == (1, "metadata")

    code, _, refused = await webhooks(
        full_system, *create, "--url", "https://pms.example.co.uk/hooks", "--description", "x" * 501
    )
    assert (code, refused["status"], refused["field"]) == (1, 400, "description")

    code, _, refused = await webhooks(full_system, "list", "--practice", "prac_missing")
    assert (code, refused["status"]) == (1, 404)
    code, listing, _ = await webhooks(full_system, "list", "--practice", practice)
    assert (code, listing) == (0, {"endpoints": []})
