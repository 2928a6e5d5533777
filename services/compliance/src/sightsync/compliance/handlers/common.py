"""Small pieces every compliance handler shares."""

from __future__ import annotations

from datetime import datetime

from pymongo.errors import PyMongoError

from sightsync.common.bus.handlers import MessageContext
from sightsync.common.messages.base import Refusal


class DecisionRaced(PyMongoError):
    """A decisive conditional write matched nothing: another decision changed its inputs.

    It carries the driver's transient label, so the transaction is rerun from a fresh
    snapshot and decides again on what the winner committed.
    """

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} changed during the decision", ["TransientTransactionError"])


def current_instant(context: MessageContext) -> datetime:
    # MongoDB keeps milliseconds; trimming here means what a reply shows is what is stored.
    now = context.clock.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def practice_not_found() -> Refusal:
    return Refusal("practice_not_found", "Practice not found", 404)


def patient_not_found() -> Refusal:
    return Refusal("patient_not_found", "Patient not found", 404)
