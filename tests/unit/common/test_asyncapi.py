from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from sightsync.common import asyncapi
from sightsync.common.messages.registry import all_message_classes

DOCUMENT = Path(__file__).parents[3] / "docs" / "asyncapi.json"


def test_committed_document_matches_the_models() -> None:
    assert DOCUMENT.read_text() == asyncapi.render(), (
        "docs/asyncapi.json is stale: run `uv run python -m sightsync.common.asyncapi "
        "> docs/asyncapi.json` and commit it"
    )


def test_every_registered_event_is_documented() -> None:
    assert asyncapi.undocumented_events(all_message_classes()) == set()


def test_each_example_validates_against_its_own_message_schema() -> None:
    document = json.loads(DOCUMENT.read_text())
    schemas = document["components"]["schemas"]
    for name, message in document["components"]["messages"].items():
        schema = {**message["payload"], "components": {"schemas": schemas}}
        for example in message["examples"]:
            jsonschema.validate(example["payload"], schema)
        assert (
            message["examples"][0]["payload"]["type"]
            == document["channels"][name_to_channel(document, name)]["address"]
        )


def name_to_channel(document: dict[str, object], message_name: str) -> str:
    channels = document["channels"]
    assert isinstance(channels, dict)
    return next(key for key, channel in channels.items() if message_name in channel["messages"])


def test_channels_are_bound_to_the_events_exchange() -> None:
    document = json.loads(DOCUMENT.read_text())
    assert document["asyncapi"].startswith("3.")
    for channel in document["channels"].values():
        assert channel["bindings"]["amqp"]["exchange"]["name"] == "sightsync.events"
    for operation in document["operations"].values():
        assert operation["action"] == "send"
