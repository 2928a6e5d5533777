"""tps.import / remove / check: the operators' TPS/CTPS register."""

from __future__ import annotations

from typing import Any

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.logging import get_logger
from sightsync.common.messages.base import Refusal
from sightsync.common.messages.tps import CheckTpsNumber, ImportTpsNumbers, RemoveTpsNumbers
from sightsync.compliance.adapters.tps_register import staging_version
from sightsync.compliance.domain.phone import UnparseableNumber, check_phone_number
from sightsync.compliance.domain.tps_lines import MalformedLine, parse_register_lines
from sightsync.compliance.handlers.ports import TpsRegister

log = get_logger(__name__)


class TpsHandlers:
    """Each batch is applied idempotently, so a redelivered batch changes nothing twice.

    Patients' `tps_registered` flags are not rewritten here: they are refreshed from the
    register at each upsert and recall request. The recall decision itself always reads the
    register, so no call ever depends on a flag that has not caught up yet.
    """

    def __init__(self, register: TpsRegister) -> None:
        self._register = register

    async def import_numbers(
        self, message: ImportTpsNumbers, context: MessageContext
    ) -> dict[str, Any]:
        parsed = parse_register_lines((line.line, line.text) for line in message.lines)
        if message.replace:
            version = staging_version(message.import_id)
        else:
            version = await self._register.active_version()

        added = await self._register.add(version, parsed.numbers)
        result: dict[str, Any] = {"added": added, "malformed": _malformed(parsed.malformed)}

        if message.final:
            if message.replace:
                replaced = await self._register.activate(version)
                if replaced is not None:
                    await self._register.discard(replaced)
            result["register_size"] = await self._register.size(version)
        log.info(
            "tps_batch_imported",
            import_id=message.import_id,
            replace=message.replace,
            final=message.final,
            added=added,
            malformed=len(parsed.malformed),
        )
        return result

    async def remove_numbers(
        self, message: RemoveTpsNumbers, context: MessageContext
    ) -> dict[str, Any]:
        parsed = parse_register_lines((line.line, line.text) for line in message.lines)

        removed = await self._register.remove(parsed.numbers)

        log.info("tps_numbers_removed", removed=removed, malformed=len(parsed.malformed))
        return {"removed": removed, "malformed": _malformed(parsed.malformed)}

    async def check_number(
        self, message: CheckTpsNumber, context: MessageContext
    ) -> dict[str, Any]:
        checked = check_phone_number(message.number)
        if isinstance(checked, UnparseableNumber):
            raise Refusal("invalid_phone_number", checked.message, 422, field="number")
        registered = await self._register.contains(checked.e164)
        return {"phone_number": checked.e164, "registered": registered}


def _malformed(lines: tuple[MalformedLine, ...]) -> list[dict[str, Any]]:
    return [{"line": line.line, "reason": line.reason} for line in lines]
