"""`python -m sightsync.outcomes [serve|rebuild]`: run the service, or rebuild read models."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence

from sightsync.common.clock import clock_from_environment
from sightsync.common.logging import configure_logging
from sightsync.common.runner import run_service
from sightsync.common.storage import create_client
from sightsync.outcomes.adapters.event_log import MongoEventLog
from sightsync.outcomes.adapters.read_models import MongoReadModels
from sightsync.outcomes.bootstrap import SERVICE, bootstrap
from sightsync.outcomes.handlers.rebuild import rebuild_read_models
from sightsync.outcomes.settings import OutcomesSettings


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="sightsync-outcomes")
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=("serve", "rebuild"),
        help="serve (the default) runs the service; rebuild refolds every read model "
        "from the event log and exits",
    )
    args = parser.parse_args(argv)
    settings = OutcomesSettings()
    if args.command == "rebuild":
        configure_logging(SERVICE, settings.log_level, settings.log_format)
        asyncio.run(rebuild(settings))
    else:
        run_service(SERVICE, settings, lambda: bootstrap(settings))


async def rebuild(settings: OutcomesSettings) -> None:
    mongo = create_client(settings.mongodb_url)
    try:
        db = mongo[settings.database_name(SERVICE)]
        await rebuild_read_models(MongoEventLog(db, clock_from_environment()), MongoReadModels(db))
    finally:
        await mongo.close()
