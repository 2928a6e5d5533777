"""The opt-out handler and the scheduler's claim racing on the real database: however they
interleave, a call is either canceled once or claimed and then stopped before dialling."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.clock import FrozenClock, parse_instant
from sightsync.common.messages.calls import CallFailed
from sightsync.common.messages.patients import PatientOptedOut
from sightsync.common.outbox import OUTBOX, MongoMessageStore
from sightsync.common.storage import Document, in_transaction
from sightsync.dialer.adapters.call_records import CallRecord
from sightsync.dialer.adapters.calls import MongoCallRepository
from sightsync.dialer.adapters.opt_out_register import MongoOptOutRegister
from sightsync.dialer.adapters.practice_lines import MongoPracticeLines
from sightsync.dialer.adapters.unit_of_work import UnitRunner
from sightsync.dialer.handlers.opt_outs import HandlePatientOptedOut
from sightsync.dialer.handlers.placement_claims import PlacementClaims
from tests.integration.dialer.conftest import WEEKDAY_MORNING, envelope_of, place_call, record_of

pytestmark = pytest.mark.integration

ROUNDS = 12
NOW = parse_instant(WEEKDAY_MORNING)


async def test_claim_and_opt_out_never_both_miss_each_other(
    mongo: AsyncMongoClient[Document], db_prefix: str
) -> None:
    db, clock = mongo[f"{db_prefix}_dialer"], FrozenClock(NOW)
    calls, register = MongoCallRepository(db), MongoOptOutRegister(db)
    lines = MongoPracticeLines(db, 5)
    store = MongoMessageStore(db, clock)
    claims = PlacementClaims(UnitRunner(mongo, store, None, clock), calls, register, lines)
    handler = HandlePatientOptedOut(calls, register, lines)
    emitted: dict[str, list[CallFailed]] = {}

    async def opt_out(record: CallRecord) -> None:
        message = PatientOptedOut(
            practice_id=record.practice_id,
            patient_id=record.patient.patient_id,
            channel="portal",
            opted_out_at=NOW,
        )
        context = MessageContext(envelope=envelope_of(message), clock=clock)

        async def work(session: AsyncClientSession) -> None:
            context.session = session
            context.emitted.clear()
            await handler(message, context)

        await in_transaction(mongo, work)
        failures = [e for e in context.emitted if e.type == CallFailed.message_type]
        emitted[record.id] = [CallFailed.model_validate(e.payload) for e in failures]

    for round_ in range(ROUNDS):
        command = place_call("+447700900111")
        record = record_of(command, correlation_id="req_race", created_at=NOW, due_at=NOW)
        await calls.add(record, None)

        claim = claims.claim(record.id, NOW, timedelta(minutes=2))
        if round_ % 2:
            _, claimed = await asyncio.gather(opt_out(record), claim)
        else:
            claimed, _ = await asyncio.gather(claim, opt_out(record))

        stored = await calls.get(record.id, None)
        assert stored is not None
        if claimed is None:
            # The claim saw the opt-out (and canceled), or the opt-out canceled first: once.
            assert (stored.phase, stored.reason) == ("failed", "canceled")
            staged_by_claim = await db[OUTBOX].count_documents(
                {"envelope.type": "call.failed", "envelope.payload.call_id": record.id}
            )
            assert staged_by_claim + len(emitted[record.id]) == 1
        else:
            # The claim won; the scheduler's look before dialling must now see the opt-out.
            assert stored.phase == "placing"
            assert await claims.opted_out(claimed)
            assert emitted[record.id] == []
