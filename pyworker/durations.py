"""Durations on the command line: 4s, 30m, 2h, 30d (or a combination such as 1h30m)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    value = text.strip().lower()
    parts = _PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise ValueError(f"invalid duration {text!r}: use e.g. 4s, 30m, 2h, 30d or 1h30m")
    total = timedelta()
    for number, unit in parts:
        total += timedelta(**{_UNITS[unit]: float(number)})
    if total <= timedelta(0):
        raise ValueError(f"invalid duration {text!r}: must be positive")
    return total


def format_duration(seconds: float | None) -> str:
    """The other way round, for people: 1800 -> 30m, 5400 -> 1h30m, None -> none."""
    if seconds is None:
        return "none"
    left, parts = int(seconds), []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if left >= size or (unit == "s" and not parts):
            parts.append(f"{left // size}{unit}")
            left %= size
    return "".join(parts)


def day_start(text: str) -> datetime:
    """A date (2026-12-01) as the moment it starts, in UTC; ValueError if it is none."""
    return datetime.combine(date.fromisoformat(text.strip()), time(), UTC)
