"""The one- or two-sentence note the practice reads after a recall call.

It never quotes the patient, so no phone number or other detail they said can leak into it.
"""

from __future__ import annotations

from enum import StrEnum

from sightsync.dialer.domain.appointment_type import AppointmentType
from sightsync.dialer.domain.slots import Slot


class EndReason(StrEnum):
    BOOKED = "booked"
    DECLINED = "declined"
    HUNG_UP = "hung_up"
    OPTED_OUT = "opted_out"
    CALL_BACK_ASKED = "call_back_asked"
    NOT_UNDERSTOOD = "not_understood"
    NO_SLOTS = "no_slots"
    NO_MORE_SLOTS = "no_more_slots"
    TOO_MANY_OFFERS = "too_many_offers"
    SLOT_TAKEN = "slot_taken"


def summarise(
    reason: EndReason,
    *,
    appointment_type: AppointmentType,
    offered: int,
    taken: int,
    booked: Slot | None = None,
) -> str:
    kind = appointment_type.value.replace("_", " ")
    times = f"{offered} time{'s' if offered != 1 else ''}"
    if reason is EndReason.BOOKED and booked is not None:
        text = f"The patient booked a {kind} for {booked.label}, chosen from {times} offered."
        if taken:
            text += " An earlier choice had just been taken, so other times were offered."
        return text
    return {
        EndReason.DECLINED: f"The patient declined a {kind} after being offered {times}.",
        EndReason.HUNG_UP: f"The patient ended the call before choosing from {times} offered.",
        EndReason.OPTED_OUT: "The patient asked not to be called again and has been opted out.",
        EndReason.CALL_BACK_ASKED: "The patient asked to be called back at a better time.",
        EndReason.NOT_UNDERSTOOD: (
            "The patient's replies could not be understood, so the practice should call them "
            "back to arrange a time."
        ),
        EndReason.NO_SLOTS: (
            f"There were no free appointments for a {kind} to offer, so the practice should "
            "call the patient back."
        ),
        EndReason.NO_MORE_SLOTS: (
            f"The patient wanted a {kind} but none of the {times} offered suited and no "
            "more were free, so the practice should call them back."
        ),
        EndReason.TOO_MANY_OFFERS: (
            f"None of the {times} offered suited the patient, so the practice should call "
            "them back to find one."
        ),
        EndReason.SLOT_TAKEN: (
            "The time the patient chose had just been taken and no other could be agreed, so "
            "the practice should call them back."
        ),
    }[reason]
