from __future__ import annotations

from typing import ClassVar

import pytest

from sightsync.common.bus.dispatcher import Dispatcher, UndecodableMessage
from sightsync.common.bus.handlers import HandlerRegistry, MessageContext
from sightsync.common.clock import SystemClock
from sightsync.common.messages.base import Envelope, Event, Refusal, Request
from sightsync.common.messages.registry import register


class AskThing(Request):
    message_type: ClassVar[str] = "unit.ask_thing"
    owner: ClassVar[str] = "unit"
    refuse: bool = False


class ThingHappened(Event):
    message_type: ClassVar[str] = "unit.thing_happened"
    size: int


register(AskThing, ThingHappened)


def envelope(message: AskThing | ThingHappened) -> Envelope:
    return Envelope.wrap(message, occurred_at=SystemClock().now(), correlation_id="corr")


async def test_after_commit_hooks_run_once_the_work_succeeded_and_not_on_refusal() -> None:
    reported: list[str] = []
    published: list[Envelope] = []
    registry = HandlerRegistry()

    async def ask(message: AskThing, context: MessageContext) -> dict[str, bool]:
        context.after_commit(lambda: reported.append("done"))
        context.emit(ThingHappened(size=1))
        if message.refuse:
            raise Refusal("no", "Refused", 409)
        return {"ok": True}

    async def publish(envelopes: list[Envelope]) -> None:
        published.extend(envelopes)

    registry.request(AskThing, ask)
    dispatcher = Dispatcher("unit", registry, SystemClock(), publish_directly=publish)

    refused = await dispatcher.dispatch(envelope(AskThing(refuse=True)))
    assert refused is not None and not refused.ok
    assert reported == [] and published == []

    accepted = await dispatcher.dispatch(envelope(AskThing()))
    assert accepted is not None and accepted.result == {"ok": True}
    assert reported == ["done"]
    assert [e.type for e in published] == ["unit.thing_happened"]
    assert published[0].causation_id is not None


async def test_a_payload_that_does_not_match_its_type_is_undecodable() -> None:
    registry = HandlerRegistry()

    async def on_thing(message: ThingHappened, context: MessageContext) -> None:
        raise AssertionError("never called")

    registry.event(ThingHappened, on_thing)
    dispatcher = Dispatcher("unit", registry, SystemClock())
    bad = envelope(ThingHappened(size=1)).model_copy(update={"payload": {"size": "big"}})
    with pytest.raises(UndecodableMessage) as raised:
        await dispatcher.dispatch(bad)
    # What is logged names the field and the problem, never the value that was sent.
    assert str(raised.value) == "ThingHappened: size: int_parsing"
    assert "big" not in str(raised.value)
