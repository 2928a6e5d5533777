"""The webhooks service's own metrics; labels carry outcomes, never practices or URLs."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ATTEMPTS = Counter(
    "sightsync_webhook_attempts_total",
    "Webhook delivery attempts, by outcome.",
    ["outcome"],
)
ATTEMPT_SECONDS = Histogram(
    "sightsync_webhook_attempt_seconds",
    "Time from sending a webhook to its answer (or giving up on one).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15),
)
IN_FLIGHT = Gauge(
    "sightsync_webhook_in_flight",
    "Webhook attempts running in this process.",
)
ENDPOINTS_DISABLED = Counter(
    "sightsync_webhook_endpoints_disabled_total",
    "Endpoints the service disabled, by reason.",
    ["reason"],
)
