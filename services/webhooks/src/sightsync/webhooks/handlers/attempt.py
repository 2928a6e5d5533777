"""One attempt at one claimed delivery: sign, send, and settle what happens next."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Protocol

import structlog

from sightsync.common.clock import Clock, SystemClock, isoformat_z
from sightsync.common.logging import get_logger
from sightsync.webhooks import metrics
from sightsync.webhooks.adapters.deliveries import (
    AttemptRecord,
    ClaimedDelivery,
    MongoDeliveryRepository,
)
from sightsync.webhooks.adapters.endpoints import MongoEndpointRepository
from sightsync.webhooks.adapters.secret_box import SecretBox
from sightsync.webhooks.adapters.sender import SendResult
from sightsync.webhooks.domain.endpoints import Endpoint
from sightsync.webhooks.domain.retry import RetryPolicy, Verdict, verdict
from sightsync.webhooks.domain.signing import webhook_headers

log = get_logger(__name__)


class WebhookSender(Protocol):
    async def send(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult: ...


class DeliveryWorker:
    def __init__(
        self,
        endpoints: MongoEndpointRepository,
        deliveries: MongoDeliveryRepository,
        sender: WebhookSender,
        box: SecretBox,
        policy: RetryPolicy,
        clock: Clock,
        rng: random.Random | None = None,
        signing_clock: Clock | None = None,
    ) -> None:
        self._endpoints = endpoints
        self._deliveries = deliveries
        self._sender = sender
        self._box = box
        self._policy = policy
        self._clock = clock
        self._rng = rng or random.Random()
        # Receivers judge webhook-timestamp against their own clock to refuse replays, so it
        # is real time even when SIGHTSYNC_NOW has moved the deployment's clock.
        self._signing_clock = signing_clock or SystemClock()

    async def attempt(self, claimed: ClaimedDelivery) -> None:
        with structlog.contextvars.bound_contextvars(
            practice_id=claimed.practice_id,
            endpoint_id=claimed.endpoint_id,
            delivery_id=claimed.id,
            event_id=claimed.event_id,
            event_type=claimed.event_type,
            attempt=claimed.attempt,
        ):
            await self._attempt(claimed)

    async def _attempt(self, claimed: ClaimedDelivery) -> None:
        endpoint = await self._endpoints.by_id(claimed.endpoint_id)
        body = await self._deliveries.event_body(claimed.event_id)
        started = self._clock.now()
        if endpoint is None or not endpoint.enabled or body is None:
            reason = _why_not(endpoint, body)
            await self._deliveries.give_up(claimed, reason, started)
            log.info("webhook_delivery_abandoned", reason=reason)
            return

        signing = [self._box.open(s.sealed) for s in endpoint.secrets_in_force(started)]
        payload = body.encode()
        signed_at = int(self._signing_clock.now().timestamp())
        headers = webhook_headers(signing, claimed.event_id, signed_at, payload)
        log.debug("webhook_attempt_started")
        result = await self._sender.send(endpoint.url, payload, headers)

        finished = self._clock.now()
        judged = verdict(result.status_code) if result.outcome != "refused" else Verdict.RETRY
        next_at = None
        if judged is Verdict.RETRY:
            next_at = self._policy.next_attempt_at(
                finished, claimed.attempt, claimed.max_attempts, self._rng
            )
        record = AttemptRecord(
            claimed.attempt,
            started,
            result.outcome,
            result.status_code,
            result.latency_ms,
            result.error,
        )
        if not await self._deliveries.record(claimed, record, next_at, finished):
            log.warning("webhook_lease_lost", outcome=result.outcome)
            return
        metrics.ATTEMPTS.labels(result.outcome).inc()
        metrics.ATTEMPT_SECONDS.observe(result.latency_ms / 1000)

        if judged is Verdict.SUCCEEDED:
            await self._endpoints.note_success(endpoint.id)
            log.info(
                "webhook_delivered", status_code=result.status_code, latency_ms=result.latency_ms
            )
        elif judged is Verdict.GONE:
            log.warning("webhook_receiver_gone", status_code=result.status_code)
            await self._disable(endpoint, "receiver answered 410 Gone", finished)
        else:
            log.warning(
                "webhook_attempt_failed",
                outcome=result.outcome,
                status_code=result.status_code,
                error=result.error,
                latency_ms=result.latency_ms,
                next_attempt_at=isoformat_z(next_at) if next_at else None,
            )
            await self._note_failure(endpoint, finished)

    async def _note_failure(self, endpoint: Endpoint, now: datetime) -> None:
        current = await self._endpoints.note_failure(endpoint.id, now)
        if current is None or current.failing_since is None:
            return
        if self._policy.should_disable(current.failing_since, now):
            reason = (
                f"no successful delivery since {isoformat_z(current.failing_since)} "
                f"({current.consecutive_failures} failed attempts)"
            )
            await self._disable(current, reason, now, metric_reason="failing")

    async def _disable(
        self, endpoint: Endpoint, reason: str, now: datetime, *, metric_reason: str = "gone"
    ) -> None:
        if not await self._endpoints.disable(endpoint.id, reason, now):
            return
        abandoned = await self._deliveries.abandon_pending(endpoint.id, "endpoint_disabled", now)
        metrics.ENDPOINTS_DISABLED.labels(metric_reason).inc()
        log.warning("webhook_endpoint_disabled", reason=reason, abandoned=abandoned)


def _why_not(endpoint: Endpoint | None, body: str | None) -> str:
    if endpoint is None:
        return "endpoint_deleted"
    if not endpoint.enabled:
        return "endpoint_disabled"
    return "event_expired" if body is None else "unknown"
