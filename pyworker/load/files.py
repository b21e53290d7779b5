"""Reading the input: a CSV or JSONL file (or stdin, gzip or not) as numbered rows.

A file that cannot be parsed (bad encoding, a JSONL line that is not an object, a ragged
CSV row, a binary file) is refused with its line number (LoadError).
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
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO

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


def counted(rows: Iterator[tuple[int, dict]], on_progress: Callable[[str], None]):
    for row in rows:
        if row[0] % 1000 == 0:
            on_progress(f"{row[0]:,} rows read")
        yield row
