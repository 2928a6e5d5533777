"""Request and response bodies of the patients and recall API; the OpenAPI document's source.

Request models are strict: a number where a string belongs is a 400, never coerced.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sightsync.common.messages.calls import RiskCategory
from sightsync.gateway.entrypoints.http.schemas_common import MAX_OFFSET, IsoDate

EXAMPLE_PATIENT_ID = "pat_01J9ZQ4M6V8X2R7K3N5P0T1W2Y"
RISK_CATEGORY_HELP = (
    "Why the patient is recalled, which sets the clinical recall interval: standard (2 "
    "years), diabetic (1 year), glaucoma_suspect (1 year), myopia_child (6 months), "
    "contact_lens (1 year) or other_clinical (1 year)."
)


class PatientUpsertRequest(BaseModel):
    """A patient as the practice management system knows them; the phone number is the key."""

    model_config = ConfigDict(
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Margaret",
                    "last_name": "Hughes",
                    "phone_number": "07700900123",
                    "email": "margaret@example.co.uk",
                    "last_eye_test_date": "2023-05-14",
                    "risk_category": "diabetic",
                    "clinical_notes": "Type 2 diabetes; retinal screening annually.",
                }
            ]
        },
    )

    first_name: str = Field(
        min_length=1,
        max_length=100,
        description="The name the agent greets the patient by.",
        examples=["Margaret"],
    )
    last_name: str | None = Field(default=None, max_length=100, examples=["Hughes"])
    phone_number: str = Field(
        min_length=1,
        max_length=32,
        description=(
            "A UK number in any common format (07700 900123, +44 7700 900123, "
            "(+44) 20 7946 0000). Compliance answers 422 when it is not a callable UK number."
        ),
        examples=["07700900123"],
    )
    email: str | None = Field(default=None, max_length=254, examples=["margaret@example.co.uk"])
    last_eye_test_date: IsoDate | None = Field(
        default=None,
        description="ISO 8601 date of the last sight test; not in the future.",
        examples=["2023-05-14"],
    )
    risk_category: RiskCategory = Field(default="standard", description=RISK_CATEGORY_HELP)
    clinical_notes: str | None = Field(
        default=None,
        max_length=10_000,
        description="Free text for the practice; never read out on a call and never logged.",
    )


class PatientListQuery(BaseModel):
    """Query parameters of GET /patients."""

    limit: int = Field(default=100, ge=1, le=500, description="Page size, 1 to 500.")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Patients to skip.")
    risk_category: RiskCategory | None = Field(
        default=None, description="Only patients in this category."
    )
    overdue_only: Literal["true", "false"] = Field(
        default="false", description="`true` for patients whose recall is already due."
    )


class RecallRequest(BaseModel):
    """Ask for a recall call to a patient now; compliance decides whether it may ring."""

    model_config = ConfigDict(
        strict=True, json_schema_extra={"examples": [{"patient_id": EXAMPLE_PATIENT_ID}]}
    )

    patient_id: str = Field(
        min_length=1,
        max_length=64,
        description="The id returned when the patient was upserted.",
        examples=[EXAMPLE_PATIENT_ID],
    )


class Patient(BaseModel):
    """A patient as the API returns them."""

    id: str = Field(examples=[EXAMPLE_PATIENT_ID])
    first_name: str = Field(examples=["Margaret"])
    last_name: str | None = Field(examples=["Hughes"])
    phone_number: str = Field(description="Normalised to E.164.", examples=["+447700900123"])
    email: str | None
    risk_category: RiskCategory
    last_eye_test_date: date | None
    next_clinical_due_date: date | None = Field(
        description="When the patient is next due a sight test under their risk category."
    )
    opted_out: bool = Field(description="The patient asked not to be called; it holds for good.")
    tps_registered: bool = Field(
        description="The number is on the TPS/CTPS register (a 451 on recall)."
    )
    created_at: datetime
    updated_at: datetime
    clinical_notes: str | None = Field(
        default=None, description="Returned by GET /patients/{id} only."
    )


class PatientUpserted(BaseModel):
    success: Literal[True] = True
    patient: Patient


class PatientDetail(BaseModel):
    patient: Patient


class PatientPage(BaseModel):
    patients: list[Patient] = Field(description="Ordered by recall due date, then id.")
    total: int = Field(description="Patients matching the filters, on every page.")
    limit: int
    offset: int


class RecallAccepted(BaseModel):
    """The call is accepted and being placed; its outcome arrives later."""

    success: Literal[True] = True
    call_id: str = Field(examples=["c_01J9ZQ7B2D4F6H8K0M2P4R6T8V"])
    patient_id: str = Field(examples=[EXAMPLE_PATIENT_ID])
    status: Literal["calling"] = "calling"


class ErrorDetail(BaseModel):
    field: str = Field(examples=["phone_number"])
    message: str = Field(examples=["Field required"])


class Error(BaseModel):
    """Every error answers `{"error": "<message>"}`; the other fields appear where they apply."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "error": "Invalid field 'phone_number': Field required",
                    "field": "phone_number",
                    "details": [{"field": "phone_number", "message": "Field required"}],
                }
            ]
        },
    )

    error: str = Field(description="What went wrong, for a person to read.")
    field: str | None = Field(default=None, description="On 400 and 422: the offending field.")
    details: list[ErrorDetail] | None = Field(
        default=None, description="On a 400 from validation: every problem found."
    )
    request_id: str | None = Field(default=None, description="On 500: quote it to support.")
    reason: str | None = Field(
        default=None,
        description="On 425: why the call must wait; on a refused webhook URL (400): why.",
    )
    next_allowed_at: datetime | None = Field(
        default=None, description="On 425 and spacing 429s: the first instant a call may ring."
    )
    calls_used: int | None = Field(default=None, description="On the monthly-limit 429.")
    monthly_limit: int | None = Field(default=None, description="On the monthly-limit 429.")
    reset: datetime | None = Field(
        default=None, description="On the rate-limit 429: when the current window ends."
    )
