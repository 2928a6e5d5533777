"""Every message type that crosses services, looked up by its routing key."""

from __future__ import annotations

from sightsync.common.messages.base import Message

_BY_TYPE: dict[str, type[Message]] = {}


def register(*classes: type[Message]) -> None:
    """Make message classes decodable by type; a routing key may name only one class."""
    for cls in classes:
        existing = _BY_TYPE.get(cls.message_type)
        if existing is not None and existing is not cls:
            raise ValueError(f"message type {cls.message_type} is already {existing.__name__}")
        _BY_TYPE[cls.message_type] = cls


def message_class(message_type: str) -> type[Message] | None:
    """The class for a routing key, or None when nobody registered it."""
    return _BY_TYPE.get(message_type)


def all_message_classes() -> dict[str, type[Message]]:
    """Every registered message class, by routing key."""
    return dict(_BY_TYPE)
