"""`enrich load`: one file as one batch, streamed into PostgreSQL with COPY.

In one part (small files, stdin, `--parts 1`), the batch, its items and the first steps are
one transaction: all or nothing. Files of PARTS_FROM_BYTES or more load in parts (parts.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import psycopg

from pyworker import db
from pyworker.liveness import Heartbeat
from pyworker.load.copy_format import copy_items
from pyworker.load.files import Columns, LoadError, counted, read_rows
from pyworker.load.parts import default_parts, discard_batch, load_in_parts

OPEN_BATCH_ATTEMPTS = 5


def _open_batch(
    conn: psycopg.Connection,
    pipeline: str,
    loading: bool = False,
    loader: str | None = None,
    max_new_calls: int | None = None,
) -> UUID:
    """open_batch locks the pipeline's workflows in slug order. A transaction taking them in
    another order (a delete of several workflows locks them as it finds them) can deadlock
    with it, and PostgreSQL may pick the load to fail: as the load's first statement it has
    done nothing yet, so it starts again (the other side has ended by then)."""

    def open_it() -> UUID:
        # the load's transaction starts here: a statement of minutes is expected in it
        db.without_statement_timeout(conn)
        return db.open_batch(conn, pipeline, loading, loader, max_new_calls)

    for _ in range(OPEN_BATCH_ATTEMPTS - 1):
        try:
            return open_it()
        except psycopg.errors.DeadlockDetected:
            conn.rollback()
    return open_it()


class OverCallLimit(LoadError):
    """The load would need more new paid calls than --max-new-calls allows."""

    def __init__(self, estimate: list[dict], limit: int) -> None:
        self.estimate = estimate
        needed = sum(row["new_calls"] for row in estimate)
        super().__init__(
            f"it needs {needed:,} new paid Clay call(s), over --max-new-calls {limit:,}"
        )


def load(
    database_url: str,
    source: str,
    pipeline: str,
    on_progress: Callable[[str], None] | None = None,
    parts: int | None = None,
    max_new_calls: int | None = None,
    encoding: str | None = None,
    columns: Columns | None = None,
    name: str | None = None,
) -> tuple[UUID, int]:
    """Load the file as one batch and run its first steps; returns (batch id, rows).
    name: what the batch is called (default: the file's name).
    on_progress(text) is told every 1,000 rows read and when the steps start. parts: how
    many connections load it (default: default_parts). max_new_calls: refuse (OverCallLimit,
    nothing left, nothing paid) a load that would need more new paid calls. In one part the
    check comes before the commit; in parts, the parts' claims are held (never due) until
    finish_loading has checked them, and a refusal takes them back."""
    if source != "-" and not Path(source).is_file():
        raise LoadError("no such file")
    parts = parts or default_parts(source)
    # the loader's heartbeat (enrich.processes) is how anyone can tell its LOADING batch is
    # alive: doctor, and finish_loading / discard_loading_batch from another process
    with (
        Heartbeat(database_url, "loader") as loader,
        db.connect(database_url, autocommit=False) as conn,
    ):
        batch_id = _open_batch(
            conn,
            pipeline,
            loading=parts > 1,
            loader=loader.id,
            max_new_calls=max_new_calls if parts > 1 else None,
        )
        if name is None and source != "-":
            name = batch_name(Path(source).name)
        db.set_batch_source(conn, batch_id, name, None)  # (findable by it while it loads)
        columns = _with_aliases(conn, columns)
        rows = read_rows(source, encoding, columns)
        if on_progress:
            rows = counted(rows, on_progress)
        if parts == 1:
            count = _copy_and_start(conn, batch_id, rows, on_progress)
            _describe(conn, batch_id, columns, name)
            if max_new_calls is not None:
                estimate = db.estimate_batch_calls(conn, batch_id)
                if sum(row["new_calls"] for row in estimate) > max_new_calls:
                    conn.rollback()
                    raise OverCallLimit(estimate, max_new_calls)
            conn.commit()
            return batch_id, count
        conn.commit()  # the LOADING batch, for the parts to fill
        try:
            count = load_in_parts(database_url, batch_id, rows, parts, on_progress)
            db.without_statement_timeout(conn)  # (finish_loading's transaction)
            _describe(conn, batch_id, columns, name)
            estimate = db.estimate_batch_calls(conn, batch_id) if max_new_calls is not None else []
            finished = db.finish_loading(conn, batch_id, loader.id, max_new_calls)
            conn.commit()
        except BaseException as failure:
            try:
                discard_batch(database_url, conn, batch_id, loader.id)
            except Exception as cleanup:  # the load's own error is the one to report
                failure.add_note(f"and its LOADING batch {batch_id} was not deleted: {cleanup}")
                failure.loading_batch_left = batch_id  # (for the CLI's message)
            raise
    if not finished:  # refused and discarded by finish_loading: nothing was paid
        raise OverCallLimit(estimate, max_new_calls)
    return batch_id, count


def batch_name(text: str) -> str | None:
    """A name fit for a batch, from a file's name or what a user typed: control characters
    dropped, spaces trimmed, at most 200 characters (as enrich.set_batch_source takes it)."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", text).strip()[:200].strip()
    return name or None


def _describe(conn: psycopg.Connection, batch_id: UUID, columns: Columns, name: str | None) -> None:
    """What the batch keeps of its file: the columns in order, its name and delimiter."""
    db.set_batch_columns(conn, batch_id, columns.seen())
    db.set_batch_source(conn, batch_id, name, columns.delimiter)


def estimate(
    database_url: str,
    source: str,
    pipeline: str,
    on_progress: Callable[[str], None] | None = None,
    encoding: str | None = None,
    columns: Columns | None = None,
) -> tuple[int, list[dict]]:
    """A dry run: the load in one transaction, rolled back; returns (rows, the estimate per
    workflow from enrich.estimate_batch_calls). Nothing stays, nothing is claimable. It takes
    about as long as the load itself (the keys are worked out in the database)."""
    if source != "-" and not Path(source).is_file():
        raise LoadError("no such file")
    with db.connect(database_url, autocommit=False) as conn:
        try:
            batch_id = _open_batch(conn, pipeline)
            rows = read_rows(source, encoding, _with_aliases(conn, columns))
            count = _copy_and_start(
                conn, batch_id, counted(rows, on_progress) if on_progress else rows, on_progress
            )
            return count, db.estimate_batch_calls(conn, batch_id)
        finally:
            conn.rollback()


def _with_aliases(conn: psycopg.Connection, columns: Columns | None) -> Columns:
    """The column mapping with the database's aliases (enrich.column_aliases)."""
    columns = columns or Columns()
    columns.aliases = db.column_aliases(conn)
    return columns


def _copy_and_start(
    conn: psycopg.Connection,
    batch_id: UUID,
    rows: Iterator[tuple[int, dict]],
    on_progress: Callable[[str], None] | None,
) -> int:
    count = copy_items(conn, batch_id, rows)
    if on_progress:
        on_progress(f"{count:,} rows read; normalising keys and claiming entities")
    db.start_batch(conn, batch_id)
    return count
