"""A patient as compliance holds it: contact details, consent and recent recall calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sightsync.compliance.domain.call_spacing import ROLLING_PERIOD
from sightsync.compliance.domain.recall_interval import RiskCategory
from sightsync.compliance.domain.uk_time import as_utc, uk_today


@dataclass(frozen=True)
class Patient:
    id: str
    practice_id: str
    first_name: str
    last_name: str | None
    phone_e164: str
    email: str | None
    risk_category: RiskCategory
    last_eye_test_date: date | None
    next_clinical_due_date: date | None
    clinical_notes: str | None
    opted_out: bool
    tps_registered: bool
    # Accepted recall calls still inside the rolling period; spacing and cap read these.
    recent_calls: tuple[datetime, ...]
    # Bumped with every accepted call, so a concurrent decision's write can be made to miss.
    call_version: int
    created_at: datetime
    updated_at: datetime


def is_in_future(day: date, now: datetime) -> bool:
    """True when `day` is after today's UK date."""
    return day > uk_today(now)


def calls_after_accepting(
    recent_calls: Sequence[datetime], accepted_at: datetime
) -> list[datetime]:
    """The recent calls to keep once a call is accepted at `accepted_at`.

    Calls older than the rolling period can no longer affect any rule, so they are dropped
    and the list stays at most a few entries long.
    """
    horizon = as_utc(accepted_at) - ROLLING_PERIOD
    kept = [as_utc(call) for call in recent_calls if as_utc(call) > horizon]
    return [*sorted(kept), as_utc(accepted_at)]
