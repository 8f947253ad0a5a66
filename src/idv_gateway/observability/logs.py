"""Structured JSON logs; every line carries the id of the HTTP request it belongs to."""

from __future__ import annotations

import json
import logging
import logging.config
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "REQUEST_ID",
    "JsonFormatter",
    "RepeatLimit",
    "configure_logging",
    "current_request_id",
]

REQUEST_ID: ContextVar[str | None] = ContextVar("idv_gateway_request_id", default=None)
# Attributes every LogRecord has; anything else was passed with `extra=` and is logged.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's ANSI-coloured copy of `message`
}


def current_request_id() -> str | None:
    return REQUEST_ID.get()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RepeatLimit(logging.Filter):
    """At most `burst` lines of one (logger, template) per `window_seconds`.

    Some failures repeat thousands of times a second (asyncio's "accept() out of system
    resource" once the descriptor limit is reached, a provider refusing every call); past
    the burst they are counted, and the next line let through says how many were not
    written, so the log cannot fill a disk nor hide everything else."""

    def __init__(self, burst: int = 20, window_seconds: float = 10.0) -> None:
        super().__init__()
        self.burst = burst
        self.window_seconds = window_seconds
        self._seen: dict[tuple[str, object], list[float | int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.msg)
        now = time.monotonic()
        entry = self._seen.get(key)
        if entry is None or now - entry[0] >= self.window_seconds:
            dropped = int(entry[2]) if entry is not None else 0
            self._seen[key] = [now, 1, 0]
            if len(self._seen) > 1_000:  # bounded: forget the oldest windows
                oldest = min(self._seen, key=lambda k: self._seen[k][0])
                del self._seen[oldest]
            if dropped:
                record.repeats_not_logged = dropped
            return True
        entry[1] = int(entry[1]) + 1
        if entry[1] <= self.burst:
            return True
        entry[2] = int(entry[2]) + 1
        return False


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A `logging.config` dict (also handed to uvicorn) that writes JSON lines to stderr."""
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stderr",
        "filters": ["repeats"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"repeats": {"()": RepeatLimit}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"default": handler},
        "loggers": {
            "idv_gateway": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            # The gateway writes its own access lines, with the request id.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["default"], "level": "WARNING"},
    }


def configure_logging(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(level))
