"""The opt-out portal over HTTP, with compliance, the dialer and the gateway running.

A patient opts out by number on the public page; compliance must then refuse their recall.
The gateway trusts loopback as a proxy here, so each test poses as its own client address.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sightsync.common.clock import clock_from_environment
from sightsync.common.ids import new_id
from sightsync.common.storage import create_client
from tests.support.api import PracticeKey, practice_with_key
from tests.support.backing import create_vhost, delete_vhost
from tests.support.system import RunningSystem, running_system

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

# A Tuesday at 10:00 in the UK: inside the calling window, so recalls would be accepted.
WEEKDAY_MORNING = "2026-03-03T10:00:00+00:00"
PORTAL_LIMIT = 4
ARTIFACTS = Path("test-artifacts")

_numbers = itertools.count(500)
_clients = itertools.count(10)


def next_number() -> str:
    """A number in Ofcom's drama range, never used twice in this module."""
    return f"07700 900{next(_numbers):03d}"


def e164(number: str) -> str:
    return "+44" + number.replace(" ", "")[1:]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def system(database_url: str) -> AsyncIterator[RunningSystem]:
    vhost, broker_url = create_vhost()
    prefix = new_id("req").lower().replace("req_", "t")
    clock_env = {"SIGHTSYNC_NOW": WEEKDAY_MORNING, "SIGHTSYNC_NOW_ANCHOR": repr(time.time())}
    env = {
        **clock_env,
        "TRUSTED_PROXIES": "127.0.0.1",
        "PORTAL_RATE_LIMIT_PER_MINUTE": str(PORTAL_LIMIT),
        "PORTAL_SECRET": "integration-portal-secret-of-enough-length",
    }
    try:
        async with running_system(
            broker_url=broker_url,
            database_url=database_url,
            db_prefix=prefix,
            clock=clock_from_environment(clock_env),
            services=("compliance", "dialer", "gateway"),
            env=env,
        ) as running:
            yield running
    finally:
        client = create_client(database_url)
        for name in await client.list_database_names():
            if name.startswith(prefix):
                await client.drop_database(name)
        await client.close()
        delete_vhost(vhost)


@pytest_asyncio.fixture(loop_scope="module")
async def browser(system: RunningSystem) -> AsyncIterator[aiohttp.ClientSession]:
    """A visitor with a cookie jar, arriving through the trusted proxy from its own address."""
    async with aiohttp.ClientSession(
        base_url=system.url("gateway", "/"),
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        headers={"X-Forwarded-For": f"198.51.100.{next(_clients)}"},
    ) as session:
        yield session


