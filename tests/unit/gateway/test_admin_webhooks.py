"""`sightsync-admin webhooks` without a broker: arguments become the API's own requests."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sightsync.common.messages.webhooks import (
    CreateWebhookEndpoint,
    ListWebhookDeliveries,
    RotateWebhookSecret,
    UpdateWebhookEndpoint,
)
from sightsync.gateway.entrypoints.admin.webhooks import request_for
from sightsync.gateway.entrypoints.admin_cli import build_parser
from sightsync.gateway.entrypoints.http.schemas_webhooks import RotatedSecret


def _request(*argv: str) -> object:
    message, _ = request_for(build_parser().parse_args(["webhooks", *argv]))
    return message


def test_create_sends_every_event_given_and_the_description() -> None:
    message = _request(
        "create", "--practice", "prac_1", "--url", "https://pms.example.co.uk/hooks",
        "--event", "call.completed", "--event", "appointment.booked", "--description", "PMS",
    )  # fmt: skip

    assert message == CreateWebhookEndpoint(
        practice_id="prac_1",
        url="https://pms.example.co.uk/hooks",
        events=["call.completed", "appointment.booked"],
        description="PMS",
    )


def test_update_sends_only_what_was_given_and_disable_means_enabled_false() -> None:
    message = _request("update", "--practice", "prac_1", "whk_1", "--disable")

    assert isinstance(message, UpdateWebhookEndpoint)
    assert message.model_dump(exclude_unset=True) == {
        "practice_id": "prac_1",
        "endpoint_id": "whk_1",
        "enabled": False,
    }


def test_update_with_nothing_to_change_is_refused_by_the_api_schema() -> None:
    with pytest.raises(ValidationError, match="give at least one"):
        _request("update", "--practice", "prac_1", "whk_1")


def test_the_api_schema_bounds_the_description_and_the_page_size() -> None:
    with pytest.raises(ValidationError, match="description"):
        _request(
            "create", "--practice", "p", "--url", "https://x.example", "--event", "call.failed",
            "--description", "x" * 501,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="limit"):
        _request("deliveries", "--practice", "p", "whk_1", "--limit", "101")

    message = _request("deliveries", "--practice", "p", "whk_1")
    assert isinstance(message, ListWebhookDeliveries)
    assert (message.limit, message.before) == (20, None)


def test_unknown_events_and_both_enable_and_disable_are_usage_errors() -> None:
    parser = build_parser()

    with pytest.raises(SystemExit):
        parser.parse_args(
            ["webhooks", "create", "--practice", "p", "--url", "https://x", "--event", "ping"]
        )
    with pytest.raises(SystemExit):
        parser.parse_args(
            ["webhooks", "update", "--practice", "p", "whk_1", "--enable", "--disable"]
        )
    with pytest.raises(SystemExit):
        parser.parse_args(["webhooks", "list"])


def test_rotate_secret_is_shown_through_the_api_answer_schema() -> None:
    message, answer = request_for(
        build_parser().parse_args(["webhooks", "rotate-secret", "--practice", "p", "whk_1"])
    )

    assert message == RotateWebhookSecret(practice_id="p", endpoint_id="whk_1")
    assert answer is RotatedSecret
