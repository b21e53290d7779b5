"""Fault tests' PostgreSQL restarts: only ever the private cluster, never DATABASE_URL's."""

from __future__ import annotations

from pyworker.localdb import default_cluster


def restart_private_cluster() -> None:
    """A fast restart of the private cluster: every open connection is dropped."""
    default_cluster().pg_ctl("restart", "-m", "fast")
