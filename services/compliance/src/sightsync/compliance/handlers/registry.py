"""Everything compliance answers and reacts to; reading this tells you what it does."""

from __future__ import annotations

from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.common.messages.patients import (
    GetPatient,
    ListPatients,
    PatientOptedOut,
    UpsertPatient,
)
from sightsync.common.messages.practices import (
    CreatePractice,
    GetPractice,
    ListPractices,
    UpdatePractice,
)
from sightsync.common.messages.recall import GetRecallEligibility, RequestRecall
from sightsync.common.messages.tps import CheckTpsNumber, ImportTpsNumbers, RemoveTpsNumbers
from sightsync.compliance.handlers.opt_outs import OptOutHandlers
from sightsync.compliance.handlers.patients import PatientHandlers
from sightsync.compliance.handlers.ports import (
    CallLedger,
    OptOutList,
    PatientRepository,
    PracticeRepository,
    TpsRegister,
)
from sightsync.compliance.handlers.practices import PracticeHandlers
from sightsync.compliance.handlers.recall import RecallHandlers
from sightsync.compliance.handlers.tps import TpsHandlers


def build_registry(
    practices: PracticeRepository,
    patients: PatientRepository,
    calls: CallLedger,
    register: TpsRegister,
    opt_outs: OptOutList,
) -> HandlerRegistry:
    registry = HandlerRegistry()

    practice = PracticeHandlers(practices)
    # Changes announce PracticeUpdated through the outbox, so they commit together.
    registry.request(CreatePractice, practice.create, transactional=True)
    registry.request(UpdatePractice, practice.update, transactional=True)
    registry.request(GetPractice, practice.get)
    registry.request(ListPractices, practice.list)

    patient = PatientHandlers(practices, patients, register, opt_outs)
    registry.request(UpsertPatient, patient.upsert)
    registry.request(ListPatients, patient.list)
    registry.request(GetPatient, patient.get)

    recall = RecallHandlers(practices, patients, calls, register)
    registry.request(RequestRecall, recall.request, transactional=True)
    registry.request(GetRecallEligibility, recall.eligibility)

    tps = TpsHandlers(register)
    registry.request(ImportTpsNumbers, tps.import_numbers)
    registry.request(RemoveTpsNumbers, tps.remove_numbers)
    registry.request(CheckTpsNumber, tps.check_number)

    registry.event(PatientOptedOut, OptOutHandlers(patients, opt_outs).opted_out)
    return registry
