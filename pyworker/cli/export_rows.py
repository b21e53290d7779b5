"""`enrich export --format csv`: the header, known before the first row, and where each
column's cells come from (the database streams the rows: enrich.export_csv_query).

The user's own columns come first, in their file's order and spelling; ours follow, always
namespaced (`enrich.status`, `enrich.step.<step>`, `<workflow>.<field>`), so an input column
can never take the place of one of ours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
