"""Messages that cross services, defined once; importing this registers them all."""

from sightsync.common.messages import (
    appointments,
    calls,
    outcomes,
    patients,
    practices,
    recall,
    tps,
    webhooks,
)
from sightsync.common.messages.base import (
    Command,
    Envelope,
    ErrorDetail,
    Event,
    Message,
    Refusal,
    Reply,
    Request,
)

__all__ = [
    "Command",
    "Envelope",
    "ErrorDetail",
    "Event",
    "Message",
    "Refusal",
    "Reply",
    "Request",
    "appointments",
    "calls",
    "outcomes",
    "patients",
    "practices",
    "recall",
    "tps",
    "webhooks",
]
