"""Everything the webhooks service does: fan events out, and answer the API's requests."""

from __future__ import annotations

from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.common.messages.appointments import AppointmentBooked, AppointmentUpdated
from sightsync.common.messages.calls import CallCompleted, CallFailed
from sightsync.common.messages.patients import PatientOptedOut, PatientOptOutRecorded
from sightsync.common.messages.webhooks import (
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    GetWebhookEndpoint,
    ListWebhookDeliveries,
    ListWebhookEndpoints,
    RetryWebhookDelivery,
    RotateWebhookSecret,
    SendTestWebhook,
    UpdateWebhookEndpoint,
)
from sightsync.webhooks.handlers.deliveries import DeliveryHandlers
from sightsync.webhooks.handlers.endpoints import EndpointHandlers
from sightsync.webhooks.handlers.fan_out import FanOut

FANNED_OUT = (
    CallCompleted,
    CallFailed,
    AppointmentBooked,
    AppointmentUpdated,
    PatientOptedOut,
    PatientOptOutRecorded,
)


def register_handlers(
    registry: HandlerRegistry,
    fan_out: FanOut,
    endpoints: EndpointHandlers,
    deliveries: DeliveryHandlers,
) -> HandlerRegistry:
    for event in FANNED_OUT:
        registry.event(event, fan_out.handle)

    # Create and delete keep the per-practice endpoint count in step, so they are atomic.
    registry.request(CreateWebhookEndpoint, endpoints.create, transactional=True)
    registry.request(DeleteWebhookEndpoint, endpoints.delete, transactional=True)
    registry.request(ListWebhookEndpoints, endpoints.list)
    registry.request(GetWebhookEndpoint, endpoints.get)
    registry.request(UpdateWebhookEndpoint, endpoints.update)
    registry.request(RotateWebhookSecret, endpoints.rotate_secret)

    registry.request(SendTestWebhook, deliveries.send_test)
    registry.request(ListWebhookDeliveries, deliveries.list)
    registry.request(RetryWebhookDelivery, deliveries.retry)
    return registry
