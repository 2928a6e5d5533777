"""Everything the recall agent says, in one place so the wording can be reviewed as copy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sightsync.dialer.domain.risk import RiskCategory
from sightsync.dialer.domain.slots import Slot

# Patient-facing wording that the simulated patients listen for; keep them in step.
OFFER_QUESTION: Final = "Would either of those suit you?"
SINGLE_OFFER_QUESTION: Final = "Would that suit you?"
WHICH_QUESTION: Final = "Which would you prefer"
OFFER_CUE: Final = "suit you?"
OTHER_TIMES_QUESTION: Final = "Would you like me to look for some other times"

_WHY_IT_MATTERS: Final = {
    RiskCategory.DIABETIC: (
        "Diabetes can affect the eyes without any symptoms at first, and finding changes "
        "early helps protect your sight."
    ),
    RiskCategory.GLAUCOMA_SUSPECT: (
        "Glaucoma can damage sight without you noticing, so checking regularly and catching "
        "it early helps protect your sight."
    ),
}

_KEYPAD_HINT: Final = (
    "You can tell me which you'd like, ask for other times, or press 1 for the first, "
    "2 for other times, or 9 to stop these calls."
)
_SINGLE_KEYPAD_HINT: Final = (
    "You can say yes, ask for other times, or press 1 to book it, 2 for other times, "
    "or 9 to stop these calls."
)


def greeting(first_name: str, practice_name: str, risk: RiskCategory) -> str:
    if risk is RiskCategory.MYOPIA_CHILD:
        return (
            f"Hello, this is an automated call from {practice_name} about {first_name}'s "
            f"eye check. {first_name}'s myopia review is now due, and we'd like to book "
            "them in."
        )
    check = "contact lens check" if risk is RiskCategory.CONTACT_LENS else "eye check"
    opening = (
        f"Hello {first_name}, this is an automated call from {practice_name}. Our records "
        f"show your {check} is now due, and we'd like to book you in."
    )
    why = _WHY_IT_MATTERS.get(risk)
    return f"{opening} {why}" if why else opening


def offer(slots: Sequence[Slot], *, first: bool, hint: bool = False) -> str:
    if len(slots) == 1:
        lead = "The earliest appointment we have is" if first else "The next free one is"
        text = f"{lead} {slots[0].label}. {SINGLE_OFFER_QUESTION}"
        return f"{text} {_SINGLE_KEYPAD_HINT}" if hint else text
    lead = "The earliest appointments we have are" if first else "The next free ones are"
    text = f"{lead} {_either(slots)}. {OFFER_QUESTION}"
    return f"{text} {_KEYPAD_HINT}" if hint else text


def which(slots: Sequence[Slot]) -> str:
    return f"Lovely. {WHICH_QUESTION}: {_either(slots)}? Or press 1 for the first."


def reask_which(slots: Sequence[Slot]) -> str:
    return f"Sorry, I need to know which one. {WHICH_QUESTION}: {_either(slots)}?"


def repeat_offer(slots: Sequence[Slot]) -> str:
    if len(slots) == 1:
        return f"Of course. I have {slots[0].label}. {SINGLE_OFFER_QUESTION} {_SINGLE_KEYPAD_HINT}"
    return f"Of course. I have {_either(slots)}. {OFFER_QUESTION} {_KEYPAD_HINT}"


def offer_the_rest(slots: Sequence[Slot]) -> str:
    question = SINGLE_OFFER_QUESTION if len(slots) == 1 else OFFER_QUESTION
    return f"No problem. That leaves {_either(slots)}. {question}"


def ask_other_times() -> str:
    return f"No problem. {OTHER_TIMES_QUESTION}, or shall we leave it for now?"


def repeat_other_times() -> str:
    return f"Of course. {OTHER_TIMES_QUESTION}, or shall we leave it for now?"


def sorry_unclear(question: str) -> str:
    return f"Sorry, I didn't quite catch that. {question}"


def reask_offer(slots: Sequence[Slot]) -> str:
    if len(slots) == 1:
        return sorry_unclear(f"Would {slots[0].label} suit you? {_SINGLE_KEYPAD_HINT}")
    return sorry_unclear(f"Would {_either(slots)} suit you? {_KEYPAD_HINT}")


def reask_other_times() -> str:
    return sorry_unclear(f"{OTHER_TIMES_QUESTION}? Say yes or no, or press 1 for yes.")


def booking(slot: Slot) -> str:
    return f"Great, one moment while I book {slot.label} for you."


def booked(first_name: str, practice_name: str, risk: RiskCategory, slot: Slot) -> str:
    who = f"{first_name} is" if risk is RiskCategory.MYOPIA_CHILD else "You're"
    return (
        f"That's all booked. {who} booked in for {slot.label} at {practice_name}. "
        f"Thank you, and goodbye."
    )


def slot_taken(slot: Slot) -> str:
    return f"I'm so sorry, {slot.label} has just been taken."


def opted_out() -> str:
    return (
        "Of course. I've made a note that you don't want these calls, and you won't "
        "receive any more of them. Sorry to have bothered you. Goodbye."
    )


def call_back() -> str:
    return "No problem, I'll ask the practice to call you back at a better time. Goodbye."


def declined(practice_name: str) -> str:
    return (
        f"That's fine. If you change your mind, just give {practice_name} a call. "
        "Thank you, goodbye."
    )


def not_understood() -> str:
    return (
        "I'm sorry, I'm having trouble understanding. I'll ask the practice to give you a "
        "call to arrange a time. Thank you, goodbye."
    )


def no_slots() -> str:
    return (
        "I'm sorry, we don't have any free appointments to offer at the moment. I'll ask "
        "the practice to call you to arrange one. Goodbye."
    )


def no_more_slots() -> str:
    return (
        "I'm sorry, I don't have any other times to offer at the moment. I'll ask the "
        "practice to call you to find a time that suits. Thank you, goodbye."
    )


def too_many_offers() -> str:
    return (
        "Rather than keep you on the phone, I'll ask the practice to call you to find a "
        "time that suits. Thank you, goodbye."
    )


def _either(slots: Sequence[Slot]) -> str:
    # "Tuesday 9 December at 9am or 9:30am": a day is not repeated for times on the same day.
    labels = [
        slot.time_label if index and slot.local_date == slots[index - 1].local_date else slot.label
        for index, slot in enumerate(slots)
    ]
    return ", ".join(labels[:-1]) + f", or {labels[-1]}" if len(labels) > 2 else " or ".join(labels)
