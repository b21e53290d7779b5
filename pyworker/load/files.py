"""Reading the input: a CSV or JSONL file (or stdin, gzip or not) as numbered rows.

A file that cannot be parsed (bad encoding, a JSONL line that is not an object, a ragged
CSV row, a binary file) is refused with its line number (LoadError).
"""

from __future__ import annotations

import codecs
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
from dataclasses import dataclass, field
from typing import IO

FIELD_SIZE_LIMIT = 10 * 1024 * 1024  # characters in one CSV field or one JSONL value
csv.field_size_limit(FIELD_SIZE_LIMIT)


class LoadError(ValueError):
    """The input cannot be loaded; the message names the line and the reason."""


def _open_raw(source: str) -> IO[bytes]:
    raw: IO[bytes] = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    if head[:2] == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=raw)  # type: ignore[assignment]
    elif head == b"PK\x03\x04":  # a zip: what an Excel workbook (.xlsx) is
        raw.close()
        raise LoadError(
            "this is a spreadsheet workbook (.xlsx), not text: save its sheet as CSV "
            "(in Excel: File > Save As > CSV UTF-8) and load that"
        )
    return raw


def _encoding_of(raw: IO[bytes], encoding: str | None) -> str:
    """The encoding asked for, else from the byte-order mark: UTF-16 (either order) or
    UTF-8 with or without a BOM."""
    if encoding:
        return encoding
    try:
        head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise LoadError(f"the file is not valid gzip ({exc})") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8-sig"


def _open_text(source: str, encoding: str | None = None) -> tuple[IO[str], str, str]:
    raw = _open_raw(source)
    chosen = _encoding_of(raw, encoding)
    try:
        text = io.TextIOWrapper(raw, encoding=chosen, errors="strict", newline="")
    except LookupError:
        raise LoadError(f"unknown encoding {encoding!r}") from None
    return text, source.removesuffix(".gz").lower(), chosen


