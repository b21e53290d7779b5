"""Test support: Debian's PgBouncer in transaction mode in front of the private cluster, the
way a managed PostgreSQL's pooler (Supavisor, RDS Proxy, PgBouncer) stands in front of it.
PgBouncer refuses to run as root: it runs as the cluster's own user, like PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def transaction_pooler(db_url: str) -> Iterator[tuple[str, Path]]:
    """PgBouncer (pool_mode = transaction) forwarding every database of db_url's server;
    yields (the URL of db_url's database through it, its log file)."""
    server = conninfo_to_dict(db_url)
    folder = Path(tempfile.mkdtemp(prefix="enrich-pgbouncer-"))
    port = _free_port()
    (folder / "users.txt").write_text(f'"{server.get("user", "postgres")}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server['host']} port={server['port']}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\nmax_client_conn = 400\ndefault_pool_size = 30\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {folder / 'pgbouncer.log'}\n"
    )
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        for path in folder.iterdir():
            shutil.chown(path, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    process = subprocess.Popen(
        [*run_as, PGBOUNCER, str(folder / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pooled = make_conninfo(db_url, host="127.0.0.1", port=str(port))
    try:
        for _ in range(100):
            try:
                psycopg.connect(pooled, connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"pgbouncer exited: {(folder / 'pgbouncer.log').read_text()[-2000:]}"
                    ) from None
                time.sleep(0.1)
        yield pooled, folder / "pgbouncer.log"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
