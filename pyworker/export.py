"""A batch's export as bytes, for `enrich export` and the dashboard's download. JSONL: one
record per line. CSV: the header, known before the first row, and where each column's cells
come from; the database streams the rows (COPY, enrich.export_csv_query).

The user's own columns come first, in their file's order and spelling; ours follow, always
namespaced (`enrich.status`, `enrich.step.<step>`, `<workflow>.<field>`, the entities'
identifiers as `enrich.company.<kind>` / `enrich.person.<kind>`), so an input column
can never take the place of one of ours."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from pyworker import db

OURS = ("row_number", "item_id", "status", "company_key", "person_key")


@dataclass(frozen=True)
class CsvLayout:
    """The CSV header and, per column, where its value comes from (the column list of
    enrich.export_csv_query, which builds the query the rows are streamed from)."""

    header: list[str]
    sources: list[dict[str, str]]


def csv_layout(columns: dict[str, Any]) -> CsvLayout:
    """The layout from enrich.export_columns: input columns, then ours (keys, the status of
    every step, the error of steps that have one in some row, every result field)."""
    ours: list[tuple[str, dict[str, str]]] = [
        *[(f"enrich.{name}", {"ours": name}) for name in OURS],
        *[(f"enrich.step.{step}", {"step": step}) for step in columns["steps"]],
        *[(f"enrich.error.{step}", {"error": step}) for step in columns["errors"]],
    ]
    for workflow in columns["results"]:
        ours += [
            (f"{workflow['workflow']}.{field}", {"result": workflow["workflow"], "field": field})
            for field in workflow["fields"]
        ]
    ours += [  # every identifier the row's company and person are known by
        (
            f"enrich.{ident['entity']}.{ident['kind']}",
            {"identifier": ident["entity"], "kind": ident["kind"]},
        )
        for ident in columns.get("identifiers") or []
    ]
    # every heading of the file is kept as it is, but one equal to ours: that one gets a
    # suffix that is neither ours nor another of the file's
    our_headings = {heading for heading, _ in ours}
    taken = our_headings | {column["heading"] for column in columns["input"]}
    inputs: list[tuple[str, dict[str, str]]] = []
    for column in columns["input"]:
        heading = column["heading"]
        if heading in our_headings:
            while heading in taken:
                heading += " (input)"
            taken.add(heading)
        inputs.append((heading, {"input": column["key"]}))
    return CsvLayout([h for h, _ in inputs + ours], [source for _, source in inputs + ours])


def export_chunks(
    conn: psycopg.Connection,
    batch: UUID,
    format: str,
    raw: bool,
    excel: bool = False,
    delimiter: str | None = None,
) -> Iterator[bytes]:
    """The export in chunks of bytes (UTF-8), in one transaction of conn's: JSONL, or CSV
    with cells written so spreadsheets show them as text (raw: as they are). excel: CSV as
    Excel opens it by a double click: a byte-order mark (else it reads UTF-8 as the
    system's code page), CRLF line ends, and the input file's delimiter (a semicolon file
    came from a locale whose Excel expects semicolons). delimiter: the CSV's, whatever the
    input's (a .tsv file's tab)."""
    if format == "jsonl":
        yield from db.export_batch(conn, batch)
        return
    columns = db.export_columns(conn, batch)
    layout = csv_layout(columns)
    delimiter = delimiter or (columns.get("delimiter") if excel else None) or ","
    # the header holds input column names: third-party data like the cells
    header = io.StringIO()
    csv.writer(header, delimiter=delimiter, lineterminator="\r\n" if excel else "\n").writerow(
        layout.header if raw else db.spreadsheet_safe(conn, layout.header)
    )
    if excel:
        yield "\ufeff".encode()
    yield header.getvalue().encode()
    rows = db.export_csv(conn, batch, layout.sources, raw, delimiter)
    yield from (crlf_rows(rows) if excel else rows)


def crlf_rows(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """CSV chunks with CRLF between records: a newline outside quotes ends a record; one
    inside a quoted cell is the cell's own and stays. (A quote inside a quoted cell is
    doubled, so counting quotes tells inside from outside, across chunk boundaries.)"""
    inside = False
    for chunk in chunks:
        parts = bytes(chunk).split(b'"')  # (COPY gives memoryviews)
        for i in range(len(parts)):
            if i:
                inside = not inside
            if not inside:
                parts[i] = parts[i].replace(b"\n", b"\r\n")
        yield b'"'.join(parts)
