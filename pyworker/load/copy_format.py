"""COPY of a batch's items: the lines in COPY's text format, written by the loader itself
in blocks (psycopg's write_row per row cost as much CPU as parsing the file)."""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import Any
from uuid import UUID

import orjson
import psycopg

COPY_ITEMS = "copy enrich.batch_items (batch_id, row_number, data) from stdin"


def copy_items(conn: psycopg.Connection, batch_id: UUID, rows: Any) -> int:
    """COPY (row_number, row) pairs into the batch; returns how many."""
    return copy_items_in_parts([conn], batch_id, rows, lambda row: 0)


COPY_FLUSH_BYTES = 256 * 1024


def item_json(row: dict) -> bytes:
    """A row as UTF-8 JSON text: orjson (ten times json.dumps' speed at a million rows), or
    json.dumps for what orjson refuses (integers beyond 64 bits). orjson writes NaN and
    Infinity as null: the loader refuses them in its input."""
    try:
        return orjson.dumps(row)
    except orjson.JSONEncodeError:
        return json.dumps(row).encode()


def copy_line(prefix: bytes, row_number: int, row: dict) -> bytes:
    """One line of COPY_ITEMS' data in COPY's text format (prefix: the batch id and a tab).
    JSON text never holds a raw tab, newline or carriage return (inside strings they are
    escapes), so doubling its backslashes is all the escaping it needs; a test holds this
    to psycopg's own write_row."""
    return b"%b%d\t%b\n" % (prefix, row_number, item_json(row).replace(b"\\", b"\\\\"))


def copy_items_in_parts(
    conns: list[psycopg.Connection], batch_id: UUID, rows: Any, part_of: Any
) -> int:
    """COPY (row_number, row) pairs into the batch, each through the connection
    conns[part_of(row)] (one COPY per connection, all open at once); returns how many.
    Lines are encoded here and sent in blocks: psycopg's write_row per row cost the
    loader as much CPU as parsing the file."""
    prefix = f"{batch_id}\t".encode()
    pending: list[list[bytes]] = [[] for _ in conns]
    pending_bytes = [0] * len(conns)
    count = 0
    for conn in conns:
        if conn.info.encoding != "utf-8":  # the lines are UTF-8 (a server's default may not be)
            # LOCAL: for this load's transaction only (behind a transaction pooler a session
            # setting would reach the pooler's other clients)
            conn.execute("set local client_encoding to 'UTF8'")
    with ExitStack() as stack:
        copies = [stack.enter_context(conn.cursor().copy(COPY_ITEMS)) for conn in conns]
        for row_number, row in rows:
            part = part_of(row)
            line = copy_line(prefix, row_number, row)
            pending[part].append(line)
            pending_bytes[part] += len(line)
            if pending_bytes[part] >= COPY_FLUSH_BYTES:
                copies[part].write(b"".join(pending[part]))
                pending[part].clear()
                pending_bytes[part] = 0
            count += 1
        for copy, lines in zip(copies, pending, strict=True):
            copy.write(b"".join(lines))
    return count
