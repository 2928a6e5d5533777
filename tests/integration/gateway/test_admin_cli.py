"""sightsync-admin as operators run it: a process, JSON on stdout, JSON errors on stderr."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from sightsync.common.messages.practices import UpdatePractice
from sightsync.dialer.adapters.practices import MongoPracticeDirectory
from sightsync.dialer.domain.slots import DiarySettings, Weekday
from sightsync.gateway.entrypoints.admin.client import AdminClient, AdminError
from tests.support.api import auth_headers
from tests.support.system import RunningSystem

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

ADMIN = str(Path(sys.executable).with_name("sightsync-admin"))


async def admin_cli(
    system: RunningSystem, *args: str, env: dict[str, str] | None = None
) -> tuple[int, Any, str]:
    """(exit code, stdout as JSON or None, stderr)."""
    process = await asyncio.create_subprocess_exec(
        ADMIN,
        *args,
        env={**os.environ, **system.env, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, json.loads(out) if out.strip() else None, err.decode()


async def test_practices_are_created_changed_and_read(full_system: RunningSystem) -> None:
    code, created, _ = await admin_cli(
        full_system,
        "practices", "create", "--name", "Kingsway Opticians", "--plan", "group",
        "--nation", "wales", "--caller-id", "+441134960000",
    )  # fmt: skip
    assert code == 0
    assert (created["plan"], created["nation"], created["status"]) == ("group", "wales", "active")

    code, updated, _ = await admin_cli(
        full_system, "practices", "update", created["id"], "--monthly-limit", "5",
        "--allow-overage", "--status", "trialing",
    )  # fmt: skip
    assert code == 0
    assert (updated["monthly_limit"], updated["allow_overage"], updated["name"]) == (
        5,
        True,
        "Kingsway Opticians",
    )

    code, shown, _ = await admin_cli(full_system, "practices", "show", created["id"])
    assert (code, shown["status"]) == (0, "trialing")
    code, listing, _ = await admin_cli(full_system, "practices", "list")
    assert created["id"] in [practice["id"] for practice in listing["practices"]]

    code, out, err = await admin_cli(full_system, "practices", "show", "prac_missing")
    assert (code, out) == (1, None)
    assert json.loads(err)["status"] == 404


async def test_a_diary_file_is_checked_before_sending_and_a_valid_one_reaches_the_dialer(
    full_system: RunningSystem, tmp_path: Path
) -> None:
    _, practice, _ = await admin_cli(full_system, "practices", "create", "--name", "Diary Ltd")
    bad = tmp_path / "bad.json"
    bad.write_text('{"opening_hours": {"mon": [["09:00", "17:00"]]}}')
    good = tmp_path / "diary.json"
    good.write_text('{"opening_hours": {"Tuesday": [["09:00", "12:00"]]}, "slot_minutes": 20}')

    code, out, err = await admin_cli(
        full_system, "practices", "update", practice["id"], "--diary", str(bad)
    )
    assert (code, out) == (2, None)
    assert f"argument --diary: {bad}: diary.opening_hours.mon: Input should be 'monday'" in err
    _, shown, _ = await admin_cli(full_system, "practices", "show", practice["id"])
    assert shown["diary"] is None

    code, updated, _ = await admin_cli(
        full_system, "practices", "update", practice["id"], "--diary", str(good)
    )
    assert code == 0
    assert updated["diary"] == {
        "slot_minutes": 20,
        "clinicians": 1,
        "lead_days": 1,
        "opening_hours": {"tuesday": [["09:00", "12:00"]]},
    }
    dialer_db = full_system.apps["dialer"].db
    assert dialer_db is not None
    diary = await _projected_diary(MongoPracticeDirectory(dialer_db), practice["id"])
    assert diary == DiarySettings(
        opening_hours={Weekday.TUESDAY: [("09:00", "12:00")]}, slot_minutes=20
    )


async def test_compliance_refuses_an_invalid_diary_as_a_json_error_naming_the_field(
    full_system: RunningSystem, admin: AdminClient
) -> None:
    practice = await admin.create_practice(name="Unchecked Ltd")

    # What an older CLI, which sent the file unchecked, gets back and prints on stderr.
    with pytest.raises(AdminError) as refused:
        await admin.ask(
            UpdatePractice(practice_id=practice["id"], diary={"slots": ["09:00"]}),
            practice_id=practice["id"],
        )

    assert refused.value.as_json() == {
        "error": "diary.opening_hours: Field required; diary.slots: is not a diary setting "
        "(the settings are slot_minutes, clinicians, lead_days, opening_hours)",
        "status": 422,
        "code": "invalid_diary",
        "field": "diary.opening_hours",
    }


async def _projected_diary(directory: MongoPracticeDirectory, practice_id: str) -> DiarySettings:
    for _ in range(200):
        profile = await directory.get(practice_id)
        if profile is not None and profile.revision == 2:
            return profile.diary
        await asyncio.sleep(0.05)
    raise AssertionError("the dialer did not project the practice's new diary")


async def test_keys_are_issued_once_listed_without_secrets_and_revoked(
    full_system: RunningSystem,
) -> None:
    _, practice, _ = await admin_cli(full_system, "practices", "create", "--name", "Keys Ltd")

    code, created, _ = await admin_cli(full_system, "keys", "create", "--practice", practice["id"])
    assert code == 0
    assert set(created) == {"api_key", "id"}
    assert created["api_key"].startswith("nvc_live_")
    assert created["id"].startswith("key_")
    async with full_system.http.get(
        full_system.api("/patients"), headers=auth_headers(created["api_key"])
    ) as response:
        assert response.status == 200

    code, listing, _ = await admin_cli(full_system, "keys", "list", "--practice", practice["id"])
    assert code == 0
    assert [key["id"] for key in listing["keys"]] == [created["id"]]
    assert created["api_key"] not in json.dumps(listing)

    code, revoked, _ = await admin_cli(full_system, "keys", "revoke", created["id"])
    assert code == 0
    assert revoked["revoked_at"]
    await asyncio.sleep(1.0)
    async with full_system.http.get(
        full_system.api("/patients"), headers=auth_headers(created["api_key"])
    ) as response:
        assert response.status == 401

    code, _, err = await admin_cli(full_system, "keys", "create", "--practice", "prac_missing")
    assert code == 1
    assert json.loads(err)["status"] == 404


async def test_tps_files_are_imported_checked_and_removed(
    full_system: RunningSystem, tmp_path: Path
) -> None:
    tps_file = tmp_path / "tps.txt"
    tps_file.write_text("# weekly TPS extract\n07700 900801\n\nnot-a-number\n+44 20 7946 0801\n")

    code, summary, err = await admin_cli(full_system, "tps", "import", str(tps_file))
    assert code == 0
    assert (summary["lines"], summary["added"], summary["malformed_count"]) == (3, 2, 1)
    assert summary["malformed"][0]["line"] == 4
    assert "line 4" in err

    code, checked, _ = await admin_cli(full_system, "tps", "check", "07700900801")
    assert (code, checked["registered"]) == (0, True)

    code, removed, _ = await admin_cli(full_system, "tps", "remove", str(tps_file))
    assert (code, removed["removed"]) == (0, 2)
    code, checked, _ = await admin_cli(full_system, "tps", "check", "+447700900801")
    assert (code, checked["registered"]) == (0, False)


async def test_demo_creates_a_key_once_and_then_reuses_it(
    full_system: RunningSystem, tmp_path: Path
) -> None:
    env = {"SIGHTSYNC_DATA_DIR": str(tmp_path)}

    code, first, banner = await admin_cli(full_system, "demo", "--if-new", env=env)
    assert code == 0
    assert first["created"] is True
    assert first["api_key"] in banner
    assert "curl" in banner
    key_file = tmp_path / "demo-api-key"
    assert key_file.read_text().strip() == first["api_key"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    code, again, _ = await admin_cli(full_system, "demo", "--if-new", env=env)
    assert (code, again["api_key"], again["created"]) == (0, first["api_key"], False)
