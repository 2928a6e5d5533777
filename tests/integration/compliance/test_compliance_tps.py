"""The TPS/CTPS register over the bus: add, replace atomically, remove, check."""

from __future__ import annotations

import pytest

from sightsync.common.messages.patients import GetPatient
from sightsync.common.messages.tps import (
    CheckTpsNumber,
    ImportTpsNumbers,
    NumberedLine,
    RemoveTpsNumbers,
)
from tests.integration.compliance.harness import Compliance

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]


def _lines(*texts: str) -> list[NumberedLine]:
    return [NumberedLine(line=number, text=text) for number, text in enumerate(texts, start=1)]


async def _registered(compliance: Compliance, number: str) -> bool:
    result = await compliance.ok(CheckTpsNumber(number=number))
    return bool(result["registered"])


async def test_register_lifecycle_add_replace_remove_with_malformed_lines(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours

    added = await compliance.ok(
        ImportTpsNumbers(
            import_id="add-1",
            lines=_lines(
                "07700 900701",
                "+44 20 7946 0702",
                "",
                "not a number",
                "0909 879 0000",  # premium rate: not callable, still a UK number to register
                "+1 212 555 0100",
                "07700900701",  # the first line again, in another format
            ),
        )
    )
    assert added["added"] == 3
    assert added["register_size"] == 3
    assert [line["line"] for line in added["malformed"]] == [4, 6]
    assert "recognisable" in added["malformed"][0]["reason"]
    assert "UK" in added["malformed"][1]["reason"]
    assert await _registered(compliance, "(+44) 07700-900-701")

    staged = await compliance.ok(
        ImportTpsNumbers(
            import_id="full-1",
            lines=_lines("07700 900711", "07700 900712"),
            replace=True,
            final=False,
        )
    )
    # Staged batches are invisible until the final one swaps the register.
    assert staged == {"added": 2, "malformed": []}
    assert await _registered(compliance, "07700 900701")
    assert not await _registered(compliance, "07700 900711")
    final = await compliance.ok(
        ImportTpsNumbers(import_id="full-1", lines=_lines("07700 900713", "x"), replace=True)
    )
    assert final == {
        "added": 1,
        "malformed": [{"line": 2, "reason": "This is not a recognisable phone number."}],
        "register_size": 3,
    }
    assert not await _registered(compliance, "07700 900701")
    assert await _registered(compliance, "07700 900711")

    removed = await compliance.ok(
        RemoveTpsNumbers(lines=_lines("07700 900711", "07700 900799", "?"))
    )
    assert removed == {
        "removed": 1,
        "malformed": [{"line": 3, "reason": "This is not a recognisable phone number."}],
    }
    assert not await _registered(compliance, "07700 900711")
    assert await compliance.db["tps_numbers"].count_documents({}) == 2


async def test_checking_an_unparseable_number_is_422(at_open_hours: Compliance) -> None:
    error = await at_open_hours.refused(CheckTpsNumber(number="call me"))

    assert (error.status, error.code) == (422, "invalid_phone_number")


async def test_patients_flags_are_refreshed_from_the_register_at_each_upsert(
    at_open_hours: Compliance,
) -> None:
    compliance = at_open_hours
    practice = await compliance.new_practice()
    await compliance.ok(ImportTpsNumbers(import_id="flags-1", lines=_lines("07700 900721")))

    listed = await compliance.new_patient(practice["id"], "07700 900721")
    later = await compliance.new_patient(practice["id"], "07700 900722")
    await compliance.ok(ImportTpsNumbers(import_id="flags-2", lines=_lines("07700 900722")))
    await compliance.ok(RemoveTpsNumbers(lines=_lines("07700 900721")))
    listed_again = await compliance.new_patient(practice["id"], "07700 900721")
    later_again = await compliance.new_patient(practice["id"], "07700 900722")

    assert (listed["tps_registered"], later["tps_registered"]) == (True, False)
    assert (listed_again["tps_registered"], later_again["tps_registered"]) == (False, True)
    fetched = await compliance.ok(GetPatient(practice_id=practice["id"], patient_id=later["id"]))
    assert fetched["patient"]["tps_registered"] is True
