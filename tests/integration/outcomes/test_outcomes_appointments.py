"""Appointments through outcomes' requests: filters, paging, and status changes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import aio_pika
import pytest
from aio_pika.abc import AbstractQueue

from sightsync.common.bus import topology
from sightsync.common.ids import new_id
from sightsync.common.messages.appointments import AppointmentStatus
from sightsync.common.messages.outcomes import ListAppointments, UpdateAppointmentStatus
from tests.integration.outcomes.conftest import NOW, Outcomes, eventually
from tests.unit.outcomes.events import PATIENT, PRACTICE, appointment_booked

pytestmark = pytest.mark.integration


@pytest.fixture
async def updates(broker_url: str, outcomes: Outcomes) -> AsyncIterator[AbstractQueue]:
    """A queue bound to appointment.updated, as the dialer's inbox would be."""
    connection = await aio_pika.connect(broker_url)
    channel = await connection.channel()
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(topology.EVENTS_EXCHANGE, routing_key="appointment.updated")
    yield queue
    await connection.close()


async def next_body(queue: AbstractQueue, timeout: float = 5.0) -> dict[str, object]:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        message = await queue.get(fail=False)
        if message is not None:
            await message.ack()
            body: dict[str, object] = json.loads(message.body)
            return body
        await asyncio.sleep(0.05)
    raise AssertionError("no appointment.updated arrived")


async def book(outcomes: Outcomes, days: list[int]) -> list[str]:
    ids = [new_id("apt") for _ in days]
    for appointment_id, day in zip(ids, days, strict=True):
        await outcomes.publish(appointment_booked(appointment_id, date(2025, 4, day)))

    async def all_listed() -> bool:
        page = await outcomes.ask(ListAppointments(practice_id=PRACTICE))
        return bool(page["total"] == len(ids))

    await eventually(all_listed)
    return ids


async def test_appointments_are_listed_by_date_with_filters_and_paging(outcomes: Outcomes) -> None:
    ids = await book(outcomes, [14, 2, 9, 9])
    await outcomes.publish(
        appointment_booked(new_id("apt"), date(2025, 4, 1)).model_copy(
            update={"practice_id": "prac_other"}
        )
    )

    page = await outcomes.ask(ListAppointments(practice_id=PRACTICE))
    same_day = sorted([ids[2], ids[3]])
    assert [item["id"] for item in page["appointments"]] == [ids[1], *same_day, ids[0]]
    first = page["appointments"][0]
    assert first["appointment_date"] == "2025-04-02" and first["appointment_time"] == "09:30"
    assert first["patients"]["risk_category"] == "standard"
    assert first["status"] == "booked" and first["patient_id"] == PATIENT

    window = await outcomes.ask(
        ListAppointments(
            practice_id=PRACTICE, from_date=date(2025, 4, 9), to_date=date(2025, 4, 14), limit=2
        )
    )
    assert [item["id"] for item in window["appointments"]] == same_day
    assert (window["total"], window["limit"], window["offset"]) == (3, 2, 0)

    later = await outcomes.ask(ListAppointments(practice_id=PRACTICE, offset=3))
    assert [item["id"] for item in later["appointments"]] == [ids[0]]
    nobody = await outcomes.ask(ListAppointments(practice_id=PRACTICE, patient_id="pat_x"))
    assert nobody["total"] == 0


async def test_status_changes_follow_the_rules_and_emit_appointment_updated(
    outcomes: Outcomes, updates: AbstractQueue
) -> None:
    (appointment_id,) = await book(outcomes, [20])

    confirmed = await outcomes.ask(
        UpdateAppointmentStatus(
            practice_id=PRACTICE, appointment_id=appointment_id, status="confirmed"
        )
    )
    assert confirmed["appointment"]["status"] == "confirmed"
    event = await next_body(updates)
    assert event["type"] == "appointment.updated"
    assert event["practice_id"] == PRACTICE
    payload = event["payload"]
    assert isinstance(payload, dict)
    assert (payload["previous_status"], payload["status"]) == ("booked", "confirmed")
    assert payload["appointment_id"] == appointment_id

    again = await outcomes.ask(
        UpdateAppointmentStatus(
            practice_id=PRACTICE, appointment_id=appointment_id, status="confirmed"
        )
    )
    assert again == confirmed

    outcomes.clock.set(NOW + timedelta(minutes=5))
    await outcomes.ask(
        UpdateAppointmentStatus(
            practice_id=PRACTICE, appointment_id=appointment_id, status="cancelled"
        )
    )
    cancelled = await next_body(updates)
    assert isinstance(cancelled["payload"], dict)
    assert cancelled["payload"]["previous_status"] == "confirmed"
    still_cancelled = await outcomes.ask(
        UpdateAppointmentStatus(
            practice_id=PRACTICE, appointment_id=appointment_id, status="cancelled"
        )
    )
    assert still_cancelled["appointment"]["status"] == "cancelled"
    statuses: tuple[AppointmentStatus, ...] = ("booked", "confirmed", "no_show")
    for status in statuses:
        refused = await outcomes.refusal(
            UpdateAppointmentStatus(
                practice_id=PRACTICE,
                appointment_id=appointment_id,
                status=status,
            )
        )
        assert refused.status == 409

    listed = await outcomes.ask(ListAppointments(practice_id=PRACTICE, status="cancelled"))
    assert [item["id"] for item in listed["appointments"]] == [appointment_id]
    assert listed["appointments"][0]["updated_at"] == "2025-03-31T12:05:00.000Z"
    # Only the two real changes were announced; the repeats changed nothing.
    await asyncio.sleep(0.3)
    assert await updates.get(fail=False) is None
    assert await _logged_updates(outcomes) == 2


