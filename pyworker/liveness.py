"""Who is alive: a process keeps its row in enrich.processes current with a heartbeat from a
thread of its own (its own connection, one short transaction per beat, so it works behind a
transaction pooler), and removes it when it stops. A killed process's row simply expires.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType

import psycopg

from pyworker import db
from pyworker.logs import log

ALIVE_FOR = timedelta(seconds=60)  # a killed process counts as gone this long after its last beat
BEAT_EVERY = 10.0  # seconds: several beats per ALIVE_FOR, so one slow beat is no gap


def process_id() -> str:
    """host:pid:random (a worker's name too): unique, and says where to look."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def our_version() -> str:
    try:
        return version("enrich-once")
    except PackageNotFoundError:  # run from a checkout without installing
        return "unknown"


class Heartbeat:
    """`with Heartbeat(url, "loader") as beat:` registers the process (beat.id) before the
    block and keeps it alive until the block ends."""

    def __init__(self, database_url: str, kind: str, alive_for: timedelta = ALIVE_FOR) -> None:
        self.database_url = database_url
        self.kind = kind
        self.alive_for = alive_for
        self.id = process_id()
        self.version = our_version()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _beat(self, conn: psycopg.Connection) -> None:
        db.heartbeat(conn, self.id, self.kind, self.alive_for, self.version)

    def __enter__(self) -> Heartbeat:
        with db.connect(self.database_url) as conn:
            self._beat(conn)  # registered before the caller goes on (or it raises here)
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{self.kind}", daemon=True
        )
        self._thread.start()
        return self

    def _run(self) -> None:
        conn: psycopg.Connection | None = None
        while not self._stop.wait(BEAT_EVERY):
            try:
                if conn is None or conn.closed or conn.broken:
                    conn = db.connect(self.database_url)
                self._beat(conn)
            except psycopg.Error as exc:  # the next beat tries again, on a new connection
                log("heartbeat_failed", process=self.id, error=type(exc).__name__)
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            with db.connect(self.database_url) as conn:
                db.sign_off(conn, self.id)
        except psycopg.Error:  # the row expires by itself
            pass
