"""The opt-out portal in a real headless browser, with JavaScript switched off.

Debian's chromium (SYSTEM_PACKAGES in the Makefile) is driven by Playwright; Playwright's
own browser downloads are never used. Screenshots at a phone's size go to test-artifacts/.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, ViewportSize, expect

from sightsync.gateway.entrypoints.admin.client import AdminClient
from tests.support.api import create_api_key, create_practice
from tests.support.system import RunningSystem

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

PHONE = ViewportSize(width=390, height=844)
NUMBER = "07700 900777"


@pytest_asyncio.fixture(loop_scope="module")
async def phone(chromium: Browser) -> AsyncIterator[Page]:
    """A phone-sized page that runs no JavaScript at all."""
    context = await chromium.new_context(
        java_script_enabled=False,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    page = await context.new_page()
    yield page
    await context.close()


async def test_a_patient_opts_out_with_javascript_off_and_their_recall_is_refused(
    full_system: RunningSystem, admin: AdminClient, phone: Page, artifacts: Path
) -> None:
    practice = await create_practice(admin)
    key = await create_api_key(admin, practice["id"])
    async with full_system.http.post(
        full_system.api("/patients"),
        json={"first_name": "Sam", "phone_number": NUMBER},
        headers=key.headers,
    ) as response:
        patient = (await response.json())["patient"]
    blocked: list[str] = []
    phone.on(
        "console",
        lambda message: blocked.append(message.text) if "Security Policy" in message.text else None,
    )
    stylesheets: list[int] = []
    phone.on(
        "response",
        lambda answer: stylesheets.append(answer.status) if answer.url.endswith(".css") else None,
    )

    await phone.goto(full_system.url("gateway", "/opt-out"))
    await expect(phone.get_by_role("heading", level=1)).to_have_text("Stop recall calls")
    await phone.get_by_label("Your phone number").fill("+33 1 23 45 67 89")
    await phone.get_by_role("button", name="Continue").click()
    field = phone.get_by_label("Your phone number")
    await expect(field).to_have_attribute("aria-invalid", "true")
    await expect(field).to_have_accessible_description(
        "The number we call you on, for example 07700 900123 "
        "Error: Enter a UK phone number – we only call numbers in the UK"
    )
    await field.focus()
    await phone.screenshot(path=artifacts / "portal-phone-1-error.png", full_page=True)

    await field.fill(NUMBER)
    await phone.get_by_role("button", name="Continue").click()
    await expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Stop recall calls to this number?"
    )
    await expect(phone.get_by_text(NUMBER, exact=True)).to_be_visible()
    await phone.screenshot(path=artifacts / "portal-phone-2-confirm.png", full_page=True)
    await phone.get_by_role("button", name="Yes, stop the calls").click()

    await expect(phone.get_by_role("heading", level=1)).to_have_text("Recall calls stopped")
    await expect(phone.get_by_text("We have recorded your request.")).to_be_visible()
    await phone.screenshot(path=artifacts / "portal-phone-3-done.png", full_page=True)
    assert blocked == []
    assert stylesheets and set(stylesheets) <= {200, 304}

    # Compliance applies the event moments after the page answers: allow it a second.
    for _ in range(50):
        async with full_system.http.get(
            full_system.api(f"/patients/{patient['id']}"), headers=key.headers
        ) as response:
            if (await response.json())["patient"]["opted_out"]:
                break
        await asyncio.sleep(0.02)
    async with full_system.http.post(
        full_system.api("/recall"), json={"patient_id": patient["id"]}, headers=key.headers
    ) as response:
        body = await response.json()
    assert response.status == 409, body
