"""Loading a file as one batch: reading it (files.py), COPY's line format (copy_format.py),
one transaction or a load in parts (batch.py, parts.py)."""

from pyworker.load.batch import OverCallLimit, batch_name, estimate, load
from pyworker.load.files import (
    FIELD_SIZE_LIMIT,
    FIELDS,
    Columns,
    LoadError,
    chosen_columns,
    field_of,
    read_rows,
)
from pyworker.load.parts import PARTS, PARTS_FROM_BYTES, company_hint, default_parts

__all__ = [
    "FIELDS",
    "FIELD_SIZE_LIMIT",
    "Columns",
    "PARTS",
    "PARTS_FROM_BYTES",
    "LoadError",
    "OverCallLimit",
    "batch_name",
    "chosen_columns",
    "company_hint",
    "default_parts",
    "estimate",
    "field_of",
    "load",
    "read_rows",
]
