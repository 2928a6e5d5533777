"""Messages about patients' consent, consumed by compliance (the owner of consent)."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from sightsync.common.messages.base import Event, Request
from sightsync.common.messages.calls import RiskCategory
from sightsync.common.messages.registry import register

OptOutChannel = Literal["call", "sms", "portal", "api"]


class PatientOptedOut(Event):
    """A patient asked not to be called again; it holds for good.

    Either `patient_id` (a known patient of `practice_id`) or `phone_number` (E.164, for
    channels that only know the number) identifies who opted out.
    """

    message_type: ClassVar[str] = "patient.opted_out"

    practice_id: str | None
    patient_id: str | None
    phone_number: str | None = None
    channel: OptOutChannel
    call_id: str | None = None
    opted_out_at: datetime


class PatientOptOutRecorded(Event):
    """Compliance applied an opt-out given by number alone to this practice's patient.

    Emitted once per patient the number newly opted out, so the practice can be told by
    `patient_id`, never by the number. Opt-outs that name the patient are not repeated here:
    `patient.opted_out` already reached every consumer with the ids.
    """

    message_type: ClassVar[str] = "patient.opt_out_recorded"

    practice_id: str
    patient_id: str
    channel: OptOutChannel
    call_id: str | None = None
    opted_out_at: datetime


register(PatientOptedOut, PatientOptOutRecorded)


class PatientView(BaseModel):
    """The patient object of the public API (clinical notes only where asked for)."""

    model_config = ConfigDict(frozen=True)

    id: str
    first_name: str
    last_name: str | None
    phone_number: str
    email: str | None
    risk_category: RiskCategory
    last_eye_test_date: date | None
    next_clinical_due_date: date | None
    opted_out: bool
    tps_registered: bool
    created_at: datetime
    updated_at: datetime
    clinical_notes: str | None = None


class UpsertPatient(Request):
    """Create or update the practice's patient with this number. Replies {"patient": PatientView}.

    `phone_number` is as the PMS sent it; compliance normalises it to E.164 (the conflict
    key with the practice) and refuses with 422 when it is not a callable UK number.
    """

    message_type: ClassVar[str] = "patient.upsert"
    owner: ClassVar[str] = "compliance"

    practice_id: str
    first_name: str
    last_name: str | None = None
    phone_number: str
    email: str | None = None
    last_eye_test_date: date | None = None
    risk_category: RiskCategory = "standard"
    clinical_notes: str | None = None


class ListPatients(Request):
    """Patients due for recall, by due date (nulls first) then id.

    Replies {"patients": [PatientView without clinical notes], "total", "limit", "offset"}.
    """

    message_type: ClassVar[str] = "patient.list"
    owner: ClassVar[str] = "compliance"

    practice_id: str
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)
    risk_category: RiskCategory | None = None
    overdue_only: bool = False


class GetPatient(Request):
    """Replies {"patient": PatientView with clinical notes}; 404 for another practice's."""

    message_type: ClassVar[str] = "patient.get"
    owner: ClassVar[str] = "compliance"

    practice_id: str
    patient_id: str


register(UpsertPatient, ListPatients, GetPatient)
