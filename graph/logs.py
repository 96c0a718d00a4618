"""Logs: plain text by default, or one JSON object a line (``log_format = "json"``), each with the id of the
request it was written for (``REQUEST_ID``, set by the service's middleware and echoed in ``X-Request-ID``)."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
# what a record may carry beyond the message (logger.info(..., extra={...})): kept as fields of the JSON line
FIELDS = ("method", "path", "route", "status", "seconds", "client")


class _RequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonLines(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message, request_id and the fields given."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def handler(log_format: str) -> logging.Handler:
    out = logging.StreamHandler(sys.stderr)
    out.addFilter(_RequestId())
    if log_format == "json":
        out.setFormatter(JsonLines())
    else:
        out.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
    return out


def configure(log_format: str) -> None:
    """The service's logs (the ``ressourcerie`` loggers, and uvicorn's) in the format chosen."""
    root = logging.getLogger("ressourcerie")
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(log_format))
    root.setLevel(logging.INFO)
    root.propagate = False


def uvicorn_config(log_format: str) -> dict[str, Any] | None:
    """uvicorn's ``log_config``: its own in text mode (None); in JSON, its errors as JSON lines and no access
    log of its own (the service writes one, with the request id)."""
    if log_format != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": _RequestId}},
        "formatters": {"json": {"()": JsonLines}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
