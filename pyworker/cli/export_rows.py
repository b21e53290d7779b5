"""`enrich export --format csv`: the header, known before the first row, and each record as
one row of cells.

The user's own columns come first, in their file's order and spelling; ours follow, always
namespaced (`enrich.status`, `enrich.step.<step>`, `<workflow>.<field>`), so an input column
can never take the place of one of ours."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# OWASP "CSV injection": a cell that starts like this is a formula to a spreadsheet
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

OURS = ("row_number", "item_id", "status", "company_key", "person_key")


def spreadsheet_safe(value: object) -> object:
    """A text cell that Excel, Google Sheets or LibreOffice would run as a formula gets a
    leading apostrophe, so they show it as text; plain numbers (such as -5) stay numbers.
    Input files and Clay's results are third-party data: every cell goes through here."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def cell(value: Any) -> Any:
    """A JSON value as one CSV cell: text and numbers as they are, nested values and
    booleans as compact JSON, nothing for null."""
    if isinstance(value, (dict, list, bool)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


@dataclass(frozen=True)
class CsvLayout:
    """The CSV header and, per column, where its value is in an export record."""

    header: list[str]
    _cells: list[Callable[[dict], Any]]

    def row(self, record: dict) -> list[Any]:
        return [cell(get(record)) for get in self._cells]


def _from(part: str, key: str) -> Callable[[dict], Any]:
    return lambda record: (record[part] or {}).get(key)


def _result(workflow: str, field: str) -> Callable[[dict], Any]:
    return lambda record: ((record["results"] or {}).get(workflow) or {}).get(field)


def csv_layout(columns: dict[str, Any]) -> CsvLayout:
    """The layout from enrich.export_columns: input columns, then ours (keys, the status of
    every step, the error of steps that have one in some row, every result field)."""
    ours: list[tuple[str, Callable[[dict], Any]]] = [
        *[(f"enrich.{name}", lambda record, name=name: record[name]) for name in OURS],
        *[(f"enrich.step.{step}", _from("steps", step)) for step in columns["steps"]],
        *[(f"enrich.error.{step}", _from("errors", step)) for step in columns["errors"]],
    ]
    for workflow in columns["results"]:
        ours += [
            (f"{workflow['workflow']}.{field}", _result(workflow["workflow"], field))
            for field in workflow["fields"]
        ]
    # every heading of the file is kept as it is, but one equal to ours: that one gets a
    # suffix that is neither ours nor another of the file's
    our_headings = {heading for heading, _ in ours}
    taken = our_headings | {column["heading"] for column in columns["input"]}
    inputs: list[tuple[str, Callable[[dict], Any]]] = []
    for column in columns["input"]:
        heading = column["heading"]
        if heading in our_headings:
            while heading in taken:
                heading += " (input)"
            taken.add(heading)
        inputs.append((heading, _from("input", column["key"])))
    return CsvLayout([h for h, _ in inputs + ours], [get for _, get in inputs + ours])
