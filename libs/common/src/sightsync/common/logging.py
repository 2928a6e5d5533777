"""structlog set-up: JSON lines off a TTY, a readable console on one.

Context such as correlation, practice and message ids is bound with
`structlog.contextvars`, so every line logged while handling a message carries them.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal

import structlog

# Keys that may hold personal data; they are dropped from every log line as a safety net.
# Callers must not log them in the first place: this only keeps a mistake out of the logs.
_PERSONAL_DATA_KEYS = frozenset(
    {
        "first_name",
        "last_name",
        "name",
        "phone",
        "phone_number",
        "email",
        "clinical_notes",
        "transcript",
        "to",
        "from_",
    }
)


def _drop_personal_data(
    _logger: Any, _method: str, event_dict: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    for key in _PERSONAL_DATA_KEYS.intersection(event_dict):
        event_dict[key] = "[redacted]"
    return event_dict


def configure_logging(
    service: str, level: str = "INFO", fmt: Literal["auto", "json", "console"] = "auto"
) -> None:
    """Configure structlog and stdlib logging for one service process."""
    use_console = fmt == "console" or (fmt == "auto" and sys.stderr.isatty())
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer() if use_console else structlog.processors.JSONRenderer()
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _drop_personal_data,
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)

    # Libraries log through stdlib; route them through the same renderer at WARNING and up.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)


def get_logger(name: str | None = None) -> structlog.typing.FilteringBoundLogger:
    """A structlog logger; bind per-message fields with `structlog.contextvars`."""
    logger: structlog.typing.FilteringBoundLogger = structlog.get_logger(name)
    return logger
