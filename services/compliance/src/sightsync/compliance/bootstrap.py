"""Wires the compliance service from its dependencies; nothing connects until it starts."""

from __future__ import annotations

from pymongo import AsyncMongoClient

from sightsync.common.clock import Clock, clock_from_environment
from sightsync.common.runner import ServiceApp, build_messaging
from sightsync.common.storage import Document, create_client
from sightsync.compliance.adapters.calls import MongoCallLedger
from sightsync.compliance.adapters.indexes import COMPLIANCE_INDEXES
from sightsync.compliance.adapters.opt_outs import MongoOptOutList
from sightsync.compliance.adapters.patients import MongoPatientRepository
from sightsync.compliance.adapters.practices import MongoPracticeRepository
from sightsync.compliance.adapters.tps_register import MongoTpsRegister
from sightsync.compliance.handlers.registry import build_registry
from sightsync.compliance.settings import ComplianceSettings

SERVICE = "compliance"


def bootstrap(
    settings: ComplianceSettings | None = None,
    clock: Clock | None = None,
    mongo: AsyncMongoClient[Document] | None = None,
) -> ServiceApp:
    """Build the compliance service; every dependency has a production default."""
    settings = settings or ComplianceSettings()
    clock = clock or clock_from_environment()
    mongo = mongo or create_client(settings.mongodb_url)
    db = mongo[settings.database_name(SERVICE)]
    registry = build_registry(
        practices=MongoPracticeRepository(db),
        patients=MongoPatientRepository(db),
        calls=MongoCallLedger(db),
        register=MongoTpsRegister(db),
        opt_outs=MongoOptOutList(db),
    )
    bus, relay = build_messaging(SERVICE, settings, clock, registry, mongo, db)
    return ServiceApp(
        name=SERVICE,
        settings=settings,
        port=settings.port,
        bus=bus,
        mongo=mongo,
        db=db,
        indexes=COMPLIANCE_INDEXES,
        relay=relay,
    )
