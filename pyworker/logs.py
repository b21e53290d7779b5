"""Structured logs through Python's logging: one event per line, key=value (or JSON), never a
secret, and nothing from outside (a slug, a header, a response body) can forge a line.

Long-running commands take --log-level and --log-format; routine per-entity events (an
accepted POST, a free retry) are DEBUG, so a terminal's progress bar is not scrolled away.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

LOGGER = logging.getLogger("enrich")
_SECRET_KEYS = ("token", "secret", "authorization", "password")
_DEBUG_EVENTS = frozenset({"sent", "retry"})
_WARNING_EVENTS = frozenset(
    {
        "maybe_sent",
        "post_error",
        "db_unavailable",
        "db_unavailable_giving_up",
        "listen_reconnect",
        "free_outcome_unrecordable",
        "unrecorded_sends",
        "webhook_nearly_full",
        "callback_error",
        "cancelled_after_sending",
        "heartbeat_failed",
        "listen_off",
    }
)
_ERROR_EVENTS = frozenset({"error_no_webhook_left"})
LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")


def _level_of(event: str) -> int:
    if event in _DEBUG_EVENTS:
        return logging.DEBUG
    if event in _WARNING_EVENTS:
        return logging.WARNING
    return logging.ERROR if event in _ERROR_EVENTS else logging.INFO


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        key: "[redacted]" if any(word in key.lower() for word in _SECRET_KEYS) else value
        for key, value in fields.items()
    }


def _format(value: Any) -> str:
    """A value as one token: quoted (JSON string escapes) when it holds a space, '=', a
    quote or anything unprintable, so a newline in data can never start a line of its own."""
    text = str(value)
    if text and text.isprintable() and not any(c in text for c in ' ="'):
        return text
    return json.dumps(text)


class _KeyValue(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        parts = [
            f"ts={time.strftime('%Y-%m-%dT%H:%M:%S', time.localtime(record.created))}",
            f"level={record.levelname.lower()}",
            f"event={_format(record.getMessage())}",
        ]
        parts += [f"{key}={_format(value)}" for key, value in record.fields.items()]
        return " ".join(parts)


class _Json(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {  # ts, level and event last: a field of those names cannot stand for them
            **record.fields,
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created)),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        return json.dumps(line, default=str)


class _Stderr(logging.StreamHandler):
    """stderr, written at each event's time; a closed stderr (a broken pipe) never stops
    the work: the line is dropped."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # the current sys.stderr (tests and pipes swap it)
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        pass


def configure(level: str = "info", fmt: str = "text") -> None:
    """Where and how the events go: stderr, from `level` up, as text or JSON lines."""
    handler = _Stderr()
    handler.setFormatter(_Json() if fmt == "json" else _KeyValue())
    LOGGER.handlers[:] = [handler]
    LOGGER.setLevel(getattr(logging, level.upper()))
    LOGGER.propagate = False


def log(event: str, **fields: Any) -> None:
    if not LOGGER.handlers:
        configure()
    level = _level_of(event)
    if LOGGER.isEnabledFor(level):
        LOGGER.log(level, event, extra={"fields": _clean(fields)})