async def test_a_no_show_waits_for_the_appointment_to_start(
    outcomes: Outcomes, updates: AbstractQueue
) -> None:
    (appointment_id,) = await book(outcomes, [22])
    change = UpdateAppointmentStatus(
        practice_id=PRACTICE, appointment_id=appointment_id, status="no_show"
    )

    outcomes.clock.set(datetime(2025, 4, 22, 9, 29, 59, tzinfo=UTC))
    early = await outcomes.refusal(change)
    outcomes.clock.set(datetime(2025, 4, 22, 9, 30, tzinfo=UTC))
    marked = await outcomes.ask(change)

    assert (early.status, early.code) == (409, "appointment_not_started")
    assert early.message == "Cannot mark a no-show: the appointment has not started yet"
    assert early.details == {"starts_at": "2025-04-22T09:30:00.000Z"}
    assert marked["appointment"]["status"] == "no_show"
    event = await next_body(updates)
    assert isinstance(event["payload"], dict)
    assert event["payload"]["status"] == "no_show"
    assert await _logged_updates(outcomes) == 1


async def test_another_practices_or_unknown_appointment_is_not_found(outcomes: Outcomes) -> None:
    (appointment_id,) = await book(outcomes, [3])
    for practice_id, target in (("prac_other", appointment_id), (PRACTICE, "apt_unknown")):
        refused = await outcomes.refusal(
            UpdateAppointmentStatus(
                practice_id=practice_id, appointment_id=target, status="no_show"
            )
        )
        assert (refused.status, refused.code) == (404, "appointment_not_found")


async def test_the_same_instant_twice_still_orders_the_changes(
    outcomes: Outcomes, updates: AbstractQueue
) -> None:
    # The frozen clock stands still: the second change must still fold as the later one.
    (appointment_id,) = await book(outcomes, [5])
    outcomes.clock.set(datetime(2025, 4, 5, 10, 0, tzinfo=UTC))
    changes: tuple[AppointmentStatus, ...] = ("confirmed", "no_show")
    for status in changes:
        await outcomes.ask(
            UpdateAppointmentStatus(
                practice_id=PRACTICE,
                appointment_id=appointment_id,
                status=status,
            )
        )
    listed = await outcomes.ask(ListAppointments(practice_id=PRACTICE))
    assert listed["appointments"][0]["status"] == "no_show"


async def test_concurrent_identical_changes_apply_once(
    outcomes: Outcomes, updates: AbstractQueue
) -> None:
    (appointment_id,) = await book(outcomes, [7])
    change = UpdateAppointmentStatus(
        practice_id=PRACTICE, appointment_id=appointment_id, status="confirmed"
    )
    replies = await asyncio.gather(
        *(outcomes.bus.request(change, correlation_id="race") for _ in range(4))
    )

    # Whichever commits first makes the change; the rest find it made and succeed too.
    assert all(reply.ok for reply in replies), [reply.error for reply in replies]
    statuses = {reply.result["appointment"]["status"] for reply in replies if reply.result}
    assert statuses == {"confirmed"}
    await next_body(updates)
    await asyncio.sleep(0.3)
    assert await updates.get(fail=False) is None
    assert await _logged_updates(outcomes) == 1


async def _logged_updates(outcomes: Outcomes) -> int:
    db = outcomes.app.db
    assert db is not None
    return await db["event_log"].count_documents({"type": "appointment.updated"})
