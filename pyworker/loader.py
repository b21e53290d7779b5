"""`enrich load`: stream a CSV or JSONL file (or stdin, gzip or not) into one batch with COPY.

A file that cannot be parsed (bad encoding, a JSONL line that is not an object, a ragged
CSV row, a binary file) is refused with its line number and nothing is loaded.

In one part (small files, stdin, `--parts 1`), the batch, its items and the first steps are
one transaction: all or nothing. In parts (files of PARTS_FROM_BYTES or more), the rows go
to several connections by their company (so that the parts rarely wait for one another's
companies), each COPYs and starts its rows in its own transaction, and PostgreSQL writes on
as many cores: the batch is LOADING until every part has committed, then finish_loading
ends it. A part that fails after the file was read leaves the others committed: the loader
then deletes the batch (discard_loading_batch); the companies and claims those parts made
stay, like any batch's, and serve the file's next load.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import math
import re
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import IO
from uuid import UUID

import psycopg

from pyworker import db

csv.field_size_limit(10 * 1024 * 1024)


class LoadError(ValueError):
    """The input cannot be loaded; the message names the line and the reason."""


def _open_text(source: str) -> tuple[IO[str], str]:
    raw: IO[bytes] = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=raw)  # type: ignore[assignment]
    name = source.removesuffix(".gz").lower()
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
    return text, name


def _row_key(name: object) -> str:
    """The key a column or JSON field goes under in an item's data: trimmed, lower case."""
    return str(name).strip().lower()


def _clean_row(row: dict) -> dict:
    cleaned: dict = {}
    for key, value in row.items():
        if key is None:
            continue
        name = _row_key(key)
        if name and value not in (None, ""):
            cleaned[name] = value
    return cleaned


NUL_REFUSED = "contains a NUL character (\\u0000), which PostgreSQL text cannot hold"
SURROGATE_REFUSED = "contains a lone surrogate (a \\ud800-\\udfff escape without its pair)"
_NUL = re.compile("\x00")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads joins the pairs it finds


def _has_text(value: object, pattern: re.Pattern[str]) -> bool:
    """Whether a string anywhere in a parsed JSON value (keys too) holds the pattern."""
    if isinstance(value, str):
        return pattern.search(value) is not None
    if isinstance(value, dict):
        return any(_has_text(k, pattern) or _has_text(v, pattern) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_text(v, pattern) for v in value)
    return False


class _NotStorableNumber(Exception):
    """A JSON number jsonb cannot hold (NaN, Infinity), or one beyond a float's range, which
    Python would read as Infinity."""


def _refuse_constant(name: str) -> float:
    raise _NotStorableNumber(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotStorableNumber(f"the number {text[:40]} is out of range")
    return value


def _jsonl_rows(text: Iterable[str]) -> Iterator[tuple[int, dict]]:
    number = 0
    for line_number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, parse_constant=_refuse_constant, parse_float=_finite_float)
        except _NotStorableNumber as exc:
            raise LoadError(f"line {line_number}: {exc}") from None
        except ValueError as exc:  # (an integer of over 4,300 digits: a plain ValueError)
            reason = getattr(exc, "msg", str(exc))
            raise LoadError(f"line {line_number}: not valid JSON ({reason})") from None
        if not isinstance(value, dict):
            raise LoadError(f"line {line_number}: a JSONL line must be a JSON object")
        if "\\u0000" in line and _has_text(value, _NUL):
            raise LoadError(f"line {line_number}: {NUL_REFUSED}")
        if "\\u" in line and _has_text(value, _LONE_SURROGATE):
            raise LoadError(f"line {line_number}: {SURROGATE_REFUSED}")
        number += 1
        yield number, _clean_row(value)


def _csv_keys(header: list[str]) -> list[str | None]:
    """Per column, the key its values go under in the row: the trimmed, lower-case name;
    None for a column without one, or one a later column of the same name overrides."""
    names = [_row_key(h) for h in header]
    return [name if name and name not in names[i + 1 :] else None for i, name in enumerate(names)]


def _csv_rows(text: Iterable[str]) -> Iterator[tuple[int, dict]]:
    # Runs once per row of files with millions: every check looks at the row's fields
    # joined into one string, and the row's dict is built once, its keys worked out from
    # the header (the same dict as _clean_row of the row zipped with the header would be).
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise LoadError(f"line 1: {exc}") from None
    if "\x00" in "".join(header):
        raise LoadError("line 1: binary data, not a CSV header")
    keys = _csv_keys(header)
    if not any(keys):
        raise LoadError("line 1: the CSV header is empty")
    width = len(keys)
    number = 0
    try:
        for fields in reader:
            joined = "".join(fields)
            if not joined.strip():
                continue
            if "\x00" in joined:
                raise LoadError(f"line {reader.line_num}: {NUL_REFUSED}")
            if len(fields) != width:
                raise LoadError(
                    f"line {reader.line_num}: {len(fields)} fields, the header has "
                    f"{width} (wrong delimiter or unquoted comma?)"
                )
            number += 1
            yield number, {k: v for k, v in zip(keys, fields, strict=True) if k and v}
    except csv.Error as exc:
        raise LoadError(f"line {reader.line_num}: {exc}") from None


