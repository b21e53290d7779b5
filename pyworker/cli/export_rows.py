"""`enrich export --format csv`: a record as one flat row, and the header known before the
first row."""

from __future__ import annotations

import json
import re

# OWASP "CSV injection": a cell that starts like this is a formula to a spreadsheet
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


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


def flatten(record: dict) -> dict:
    flat = {
        "row_number": record["row_number"],
        "item_id": record["item_id"],
        "status": record["status"],
        "company_key": record["company_key"],
        "person_key": record["person_key"],
    }
    flat.update({k: v for k, v in (record["input"] or {}).items() if k not in flat})
    flat.update({f"step.{k}": v for k, v in (record["steps"] or {}).items()})
    flat.update({f"error.{k}": v for k, v in (record["errors"] or {}).items()})
    for entity in ("company", "person"):
        for key, value in (record[entity] or {}).items():
            flat[f"{entity}.{key}"] = (
                json.dumps(value) if isinstance(value, (dict, list)) else value
            )
    return flat


def csv_columns(keys: dict[str, list[str]]) -> list[str]:
    """The CSV header, known before the first row (export_columns reads every key once)."""
    return [
        "row_number",
        "item_id",
        "status",
        "company_key",
        "person_key",
        *[k for k in keys["input"] if k not in ("row_number", "item_id", "status")],
        *[f"step.{s}" for s in keys["steps"]],
        *[f"error.{s}" for s in keys["steps"]],
        *[f"company.{k}" for k in keys["company"]],
        *[f"person.{k}" for k in keys["person"]],
    ]
