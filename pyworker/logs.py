"""Structured logs: one event per line, key=value, never a secret."""

from __future__ import annotations

import contextlib
import sys
import time
from typing import Any

_SECRET_KEYS = ("token", "secret", "authorization", "password")


def _format(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if (" " in text or "=" in text or not text) else text


def log(event: str, **fields: Any) -> None:
    parts = [f"ts={time.strftime('%Y-%m-%dT%H:%M:%S')}", f"event={event}"]
    for key, value in fields.items():
        if any(word in key.lower() for word in _SECRET_KEYS):
            value = "[redacted]"
        parts.append(f"{key}={_format(value)}")
    # stderr may be gone (a closed pipe): a log line must never stop the work
    with contextlib.suppress(BrokenPipeError, ValueError):
        print(" ".join(parts), file=sys.stderr, flush=True)
