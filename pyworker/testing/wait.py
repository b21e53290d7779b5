"""Waiting for a condition, the one way tests, benchmarks and the soak do it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx


def wait_for(
    predicate: Callable[[], bool],
    timeout: float = 30,
    what: str = "condition",
    interval: float = 0.1,
) -> None:
    """Poll `predicate` until it is true; TimeoutError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def answers(url: str, server: subprocess.Popen | None = None, log: Path | None = None):
    """A predicate: `url` answers a GET without a server error. If `server` (the process
    serving it) has exited, it raises with its log instead of waiting on."""

    def check() -> bool:
        if server is not None and server.poll() is not None:
            raise RuntimeError(
                f"{url}: the server exited" + (f":\n{log.read_text()}" if log else "")
            )
        try:
            return httpx.get(url, timeout=1).status_code < 500
        except httpx.HTTPError:
            return False

    return check
