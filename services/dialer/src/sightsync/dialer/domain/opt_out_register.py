"""Who must not be rung: the dialer's own register of opt-outs, as pure rules.

An opt-out names a patient of a practice, or a phone number at one practice or at every
practice. Each thing it names becomes one register entry under a key built from it, so
whether a call is barred is one lookup of the four keys its practice, patient and number
produce. `OptOutScope.reaches` says the same thing about a call in memory; the two agree
by construction (and a unit test holds them to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ANY_PRACTICE: Final = "*"
OPTED_OUT_DETAIL: Final = "patient opted out"


@dataclass(frozen=True)
class OptOutEntry:
    """One thing an opt-out names; `practice_id` None means every practice."""

    key: str
    practice_id: str | None
    patient_id: str | None = None
    phone_number: str | None = None


@dataclass(frozen=True)
class OptOutScope:
    """Which calls one opt-out reaches: its patient, its number, or both, at its practice
    (every practice when `practice_id` is None)."""

    practice_id: str | None
    patient_id: str | None
    phone_number: str | None

    @property
    def names_anyone(self) -> bool:
        return bool(self.patient_id or self.number)

    def entries(self) -> tuple[OptOutEntry, ...]:
        entries: list[OptOutEntry] = []
        if self.patient_id:
            key = patient_key(self.practice_id, self.patient_id)
            entries.append(OptOutEntry(key, self.practice_id, patient_id=self.patient_id))
        if self.number:
            key = number_key(self.practice_id, self.number)
            entries.append(OptOutEntry(key, self.practice_id, phone_number=self.number))
        return tuple(entries)

    def reaches(self, practice_id: str, patient_id: str, phone_number: str) -> bool:
        if self.practice_id is not None and practice_id != self.practice_id:
            return False
        by_patient = bool(self.patient_id) and patient_id == self.patient_id
        by_number = bool(self.number) and phone_number.strip() == self.number
        return by_patient or by_number

    @property
    def number(self) -> str | None:
        return self.phone_number.strip() if self.phone_number else None


def patient_key(practice_id: str | None, patient_id: str) -> str:
    return f"patient|{practice_id or ANY_PRACTICE}|{patient_id}"


def number_key(practice_id: str | None, phone_number: str) -> str:
    return f"number|{practice_id or ANY_PRACTICE}|{phone_number.strip()}"


def keys_barring(practice_id: str, patient_id: str, phone_number: str) -> tuple[str, ...]:
    """Every register key whose entry bars a call to this patient of this practice."""
    return (
        patient_key(practice_id, patient_id),
        patient_key(None, patient_id),
        number_key(practice_id, phone_number),
        number_key(None, phone_number),
    )
