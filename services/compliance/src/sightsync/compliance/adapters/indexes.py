"""Every index compliance's queries rely on, created at start-up."""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from sightsync.common.storage import CollectionIndexes
from sightsync.compliance.adapters.calls import CALLS
from sightsync.compliance.adapters.patients import PATIENTS
from sightsync.compliance.adapters.tps_register import NUMBERS

COMPLIANCE_INDEXES = (
    CollectionIndexes(
        PATIENTS,
        (
            # The upsert conflict key: one patient per number at a practice.
            IndexModel(
                [("practice_id", ASCENDING), ("phone_e164", ASCENDING)],
                unique=True,
                name="practice_phone_unique",
            ),
            # Listing by due date (nulls first) then id, with and without a risk filter.
            IndexModel(
                [
                    ("practice_id", ASCENDING),
                    ("next_clinical_due_date", ASCENDING),
                    ("_id", ASCENDING),
                ],
                name="practice_due_id",
            ),
            IndexModel(
                [
                    ("practice_id", ASCENDING),
                    ("risk_category", ASCENDING),
                    ("next_clinical_due_date", ASCENDING),
                    ("_id", ASCENDING),
                ],
                name="practice_risk_due_id",
            ),
            # Opt-outs that only know the number, and register changes, find patients by it.
            IndexModel([("phone_e164", ASCENDING)], name="phone"),
        ),
    ),
    CollectionIndexes(
        CALLS,
        (
            # One holder per key across replicas. A key a day old is unset from its call
            # before it is reused, so the index never has to forget a key on its own.
            IndexModel(
                [("practice_id", ASCENDING), ("idempotency_key", ASCENDING)],
                unique=True,
                partialFilterExpression={"idempotency_key": {"$type": "string"}},
                name="practice_idempotency_key_unique",
            ),
        ),
    ),
    CollectionIndexes(
        NUMBERS,
        (
            IndexModel(
                [("version", ASCENDING), ("number", ASCENDING)],
                unique=True,
                name="version_number_unique",
            ),
        ),
    ),
)
