"""The recall conversation: a pure state machine driven by what the patient says or presses.

The engine never books anything itself. When the patient picks a slot it returns a
`BookSlot` action; the caller books atomically and reports back through
`on_booking_result`, because another call may have just taken the same slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sightsync.dialer.domain import prompts
from sightsync.dialer.domain.appointment_type import appointment_type_for
from sightsync.dialer.domain.call_state import Outcome
from sightsync.dialer.domain.conversation_types import (
    BookSlot,
    ConversationContext,
    ConversationResult,
    ConversationStateError,
    Phase,
    Reply,
    SlotSource,
)
from sightsync.dialer.domain.slots import Slot
from sightsync.dialer.domain.summary import EndReason, summarise
from sightsync.dialer.domain.transcript import (
    HUNG_UP,
    SILENCE,
    Speaker,
    Transcript,
    Turn,
    pressed,
)
from sightsync.dialer.domain.understanding import (
    Intent,
    IntentKind,
    RuleBasedUnderstanding,
    Understanding,
    interpret_digits,
)

SLOTS_PER_OFFER: Final = 2
MAX_OFFER_ROUNDS: Final = 5
MAX_UNCLEAR_IN_A_ROW: Final = 2
# A patient who cannot hear the offer after this many repeats is better rung by a person.
MAX_REPEATS_IN_A_ROW: Final = 3
MAX_SLOTS_TAKEN: Final = 3

_OUTCOMES: Final = {
    EndReason.BOOKED: Outcome.BOOKED,
    EndReason.DECLINED: Outcome.DECLINED,
    EndReason.HUNG_UP: Outcome.DECLINED,
    EndReason.OPTED_OUT: Outcome.OPTED_OUT,
    EndReason.CALL_BACK_ASKED: Outcome.CALLBACK_REQUESTED,
    # A patient we could not understand is not a technical failure and has not declined;
    # the honest next step is for a person at the practice to ring them, so it is recorded
    # as a callback with a summary that says why.
    EndReason.NOT_UNDERSTOOD: Outcome.CALLBACK_REQUESTED,
    EndReason.NO_SLOTS: Outcome.CALLBACK_REQUESTED,
    EndReason.NO_MORE_SLOTS: Outcome.CALLBACK_REQUESTED,
    EndReason.TOO_MANY_OFFERS: Outcome.CALLBACK_REQUESTED,
    EndReason.SLOT_TAKEN: Outcome.CALLBACK_REQUESTED,
}


class ConversationEngine:
    """One recall conversation. Synchronous and free of I/O: every event returns at once."""

    def __init__(self, understanding: Understanding | None = None) -> None:
        self._understanding = understanding or RuleBasedUnderstanding()
        self._transcript = Transcript()
        self._phase = Phase.NOT_STARTED
        self._context: ConversationContext | None = None
        self._source: SlotSource = ()
        self._offset = 0
        self._offered: tuple[Slot, ...] = ()
        self._offered_total = 0
        self._rounds = 0
        self._asked_which = False
        self._unclear = 0
        self._repeats = 0
        self._taken: set[Slot] = set()
        self._pending: Slot | None = None
        self._hung_up = False
        self._result: ConversationResult | None = None

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def finished(self) -> bool:
        return self._phase is Phase.ENDED

    @property
    def offered(self) -> tuple[Slot, ...]:
        return self._offered

    @property
    def transcript(self) -> tuple[Turn, ...]:
        return self._transcript.turns

    def start(self, context: ConversationContext) -> Reply:
        self._expect(Phase.NOT_STARTED)
        self._context = context
        self._source = context.free_slots
        hello = prompts.greeting(context.first_name, context.practice_name, context.risk)
        slots = self._fetch(0)
        if not slots:
            return self._end(EndReason.NO_SLOTS, f"{hello} {prompts.no_slots()}")
        self._offer(slots)
        return self._say(f"{hello} {prompts.offer(slots, first=True, hint=True)}")

    def on_utterance(self, text: str) -> Reply:
        self._expect(Phase.OFFERING, Phase.ASKING_OTHER_TIMES)
        self._transcript.add(Speaker.PATIENT, text.strip() or SILENCE)
        offered = self._offered
        return self._respond(self._understanding.interpret(text, offered))

    def on_digits(self, digits: str) -> Reply:
        self._expect(Phase.OFFERING, Phase.ASKING_OTHER_TIMES)
        self._transcript.add(Speaker.PATIENT, pressed(digits))
        # While asking about other times, 1 means "yes", not "book the first slot".
        offered = self._offered if self._phase is Phase.OFFERING else ()
        return self._respond(interpret_digits(digits, offered))

    def on_booking_result(self, ok: bool, next_slots: Sequence[Slot] | None = None) -> Reply:
        """Report the booking asked for; on failure, `next_slots` (if given) are offered next."""
        self._expect(Phase.BOOKING)
        slot, self._pending = self._pending, None
        if slot is None:
            raise ConversationStateError("no booking is pending")
        if ok:
            return self._end(EndReason.BOOKED, self._booked_text(slot), booked=slot)
        self._taken.add(slot)
        if next_slots is not None:
            self._source, self._offset = tuple(next_slots), 0
        else:
            self._offset = 0
        slots = self._fetch(0)
        if self._hung_up:
            return self._end(EndReason.SLOT_TAKEN, "")
        if not slots or len(self._taken) >= MAX_SLOTS_TAKEN:
            return self._end(
                EndReason.SLOT_TAKEN, f"{prompts.slot_taken(slot)} {prompts.no_more_slots()}"
            )
        self._offer(slots)
        return self._say(f"{prompts.slot_taken(slot)} {prompts.offer(slots, first=False)}")

    def on_hangup(self) -> None:
        """The patient hung up. Harmless after the end; during a booking the result decides."""
        if self._phase in (Phase.ENDED, Phase.NOT_STARTED) or self._hung_up:
            return
        self._hung_up = True
        self._transcript.add(Speaker.PATIENT, HUNG_UP)
        if self._phase is not Phase.BOOKING:
            self._end(EndReason.HUNG_UP, "")

    def result(self) -> ConversationResult:
        if self._result is None:
            raise ConversationStateError("the conversation has not ended yet")
        return self._result

    def _respond(self, intent: Intent) -> Reply:
        kind = intent.kind
        if kind is IntentKind.OPT_OUT:
            return self._end(EndReason.OPTED_OUT, prompts.opted_out())
        if kind is IntentKind.CALL_BACK:
            return self._end(EndReason.CALL_BACK_ASKED, prompts.call_back())
        if kind is IntentKind.UNCLEAR or self._yes_to_which(kind):
            return self._unclear_reply()
        if kind is IntentKind.REPEAT:
            return self._repeat()
        self._unclear = self._repeats = 0
        if kind is IntentKind.CHOOSE_SLOT and intent.slot_index is not None:
            return self._book(self._offered[intent.slot_index])
        if kind is IntentKind.OTHER_TIMES:
            return self._other_times(intent.ruled_out)
        if self._phase is Phase.ASKING_OTHER_TIMES:
            if kind is IntentKind.AFFIRM:
                return self._next_offer()
            return self._end(EndReason.DECLINED, prompts.declined(self._ctx.practice_name))
        if kind is IntentKind.AFFIRM:
            if len(self._offered) == 1:
                return self._book(self._offered[0])
            self._asked_which = True
            return self._say(prompts.which(self._offered))
        # A first "no" may only mean these times do not suit, so ask once before giving up.
        self._phase = Phase.ASKING_OTHER_TIMES
        return self._say(prompts.ask_other_times())

    def _yes_to_which(self, kind: IntentKind) -> bool:
        # "Yes" to "which would you prefer" names neither slot, so it must not book one.
        return (
            kind is IntentKind.AFFIRM
            and self._asked_which
            and self._phase is Phase.OFFERING
            and len(self._offered) > 1
        )

    def _unclear_reply(self) -> Reply:
        self._unclear += 1
        if self._unclear >= MAX_UNCLEAR_IN_A_ROW:
            return self._end(EndReason.NOT_UNDERSTOOD, prompts.not_understood())
        if self._phase is Phase.ASKING_OTHER_TIMES:
            return self._say(prompts.reask_other_times())
        if self._asked_which:
            return self._say(prompts.reask_which(self._offered))
        return self._say(prompts.reask_offer(self._offered))

    def _repeat(self) -> Reply:
        # Neither an answer nor a misunderstanding, so the unclear count is left alone.
        self._repeats += 1
        if self._repeats > MAX_REPEATS_IN_A_ROW:
            return self._end(EndReason.NOT_UNDERSTOOD, prompts.not_understood())
        if self._phase is Phase.ASKING_OTHER_TIMES:
            return self._say(prompts.repeat_other_times())
        if self._asked_which:
            return self._say(prompts.which(self._offered))
        return self._say(prompts.repeat_offer(self._offered))

    def _other_times(self, ruled_out: frozenset[int]) -> Reply:
        left = tuple(slot for index, slot in enumerate(self._offered) if index not in ruled_out)
        if not 0 < len(left) < len(self._offered):
            return self._next_offer()
        # Offer what is left of this round before looking further; it is not a new round.
        self._phase = Phase.OFFERING
        self._offered = left
        self._asked_which = False
        return self._say(prompts.offer_the_rest(left))

    def _next_offer(self) -> Reply:
        if self._rounds >= MAX_OFFER_ROUNDS:
            return self._end(EndReason.TOO_MANY_OFFERS, prompts.too_many_offers())
        slots = self._fetch(self._offset + SLOTS_PER_OFFER)
        if not slots:
            return self._end(EndReason.NO_MORE_SLOTS, prompts.no_more_slots())
        self._offset += SLOTS_PER_OFFER
        self._offer(slots)
        return self._say(prompts.offer(slots, first=False))

    def _book(self, slot: Slot) -> Reply:
        self._phase = Phase.BOOKING
        self._pending = slot
        return self._say(prompts.booking(slot), action=BookSlot(slot))

    def _offer(self, slots: Sequence[Slot]) -> None:
        self._phase = Phase.OFFERING
        self._offered = tuple(slots)
        self._offered_total += len(slots)
        self._rounds += 1
        self._asked_which = False

    def _fetch(self, skip: int) -> list[Slot]:
        wanted = skip + SLOTS_PER_OFFER + len(self._taken)
        source = self._source
        earliest = source(wanted) if callable(source) else source[:wanted]
        free = [slot for slot in earliest if slot not in self._taken]
        return free[skip : skip + SLOTS_PER_OFFER]

    def _booked_text(self, slot: Slot) -> str:
        context = self._ctx
        if self._hung_up:
            return ""
        return prompts.booked(context.first_name, context.practice_name, context.risk, slot)

    def _say(self, text: str, action: BookSlot | None = None) -> Reply:
        self._transcript.add(Speaker.AGENT, text)
        return Reply(text=text, action=action)

    def _end(self, reason: EndReason, text: str, booked: Slot | None = None) -> Reply:
        if text:
            self._transcript.add(Speaker.AGENT, text)
        outcome = _OUTCOMES[reason]
        kind = appointment_type_for(self._ctx.risk)
        self._phase = Phase.ENDED
        self._result = ConversationResult(
            outcome=outcome,
            reason=reason,
            summary=summarise(
                reason,
                appointment_type=kind,
                offered=self._offered_total,
                taken=len(self._taken),
                booked=booked,
            ),
            transcript=self._transcript.turns,
            appointment_type=kind,
            booked_slot=booked,
        )
        return Reply(text=text, end_call=True, outcome=outcome)

    @property
    def _ctx(self) -> ConversationContext:
        if self._context is None:
            raise ConversationStateError("the conversation has not started")
        return self._context

    def _expect(self, *phases: Phase) -> None:
        if self._phase not in phases:
            raise ConversationStateError(f"cannot take this event while {self._phase}")