def read_rows(source: str) -> Iterator[tuple[int, dict]]:
    text, name = _open_text(source)
    try:
        if name.endswith((".jsonl", ".ndjson", ".json")):
            yield from _jsonl_rows(text)
        elif name.endswith((".csv", ".tsv", ".txt")):
            yield from _csv_rows(text)
        else:
            first_line = text.readline()
            lines = itertools.chain([first_line], text)
            jsonl = first_line.lstrip().startswith("{")
            yield from (_jsonl_rows(lines) if jsonl else _csv_rows(lines))
    except UnicodeDecodeError as exc:
        raise LoadError(f"the file is not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise LoadError(f"the file is not valid gzip ({exc})") from None
    finally:
        if source != "-":
            text.close()


def _counted(rows: Iterator[tuple[int, dict]], on_progress: Callable[[str], None]):
    for row in rows:
        if row[0] % 1000 == 0:
            on_progress(f"{row[0]:,} rows read")
        yield row


OPEN_BATCH_ATTEMPTS = 5
# Files this big load in PARTS connections: measured on 2 cores, a 1M-row file (about 100
# MB) loaded 1.28-1.46x faster in two parts (docs/performance.md, `python -m bench.parts`).
PARTS_FROM_BYTES = 8 * 1024 * 1024
PARTS = 2


def _open_batch(conn: psycopg.Connection, pipeline: str, loading: bool = False) -> UUID:
    """open_batch locks the pipeline's workflows in slug order. A transaction taking them in
    another order (a delete of several workflows locks them as it finds them) can deadlock
    with it, and PostgreSQL may pick the load to fail: as the load's first statement it has
    done nothing yet, so it starts again (the other side has ended by then)."""
    for _ in range(OPEN_BATCH_ATTEMPTS - 1):
        try:
            return db.open_batch(conn, pipeline, loading)
        except psycopg.errors.DeadlockDetected:
            conn.rollback()
    return db.open_batch(conn, pipeline, loading)


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


def _let_go(conn: psycopg.Connection, batch_id: UUID) -> None:
    """A part's connection gives the batch's lock back before it closes (a closed
    connection's server process lets go of it a moment later: finish_loading would see it)."""
    try:
        conn.rollback()
        db.release_loading_lock(conn, batch_id)
        conn.commit()
    except psycopg.Error:
        pass  # a broken connection: its server process ends, and its lock with it


def _load_in_parts(
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
            stack.callback(_let_go, conns[-1], batch_id)
            db.hold_loading_lock(conns[-1], batch_id)
            # the parts are the load's parallelism: each keeps a core busy with every
            # statement, and parallel workers would only compete with the other parts
            db.without_parallel_workers(conns[-1])
        count = db.copy_items_in_parts(
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


def _discard(database_url: str, conn: psycopg.Connection, batch_id: UUID) -> None:
    """Delete the failed load's batch: on the load's connection, or on a new one if that is
    broken. Tried again after a deadlock with a result arriving for a committed part, or
    while a part's connection has not let go of the batch yet."""
    for attempt in range(DISCARD_ATTEMPTS):
        fresh = conn.closed or conn.broken
        target = db.connect(database_url, autocommit=False) if fresh else conn
        try:
            target.rollback()
            db.discard_loading_batch(target, batch_id)
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
) -> tuple[UUID, int]:
    """Load the file as one batch and run its first steps; returns (batch id, rows).
    on_progress(text) is told every 1,000 rows read and when the steps start. parts: how
    many connections load it (default: default_parts). max_new_calls: refuse (OverCallLimit,
    nothing committed, nothing claimable) a load that would need more new paid calls; such
    a load runs in one transaction, so its claims are checked before anyone can send them."""
    if source != "-" and not Path(source).is_file():
        raise LoadError(f"{source}: no such file")
    parts = 1 if max_new_calls is not None else parts or default_parts(source)
    with db.connect(database_url, autocommit=False) as conn:
        batch_id = _open_batch(conn, pipeline, loading=parts > 1)
        rows = read_rows(source)
        if on_progress:
            rows = _counted(rows, on_progress)
        if parts == 1:
            count = _copy_and_start(conn, batch_id, rows, on_progress)
            if max_new_calls is not None:
                estimate = db.estimate_batch_calls(conn, batch_id)
                if sum(row["new_calls"] for row in estimate) > max_new_calls:
                    conn.rollback()
                    raise OverCallLimit(estimate, max_new_calls)
            conn.commit()
            return batch_id, count
        conn.commit()  # the LOADING batch, for the parts to fill
        try:
            count = _load_in_parts(database_url, batch_id, rows, parts, on_progress)
            db.finish_loading(conn, batch_id)
            conn.commit()
        except BaseException as failure:
            try:
                _discard(database_url, conn, batch_id)
            except Exception as cleanup:  # the load's own error is the one to report
                failure.add_note(f"and its LOADING batch {batch_id} was not deleted: {cleanup}")
            raise
    return batch_id, count


def estimate(
    database_url: str,
    source: str,
    pipeline: str,
    on_progress: Callable[[str], None] | None = None,
) -> tuple[int, list[dict]]:
    """A dry run: the load in one transaction, rolled back; returns (rows, the estimate per
    workflow from enrich.estimate_batch_calls). Nothing stays, nothing is claimable. It takes
    about as long as the load itself (the keys are worked out in the database)."""
    if source != "-" and not Path(source).is_file():
        raise LoadError(f"{source}: no such file")
    with db.connect(database_url, autocommit=False) as conn:
        try:
            batch_id = _open_batch(conn, pipeline)
            rows = read_rows(source)
            count = _copy_and_start(
                conn, batch_id, _counted(rows, on_progress) if on_progress else rows, on_progress
            )
            return count, db.estimate_batch_calls(conn, batch_id)
        finally:
            conn.rollback()


def _copy_and_start(
    conn: psycopg.Connection,
    batch_id: UUID,
    rows: Iterator[tuple[int, dict]],
    on_progress: Callable[[str], None] | None,
) -> int:
    count = db.copy_items(conn, batch_id, rows)
    if on_progress:
        on_progress(f"{count:,} rows read; normalising keys and claiming entities")
    db.start_batch(conn, batch_id)
    return count
