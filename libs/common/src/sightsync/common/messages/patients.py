"""Messages about patients' consent, consumed by compliance (the owner of consent)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from sightsync.common.messages.base import Event
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


register(PatientOptedOut)