def _bad_bytes_at(source: str, encoding: str) -> str:
    """Where a file stops being text in `encoding`: its line and byte offset (read again from
    the start; stdin cannot be, so then nothing)."""
    if source == "-":
        return ""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with _open_raw(source) as raw:
        for number, line in enumerate(raw, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as exc:
                return f"line {number}, byte offset {offset + max(exc.start, 0):,}: "
            offset += len(line)
    return ""


def _row_key(name: object) -> str:
    """The key a column or JSON field goes under in an item's data: trimmed, lower case."""
    return str(name).strip().lower()


def _clean_row(row: dict, columns: Columns, where: str) -> dict:
    keys = columns.keys([str(key) for key in row], where)
    return {
        key: value
        for key, value in zip(keys, row.values(), strict=True)
        if key and value not in (None, "")
    }


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


def _jsonl_rows(text: Iterable[str], columns: Columns | None = None) -> Iterator[tuple[int, dict]]:
    columns = columns or Columns()
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
        if len(line) > FIELD_SIZE_LIMIT:  # only then can one of its values be over the limit
            for key, field_value in value.items():
                text = field_value if isinstance(field_value, str) else json.dumps(field_value)
                if len(text) > FIELD_SIZE_LIMIT:
                    raise LoadError(
                        f"line {line_number}: the value of {str(key)[:40]!r} is larger than "
                        f"{FIELD_SIZE_LIMIT:,} characters (the limit for a CSV field too)"
                    )
        number += 1
        yield number, _clean_row(value, columns, f"line {line_number}")


FIELDS = (
    "email", "first_name", "last_name", "full_name", "linkedin_url", "title", "company_name",
    "company_domain", "company_website", "company_linkedin_url",
)  # fmt: skip

# A row may hold several emails: the first goes under `email`, every other under `email_2`,
# `email_3`, ... (the split step reads them all as the person's identifiers).
_EXTRA_EMAIL_KEY = re.compile(r"email_[0-9]+")
# A header naming an email by number ("Email 2", "E-mail Address 3"): a rule, not aliases
# (the same as enrich._column_field in SQL)
_NUMBERED_EMAIL = re.compile(r"(email|emailaddress)[0-9]+")


def chosen_columns(maps: list[str]) -> dict[str, str]:
    """'Their Column=field' choices (the CLI's --map, the dashboard's mapping lines) as
    {their column (lower case): field}; LoadError naming a malformed one."""
    chosen = {}
    for item in maps:
        column, sep, target = item.rpartition("=")
        if not sep or not column.strip() or target.strip() not in FIELDS:
            raise LoadError(
                f"column choice {item!r}: give 'Their Column=field', field one of "
                f"{', '.join(FIELDS)}"
            )
        chosen[column.strip().lower()] = target.strip()
    return chosen


def field_of(key: str | None) -> str | None:
    """The input field a key of an item's data holds (`email_2` holds an email), else None."""
    if not key or key in FIELDS:
        return key or None
    return "email" if _EXTRA_EMAIL_KEY.fullmatch(key) else None


_NOT_ASCII_ALNUM = re.compile("[^a-z0-9]")


def _normalised(name: str) -> str:
    """A column's name as headers are matched: lower case, ASCII letters and digits only
    (the same as enrich._column_field in SQL)."""
    return _NOT_ASCII_ALNUM.sub("", name.lower())


_OWN_NAMES = {field.replace("_", ""): field for field in FIELDS}


@dataclass
class Columns:
    """How a file's columns (or JSON keys) map to our input fields: a field's own name in
    any spelling, or an alias (enrich.column_aliases); `chosen` (--map) decides ties and
    overrides. Other columns are kept as plain data under their trimmed, lower-case name.
    Several columns may name `email`: one feeds it, the others go under `email_2`, ..."""

    aliases: dict[str, str] = field(default_factory=dict)
    chosen: dict[str, str] = field(default_factory=dict)  # column (lower case) -> field
    on_mapping: Callable[[dict[str, str | None]], None] | None = None
    _cache: dict[str, tuple[str, bool]] = field(default_factory=dict)
    # key -> its first heading as spelled, in the order met: the batch's input columns,
    # which the export gives back in this order (one column per key, however many
    # spellings of it the rows of a JSONL file use)
    _seen: dict[str, str] = field(default_factory=dict)
    # a CSV file's delimiter once its header is read (enrich.batches.input_delimiter)
    delimiter: str | None = None

    def seen(self) -> list[dict[str, str]]:
        """The columns met so far, in order (enrich.set_batch_columns' argument)."""
        return [{"heading": heading, "key": key} for key, heading in self._seen.items()]

    def key_of(self, name: str) -> tuple[str, bool]:
        """(the key the column's values go under, whether it names a field)."""
        if name not in self._cache:
            plain = _row_key(name)
            normalised = _normalised(name)
            target = (
                self.chosen.get(plain)
                or _OWN_NAMES.get(normalised)
                or self.aliases.get(normalised)
                or ("email" if _NUMBERED_EMAIL.fullmatch(normalised) else None)
            )
            self._cache[name] = (target or plain, target is not None)
        return self._cache[name]

    def rank(self, name: str) -> int:
        """Who wins a tie for a field: chosen with --map, then the field's own name, then
        an alias."""
        if _row_key(name) in self.chosen:
            return 2
        return 1 if _normalised(name) in _OWN_NAMES else 0

    def check_chosen(self, names: list[str]) -> None:
        """Every --map column must be one of the file's columns."""
        present = {_row_key(name) for name in names}
        missing = [column for column in self.chosen if column not in present]
        if missing:
            raise LoadError(
                f"--map names no column of the file: {', '.join(map(repr, missing))}; its "
                f"columns: {', '.join(name.strip() for name in names)}"
            )

    def keys(self, names: list[str], where: str) -> list[str | None]:
        """The key of each column; of two naming one field the stronger wins and the other
        is kept as data (under a key no other column has); a tie is refused, naming both.
        Columns naming `email` are never a tie: see _number_emails."""
        keys: list[str | None] = [self.key_of(name)[0] or None for name in names]
        if len(set(keys)) != len(keys):
            self._untie(names, keys, where)
        for name, key in zip(names, keys, strict=True):
            if key and key not in self._seen:
                self._seen[key] = name.strip()
        return keys

    def _untie(self, names: list[str], keys: list[str | None], where: str) -> None:
        emails = [i for i, key in enumerate(keys) if key == "email"]
        if len(emails) > 1:
            self._number_emails(names, keys, emails, where)
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                if keys[i] is None or keys[j] != keys[i]:
                    continue
                self._refuse_tie(names[i], names[j], keys[i], where)
                loser = j if self.rank(names[i]) > self.rank(names[j]) else i
                kept = _row_key(names[loser])
                taken = keys[:loser] + keys[loser + 1 :]
                keys[loser] = f"{kept} (column {loser + 1})" if kept in taken else kept

    def _number_emails(
        self, names: list[str], keys: list[str | None], emails: list[int], where: str
    ) -> None:
        """Of the columns naming `email`, the one chosen with --map, else the one named
        `email` (any spelling), else the first, stays `email`; every other one becomes
        `email_2`, `email_3`, ... in column order. Two of one name are still refused."""
        seen: dict[str, int] = {}
        for i in emails:
            other = seen.setdefault(_row_key(names[i]), i)
            if other != i:
                self._refuse_tie(names[other], names[i], "email", where)
        first = max(
            emails,
            key=lambda i: (
                _row_key(names[i]) in self.chosen,
                _normalised(names[i]) == "email",
                -i,
            ),
        )
        extra = (i for i in emails if i != first)
        for number, i in enumerate(extra, start=2):
            keys[i] = f"email_{number}"

    def _refuse_tie(self, first: str, second: str, key: str, where: str) -> None:
        a, b = first.strip(), second.strip()
        if _row_key(first) == _row_key(second):
            raise LoadError(f"{where}: two columns are named {a!r}: rename or remove one")
        if self.rank(first) == 2 and self.rank(second) == 2:
            raise LoadError(f"{where}: --map chooses both {a!r} and {b!r} for {key!r}")
        if self.rank(first) == self.rank(second):
            raise LoadError(
                f"{where}: {a!r} and {b!r} both name {key!r}: choose one with "
                f'--map "{a}={key}", or rename or remove the other'
            )


def _csv_keys(header: list[str], columns: Columns | None = None) -> list[str | None]:
    """Per column, the key its values go under in the row (see Columns); None for a column
    without a name. Two columns of one name are refused: one's values would be lost."""
    columns = columns or Columns()
    columns.check_chosen(header)
    keys = columns.keys(header, "line 1")
    if columns.on_mapping:
        columns.on_mapping(
            {name.strip(): key for name, key in zip(header, keys, strict=True) if key}
        )
    return keys


DELIMITERS = (",", "\t", ";")


def _delimiter_of(header_line: str) -> str:
    """The header line's delimiter: comma, tab or semicolon, whichever it holds most of
    (outside quotes); a comma when it holds none (one column)."""
    unquoted = "".join(header_line.split('"')[::2])
    return max(DELIMITERS, key=lambda d: (unquoted.count(d), d == ","))


def _csv_rows(
    text: Iterable[str], delimiter: str | None = None, columns: Columns | None = None
) -> Iterator[tuple[int, dict]]:
    # Runs once per row of files with millions: every check looks at the row's fields
    # joined into one string, and the row's dict is built once, its keys worked out from
    # the header (the same dict as _clean_row of the row zipped with the header would be).
    lines = iter(text)
    first = next(lines, None)
    if first is None:
        return
    delimiter = delimiter or _delimiter_of(first)
    if columns is not None:
        columns.delimiter = delimiter
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise LoadError(f"line 1: {exc}") from None
    if "\x00" in "".join(header):
        raise LoadError(
            "line 1: binary data, not a CSV header (UTF-16 without a byte-order mark? try "
            "--encoding utf-16-le or utf-16-be)"
        )
    keys = _csv_keys(header, columns)
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


# a row with none of these has nothing to find its company or person by
KEY_FIELDS = (
    "company_domain", "company_website", "company_linkedin_url", "company_name", "email",
    "linkedin_url",
)  # fmt: skip


def read_rows(
    source: str, encoding: str | None = None, columns: Columns | None = None
) -> Iterator[tuple[int, dict]]:
    """The file's rows, numbered from 1, their columns mapped to our fields (Columns).
    Refused (LoadError) when it cannot be read, and at its end when it has no rows or no row
    has a key field (nothing to enrich)."""
    return _enrichable(_parsed_rows(source, encoding, columns or Columns()))


def _parsed_rows(source: str, encoding: str | None, columns: Columns) -> Iterator[tuple[int, dict]]:
    text, name, chosen = _open_text(source, encoding)
    try:
        if name.endswith((".jsonl", ".ndjson", ".json")):
            yield from _jsonl_rows(text, columns)
        elif name.endswith(".tsv"):
            yield from _csv_rows(text, "\t", columns)
        elif name.endswith((".csv", ".txt")):
            yield from _csv_rows(text, None, columns)
        else:
            first_line = text.readline()
            lines = itertools.chain([first_line], text)
            jsonl = first_line.lstrip().startswith("{")
            yield from (_jsonl_rows(lines, columns) if jsonl else _csv_rows(lines, None, columns))
    except UnicodeDecodeError as exc:
        where = _bad_bytes_at(source, chosen)
        raise LoadError(
            f"{where}the file is not {chosen.removesuffix('-sig').upper()} text ({exc.reason}); "
            "if it comes from an old Excel export, try --encoding cp1252 (or latin-1)"
        ) from None
    except UnicodeError as exc:  # a codec that gives up otherwise (UTF-16 with no BOM...)
        raise LoadError(f"the file is not {chosen} text ({exc}); try another --encoding") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise LoadError(f"the file is not valid gzip ({exc})") from None
    finally:
        if source != "-":
            text.close()


def _enrichable(rows: Iterator[tuple[int, dict]]) -> Iterator[tuple[int, dict]]:
    """The rows as they come; at the end, refused if there were none or none had a key."""
    count, keyed, columns = 0, False, set()
    for row in rows:
        count += 1
        if not keyed:
            keyed = any(field in row[1] for field in KEY_FIELDS)
            if len(columns) < 50:
                columns.update(row[1])
        yield row
    if count == 0:
        raise LoadError("the file has no data rows: nothing to enrich")
    if not keyed:
        found = ", ".join(sorted(columns)[:20]) or "none"
        raise LoadError(
            f"no row has a key field ({', '.join(KEY_FIELDS)}), so nothing can be enriched; "
            f"columns found: {found}"
        )


def counted(rows: Iterator[tuple[int, dict]], on_progress: Callable[[str], None]):
    for row in rows:
        if row[0] % 1000 == 0:
            on_progress(f"{row[0]:,} rows read")
        yield row
