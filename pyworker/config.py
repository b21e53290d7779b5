"""Settings from the environment (names are part of the contract, see DESIGN.md §3)."""

from __future__ import annotations

import os

from pyworker.localdb import default_cluster


def database_url() -> str:
    """DATABASE_URL if set, else the private cluster under the project folder (started)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return default_cluster().ensure_running()
