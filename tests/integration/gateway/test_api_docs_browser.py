"""The API reference renders in a real headless browser that may reach nothing but the gateway.

Every request to any other host is aborted and recorded, so a page that needed a CDN (or a
public validator) would fail here. Debian's chromium is driven by Playwright, as for the
opt-out portal; a screenshot goes to test-artifacts/.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Route, expect

from tests.support.system import RunningSystem

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

DOCUMENTED_PATHS = json.loads((Path(__file__).parents[3] / "docs" / "openapi.json").read_text())[
    "paths"
]


async def test_the_reference_renders_every_operation_offline(
    gateway_alone: RunningSystem, chromium: Browser, artifacts: Path
) -> None:
    gateway = urlsplit(gateway_alone.url("gateway", "/")).netloc
    elsewhere: list[str] = []

    async def only_the_gateway(route: Route) -> None:
        if urlsplit(route.request.url).netloc == gateway:
            await route.continue_()
        else:
            elsewhere.append(route.request.url)
            await route.abort()

    context = await chromium.new_context(viewport={"width": 1280, "height": 900})
    await context.route("**/*", only_the_gateway)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )

    await page.goto(gateway_alone.url("gateway", "/api/v1/docs"))
    await expect(page.locator(".info .title")).to_contain_text("SightSync API", timeout=15_000)
    operations = sum(len(item) for item in DOCUMENTED_PATHS.values())
    await expect(page.locator(".opblock")).to_have_count(operations)
    recall = page.locator("#operations-Recall-requestRecall")
    await recall.locator(".opblock-summary").click()
    await expect(recall.locator(".responses-table")).to_contain_text("451")
    await page.screenshot(path=str(artifacts / "api-reference.png"), full_page=False)
    await recall.screenshot(path=str(artifacts / "api-reference-recall.png"))
    await context.close()

    assert elsewhere == []
    assert errors == []
