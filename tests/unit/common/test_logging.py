"""What every service's log lines look like once `configure_logging` has run."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from sightsync.common.logging import configure_logging, get_logger


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
    root.handlers[:], root.level = handlers, level


def test_json_lines_carry_the_service_and_the_bound_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("compliance", fmt="json")
    log = get_logger("test")

    with structlog.contextvars.bound_contextvars(
        correlation_id="req_1", practice_id="prac_1", message_id="msg_1"
    ):
        log.info("recall_accepted", call_id="c_1")

    (line,) = capsys.readouterr().err.splitlines()
    record = json.loads(line)
    assert record["event"] == "recall_accepted"
    assert record["level"] == "info"
    assert record["timestamp"].endswith("Z")
    assert {key: record[key] for key in ("service", "correlation_id", "practice_id")} == {
        "service": "compliance",
        "correlation_id": "req_1",
        "practice_id": "prac_1",
    }
    assert (record["message_id"], record["call_id"]) == ("msg_1", "c_1")


def test_personal_data_logged_by_mistake_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("gateway", fmt="json")

    get_logger("test").warning(
        "patient_rejected",
        first_name="Margaret",
        phone_number="+447700900123",
        clinical_notes="glaucoma",
        patient_id="pat_1",
    )

    output = capsys.readouterr().err
    for secret in ("Margaret", "+447700900123", "glaucoma"):
        assert secret not in output
    assert json.loads(output)["patient_id"] == "pat_1"


def test_below_the_level_nothing_is_written(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("dialer", level="WARNING", fmt="json")

    get_logger("test").info("call_placed", call_id="c_1")

    assert capsys.readouterr().err == ""


def test_console_format_is_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("outcomes", fmt="console")

    get_logger("test").info("event_projected", call_id="c_1")

    line = capsys.readouterr().err
    assert "event_projected" in line and "call_id" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