def save_artifact(name: str, text: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(text)


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


async def load_form(browser: aiohttp.ClientSession) -> str:
    async with browser.get("/opt-out") as response:
        assert response.status == 200
        return form_token(await response.text())


async def post(
    browser: aiohttp.ClientSession, path: str, data: dict[str, str], **headers: str
) -> tuple[aiohttp.ClientResponse, str]:
    async with browser.post(path, data=data, headers=headers) as response:
        return response, await response.text()


async def enter_number(browser: aiohttp.ClientSession, number: str) -> str:
    """The confirmation page for `number`."""
    token = await load_form(browser)
    response, html = await post(browser, "/opt-out", {"csrf_token": token, "phone_number": number})
    assert response.status == 200, html
    return html


async def confirm(browser: aiohttp.ClientSession, confirm_page: str) -> tuple[int, str]:
    hidden = re.search(r'name="phone_number" value="([^"]+)"', confirm_page)
    assert hidden
    data = {"csrf_token": form_token(confirm_page), "phone_number": hidden.group(1)}
    response, html = await post(browser, "/opt-out/confirm", data)
    return response.status, html


async def api(
    system: RunningSystem, key: PracticeKey, method: str, path: str, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    async with system.http.request(method, system.api(path), headers=key.headers, **kwargs) as r:
        return r.status, await r.json()


async def new_patient(system: RunningSystem, key: PracticeKey, number: str) -> dict[str, Any]:
    status, body = await api(
        system, key, "POST", "/patients", json={"first_name": "Sam", "phone_number": number}
    )
    assert status == 200, body
    patient: dict[str, Any] = body["patient"]
    return patient


async def recall(system: RunningSystem, key: PracticeKey, patient_id: str) -> tuple[int, Any]:
    return await api(system, key, "POST", "/recall", json={"patient_id": patient_id})


async def test_an_opt_out_on_the_portal_refuses_the_recall_within_a_second(
    system: RunningSystem, browser: aiohttp.ClientSession
) -> None:
    key = await practice_with_key(system)
    number, control_number = next_number(), next_number()
    patient = await new_patient(system, key, number)
    control = await new_patient(system, key, control_number)
    confirm_page = await enter_number(browser, f"+44 (0){number[1:]}")

    started = time.perf_counter()
    status, done = await confirm(browser, confirm_page)
    answered = time.perf_counter() - started
    while True:
        _, detail = await api(system, key, "GET", f"/patients/{patient['id']}")
        if detail["patient"]["opted_out"] or time.perf_counter() - started > 2:
            break
        await asyncio.sleep(0.005)
    applied = time.perf_counter() - started

    assert status == 200, done
    assert "Recall calls stopped" in done
    assert detail["patient"]["opted_out"] is True
    assert applied < 1.0, f"opt-out applied after {applied:.3f}s"
    measured = {"answered_ms": round(answered * 1000, 1), "applied_ms": round(applied * 1000, 1)}
    await asyncio.to_thread(save_artifact, "portal-opt-out-latency.json", json.dumps(measured))
    status, body = await recall(system, key, patient["id"])
    assert status == 409, body
    # The same practice, the same minute: another patient is still accepted.
    status, body = await recall(system, key, control["id"])
    assert status == 202, body


async def test_the_opt_out_survives_a_later_upsert_and_covers_every_practice(
    system: RunningSystem, browser: aiohttp.ClientSession
) -> None:
    key, other_practice = await practice_with_key(system), await practice_with_key(system)
    number = next_number()
    patient = await new_patient(system, key, number)
    status, _ = await confirm(browser, await enter_number(browser, number))
    assert status == 200
    for _ in range(100):
        _, detail = await api(system, key, "GET", f"/patients/{patient['id']}")
        if detail["patient"]["opted_out"]:
            break
        await asyncio.sleep(0.02)

    status, upserted = await api(
        system,
        key,
        "POST",
        "/patients",
        json={"first_name": "Samantha", "phone_number": e164(number)},
    )
    elsewhere = await new_patient(system, other_practice, number)

    assert status == 200
    assert upserted["patient"]["id"] == patient["id"]
    assert upserted["patient"]["opted_out"] is True
    assert elsewhere["opted_out"] is True
    assert (await recall(system, key, patient["id"]))[0] == 409
    assert (await recall(system, other_practice, elsewhere["id"]))[0] == 409


async def test_a_number_nobody_knows_gets_exactly_the_same_pages(
    system: RunningSystem, browser: aiohttp.ClientSession
) -> None:
    key = await practice_with_key(system)
    known, unknown = next_number(), next_number()
    await new_patient(system, key, known)

    pages = []
    for number in (known, unknown):
        confirm_page = await enter_number(browser, number)
        status, done = await confirm(browser, confirm_page)
        # Only what the visitor typed and the per-form token may differ.
        comparable = confirm_page.replace(form_token(confirm_page), "TOKEN")
        comparable = comparable.replace(number, "NUMBER").replace(e164(number), "E164")
        pages.append((comparable, status, done))

    assert pages[0] == pages[1]
    assert pages[0][1] == 200


async def test_posts_without_our_token_or_from_another_site_are_refused(
    system: RunningSystem, browser: aiohttp.ClientSession
) -> None:
    token = await load_form(browser)
    number = {"phone_number": next_number()}
    gateway = system.url("gateway", "")

    refusals = [
        await post(browser, "/opt-out/confirm", number),
        await post(browser, "/opt-out/confirm", {**number, "csrf_token": "1767225600.Zm9yZ2Vk"}),
        await post(
            browser, "/opt-out", {**number, "csrf_token": token}, Origin="https://evil.example"
        ),
    ]
    same_site, _ = await post(browser, "/opt-out", {**number, "csrf_token": token}, Origin=gateway)

    for response, html in refusals:
        assert response.status == 403
        assert response.content_type == "text/html"
        assert "Please start again" in html
    assert same_site.status == 200


async def test_a_client_address_is_limited_and_told_when_to_retry(
    system: RunningSystem, browser: aiohttp.ClientSession
) -> None:
    token = await load_form(browser)
    data = {"csrf_token": token, "phone_number": next_number()}

    for _ in range(2):
        # Windows are clock minutes; a burst that straddles one is not evidence either way.
        address = f"203.0.113.{next(_clients)}"
        window = int(system.clock.now().timestamp()) // 60
        answers = [
            await post(browser, "/opt-out", data, **{"X-Forwarded-For": address})
            for _ in range(PORTAL_LIMIT + 1)
        ]
        if int(system.clock.now().timestamp()) // 60 == window:
            break
    elsewhere, _ = await post(browser, "/opt-out", data, **{"X-Forwarded-For": "203.0.113.250"})

    assert [response.status for response, _ in answers] == [200] * PORTAL_LIMIT + [429]
    limited, html = answers[-1]
    assert limited.content_type == "text/html"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "Please wait a minute" in html
    assert elsewhere.status == 200
