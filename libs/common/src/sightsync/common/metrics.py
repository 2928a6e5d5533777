"""Prometheus metrics shared by every service. Labels never carry personal data."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

MESSAGES_HANDLED = Counter(
    "sightsync_messages_handled_total",
    "Messages consumed from the bus, by handler and result.",
    ["service", "message_type", "result"],
)
MESSAGE_SECONDS = Histogram(
    "sightsync_message_handling_seconds",
    "Time spent handling one message.",
    ["service", "message_type"],
)
MESSAGES_PUBLISHED = Counter(
    "sightsync_messages_published_total",
    "Messages published and confirmed by the broker.",
    ["service", "message_type"],
)
RPC_SECONDS = Histogram(
    "sightsync_rpc_seconds",
    "Round trip of a request/reply call, by request type and result.",
    ["service", "message_type", "result"],
)
OUTBOX_PENDING = Counter(
    "sightsync_outbox_relayed_total",
    "Outbox entries relayed to the broker.",
    ["service"],
)
HTTP_REQUESTS = Counter(
    "sightsync_http_requests_total",
    "HTTP requests served, by route template and status.",
    ["service", "route", "method", "status"],
)
HTTP_SECONDS = Histogram(
    "sightsync_http_request_seconds",
    "HTTP request latency by route template.",
    ["service", "route", "method"],
)
