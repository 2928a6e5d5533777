"""The gateway's own behaviour, with no backend answering: auth, errors, limits, 503s."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from multidict import CIMultiDict

from sightsync.common.bus.handlers import HandlerRegistry, MessageContext
from sightsync.common.clock import SystemClock
from sightsync.common.messages.patients import UpsertPatient
from sightsync.common.runner import build_messaging
from sightsync.common.settings import CommonSettings
from sightsync.gateway.entrypoints.http.errors import INTERNAL_ERROR_MESSAGE
from tests.integration.gateway.conftest import stored_key
from tests.support.api import auth_headers
from tests.support.system import RunningSystem

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

PATIENT = {"first_name": "Sam", "phone_number": "07700900123"}


async def _call(
    system: RunningSystem, method: str, path: str, **kwargs: Any
) -> tuple[int, CIMultiDict[str], dict[str, Any]]:
    async with system.http.request(method, system.api(path), **kwargs) as response:
        body = await response.json(content_type=None)
        assert "X-Request-Id" in response.headers
        return response.status, CIMultiDict(response.headers), body


async def test_requests_without_a_valid_key_are_401(gateway_alone: RunningSystem) -> None:
    key = await stored_key(gateway_alone)
    revoked = await stored_key(gateway_alone)
    db = gateway_alone.apps["gateway"].db
    assert db is not None
    await db["api_keys"].update_one(
        {"_id": revoked.key_id}, {"$set": {"revoked_at": gateway_alone.clock.now()}}
    )
    await asyncio.sleep(0.6)

    for headers in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer nvc_live_tooshort"},
        {"Authorization": f"Bearer {key.api_key[:-1]}x"},
        auth_headers(revoked.api_key),
    ):
        status, response_headers, body = await _call(
            gateway_alone, "GET", "/patients", headers=headers
        )
        assert status == 401, headers
        assert body["error"]
        assert response_headers["WWW-Authenticate"].startswith("Bearer")
        assert response_headers["RateLimit-Policy"] == '"default";q=120;w=60'


async def test_unknown_routes_and_methods_answer_json(gateway_alone: RunningSystem) -> None:
    key = await stored_key(gateway_alone)

    status, _, body = await _call(gateway_alone, "GET", "/nothing-here", headers=key.headers)
    assert status == 404
    assert "error" in body

    status, headers, body = await _call(gateway_alone, "DELETE", "/recall", headers=key.headers)
    assert status == 405
    assert "error" in body
    assert "POST" in headers["Allow"]


async def test_malformed_and_ill_typed_bodies_are_400_naming_the_field(
    gateway_alone: RunningSystem,
) -> None:
    key = await stored_key(gateway_alone)
    headers = {**key.headers, "Content-Type": "application/json"}

    status, _, body = await _call(
        gateway_alone, "POST", "/patients", data=b'{"first_name": ', headers=headers
    )
    assert (status, body["error"]) == (400, "Malformed JSON body")

    status, _, body = await _call(gateway_alone, "POST", "/patients", data=b"[1]", headers=headers)
    assert status == 400

    status, _, body = await _call(
        gateway_alone,
        "POST",
        "/patients",
        json={**PATIENT, "phone_number": 7700900123},
        headers=key.headers,
    )
    assert (status, body["field"]) == (400, "phone_number")

    status, _, body = await _call(
        gateway_alone,
        "POST",
        "/patients",
        json={**PATIENT, "risk_category": "pirate"},
        headers=key.headers,
    )
    assert (status, body["field"]) == (400, "risk_category")

    status, _, body = await _call(
        gateway_alone, "GET", "/patients", params={"limit": "501"}, headers=key.headers
    )
    assert (status, body["field"]) == (400, "limit")

    status, _, body = await _call(
        gateway_alone, "GET", "/patients", params={"overdue_only": "yes"}, headers=key.headers
    )
    assert (status, body["field"]) == (400, "overdue_only")


async def test_bodies_over_64_kib_are_413(gateway_alone: RunningSystem) -> None:
    key = await stored_key(gateway_alone)
    huge = json.dumps({**PATIENT, "clinical_notes": "x" * (65 * 1024)}).encode()

    status, _, body = await _call(
        gateway_alone,
        "POST",
        "/patients",
        data=huge,
        headers={**key.headers, "Content-Type": "application/json"},
    )

    assert status == 413
    assert "64 KiB" in body["error"]


async def test_an_unanswered_backend_is_503_with_retry_after_not_a_hang(
    gateway_alone: RunningSystem,
) -> None:
    key = await stored_key(gateway_alone)
    loop = asyncio.get_running_loop()

    started = loop.time()
    status, headers, body = await _call(
        gateway_alone, "POST", "/patients", json=PATIENT, headers=key.headers
    )

    assert status == 503
    assert int(headers["Retry-After"]) > 0
    assert body["error"]
    assert loop.time() - started < 3


async def test_counted_responses_carry_ratelimit_headers(gateway_alone: RunningSystem) -> None:
    key = await stored_key(gateway_alone)

    remaining = []
    for _ in range(3):
        _, headers, _ = await _call(
            gateway_alone, "GET", "/patients", params={"limit": "0"}, headers=key.headers
        )
        assert headers["RateLimit-Policy"] == '"default";q=120;w=60'
        fields = dict(part.split("=") for part in headers["RateLimit"].split(";")[1:])
        assert 1 <= int(fields["t"]) <= 60
        remaining.append(int(fields["r"]))

    # Counted down, unless a new window began between two of the requests.
    assert remaining == [119, 118, 117] or 119 in remaining[1:]


async def test_a_retry_while_the_first_is_in_flight_is_409(gateway_alone: RunningSystem) -> None:
    key = await stored_key(gateway_alone)
    headers = {**key.headers, "Idempotency-Key": "in-flight-1"}
    body = {"patient_id": "pat_01J9ZQ4M6V8X2R7K3N5P0T1W2Y"}

    first = asyncio.create_task(_call(gateway_alone, "POST", "/recall", json=body, headers=headers))
    await asyncio.sleep(0.3)
    status, retry_headers, retry_body = await _call(
        gateway_alone, "POST", "/recall", json=body, headers=headers
    )
    assert status == 409
    assert retry_headers["Retry-After"] == "1"
    assert "in progress" in retry_body["error"]

    status, _, _ = await first
    assert status == 503
    # A backend that never answered releases the key: the next retry runs again.
    status, _, _ = await _call(gateway_alone, "POST", "/recall", json=body, headers=headers)
    assert status == 503


async def test_an_invalid_idempotency_key_is_400(gateway_alone: RunningSystem) -> None:
    key = await stored_key(gateway_alone)

    status, _, body = await _call(
        gateway_alone,
        "POST",
        "/recall",
        json={"patient_id": "pat_1"},
        headers={**key.headers, "Idempotency-Key": "x" * 300},
    )

    assert (status, body["field"]) == (400, "Idempotency-Key")


@pytest_asyncio.fixture(loop_scope="module")
async def broken_backend(gateway_alone: RunningSystem) -> AsyncIterator[None]:
    """A compliance stand-in whose upsert reply lacks the patient: a contract break."""

    async def reply_without_patient(message: UpsertPatient, context: MessageContext) -> Any:
        return {"unexpected": True}

    registry = HandlerRegistry()
    registry.request(UpsertPatient, reply_without_patient)
    bus, _ = build_messaging(
        "compliance",
        CommonSettings(RABBITMQ_URL=gateway_alone.env["RABBITMQ_URL"]),
        SystemClock(),
        registry,
        None,
        None,
    )
    await bus.start(timeout=15)
    yield
    await bus.stop(grace=1)


@pytest.mark.usefixtures("broken_backend")
async def test_an_unexpected_failure_is_500_with_a_request_id_that_is_logged(
    gateway_alone: RunningSystem, capsys: pytest.CaptureFixture[str]
) -> None:
    key = await stored_key(gateway_alone)

    status, headers, body = await _call(
        gateway_alone, "POST", "/patients", json=PATIENT, headers=key.headers
    )

    assert status == 500
    assert body == {"error": INTERNAL_ERROR_MESSAGE, "request_id": headers["X-Request-Id"]}
    logged = [line for line in capsys.readouterr().out.splitlines() if "request_failed" in line]
    assert logged
    assert headers["X-Request-Id"] in logged[0]
