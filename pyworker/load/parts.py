"""A load in parts: the rows go to several connections by their company (so that the parts
rarely wait for one another's companies), each COPYs and starts its rows in its own
transaction, and PostgreSQL writes on as many cores. The batch is LOADING until every part
has committed, then finish_loading ends it. A part that fails after the file was read leaves
the others committed: the loader then deletes the batch (discard_loading_batch); the
companies and claims those parts made stay, like any batch's, and serve the file's next load.
With --max-new-calls the parts' claims are held (not sent) until finish_loading has checked
the whole file; a refusal or a discard takes them back, so nothing is paid.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from uuid import UUID

import psycopg

from pyworker import db
from pyworker.load.copy_format import copy_items_in_parts

# Files this big load in PARTS connections, each a core's worth of work: see
# docs/performance.md (`python -m bench.parts` measures it).
PARTS_FROM_BYTES = 8 * 1024 * 1024
PARTS = 2


def default_parts(source: str) -> int:
    if source == "-" or Path(source).stat().st_size < PARTS_FROM_BYTES:
        return 1
    return PARTS


_HOST_END = re.compile(r"[/?#\\:]")


def company_hint(row: dict) -> str:
    """Where the row's company probably is, worked out without the database: the last two
    labels (three after a short second-level label such as co.uk) of the host of
    company_domain, else company_website, else the email. Only a hint for spreading rows
    over parts: the company key needs the database's public-suffix and free-mail lists."""
    value = row.get("company_domain") or row.get("company_website") or ""
    if value:
        host = str(value).strip().lower().split("://", 1)[-1].lstrip("/")
        host = _HOST_END.split(host.rpartition("@")[2], maxsplit=1)[0]
    else:
        host = str(row.get("email") or "").rpartition("@")[2].strip().lower()
    labels = host.strip(".").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


def _start_part(conn: psycopg.Connection, batch_id: UUID) -> None:
    db.start_batch(conn, batch_id)
    conn.commit()


def load_in_parts(
    database_url: str,
    batch_id: UUID,
    rows: Iterator[tuple[int, dict]],
    parts: int,
    on_progress: Callable[[str], None] | None,
) -> int:
    """COPY the rows over `parts` connections, then start each part in its own transaction
    (all at once); raises if any part failed, once every part has stopped."""
    with ExitStack() as stack:
        conns = []
        for _ in range(parts):
            conns.append(stack.enter_context(db.connect(database_url, autocommit=False)))
            # the parts are the load's parallelism: each keeps a core busy with every
            # statement, and parallel workers would only compete with the other parts (a
            # part is one transaction: the setting lasts as long as the part)
            db.without_parallel_workers(conns[-1])
            db.without_statement_timeout(conns[-1])
        count = copy_items_in_parts(
            conns, batch_id, rows, lambda row: zlib.crc32(company_hint(row).encode()) % parts
        )
        if on_progress:
            on_progress(
                f"{count:,} rows read; normalising keys and claiming entities ({parts} parts)"
            )
        with ThreadPoolExecutor(parts) as pool:
            started = [pool.submit(_start_part, conn, batch_id) for conn in conns]
            try:
                for part in started:
                    part.exception()  # wait for each
            except BaseException:  # interrupted: stop the parts before their connections close
                for conn in conns:
                    conn.cancel_safe()
                raise
        for part in started:
            part.result()  # the first part's failure, if any
    return count


DISCARD_ATTEMPTS = 3


def discard_batch(
    database_url: str, conn: psycopg.Connection, batch_id: UUID, loader: str | None = None
) -> None:
    """Delete the failed load's batch: on the load's connection, or on a new one if that is
    broken. Tried again after a deadlock with a result arriving for a committed part."""
    for attempt in range(DISCARD_ATTEMPTS):
        fresh = conn.closed or conn.broken
        target = db.connect(database_url, autocommit=False) if fresh else conn
        try:
            target.rollback()
            db.discard_loading_batch(target, batch_id, loader)
            target.commit()
            return
        except psycopg.Error as exc:
            retry = isinstance(exc, psycopg.errors.DeadlockDetected) or exc.sqlstate == "EN005"
            if not retry or attempt == DISCARD_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
        finally:
            if fresh:
                target.close()
