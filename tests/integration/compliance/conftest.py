from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.integration.compliance.harness import OPEN_HOURS, Compliance, compliance_running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def compliance(database_url: str) -> AsyncIterator[Compliance]:
    """One compliance for the whole module; every test makes its own practice."""
    async with compliance_running(database_url) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def at_open_hours(compliance: Compliance) -> Compliance:
    compliance.clock.set(OPEN_HOURS)
    return compliance
