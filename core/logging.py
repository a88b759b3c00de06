"""structlog configured once: console on a TTY, JSON otherwise, stdlib loggers routed through it."""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from core.choices import LogFormat
from core.settings import Settings

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
]


def _drop_color_message(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    # uvicorn passes a colourised copy of each message as an extra; one copy is enough.
    event.pop("color_message", None)
    return event


def _renderer(fmt: LogFormat) -> Any:
    if fmt == LogFormat.AUTO:
        fmt = LogFormat.CONSOLE if sys.stdout.isatty() else LogFormat.JSON
    if fmt == LogFormat.CONSOLE:
        return structlog.dev.ConsoleRenderer()
    return structlog.processors.JSONRenderer()


def configure_logging(settings: Settings) -> None:
    """Route structlog and the standard-library loggers (uvicorn, temporalio) to stdout."""
    structlog.configure(
        processors=[
            *_SHARED,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED, structlog.stdlib.ExtraAdder(), _drop_color_message],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _renderer(settings.log_format),
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # uvicorn.access is left as uvicorn set it: the API logs each request itself.
    for name in ("uvicorn", "uvicorn.error", "temporalio"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
