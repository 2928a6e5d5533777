"""Everything the gateway answers on the bus."""

from __future__ import annotations

from sightsync.common.bus.handlers import HandlerRegistry
from sightsync.gateway.handlers.api_keys import ApiKeyHandlers
from sightsync.gateway.messages import CreateApiKey, ListApiKeys, RevokeApiKey


def register_handlers(registry: HandlerRegistry, api_keys: ApiKeyHandlers) -> HandlerRegistry:
    registry.request(CreateApiKey, api_keys.create)
    registry.request(ListApiKeys, api_keys.list)
    registry.request(RevokeApiKey, api_keys.revoke)
    return registry
