"""Loader fuzzing (hypothesis): whatever the file holds, `enrich load` either loads every row
or refuses the file with a LoadError naming the line, and then nothing is loaded; and each
CSV row becomes the row a plain reading of the file gives."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from pyworker import db
from pyworker import load as loader
from pyworker.load import copy_format
from pyworker.load.files import _csv_rows

cell = st.text(max_size=12) | st.sampled_from(["ada@acme.com", "ACME.COM", '"', ",", "\n", ""])
csv_tables = st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=8)


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


files = st.one_of(
    st.binary(max_size=400),
    csv_tables.map(as_csv),
    st.lists(st.text(max_size=40), max_size=6).map(
        lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")
    ),
)


def counts(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select (select count(*) from enrich.batches),"
            " (select count(*) from enrich.batch_items)"
        ).fetchone()


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=files, suffix=st.sampled_from([".csv", ".jsonl", ".txt", ""]))
@example(content=b"email,name\nada@acme.com,A\x00da\n", suffix=".csv")
@example(content=b'{"email": "ada@acme.com", "note": "\\u0000"}\n', suffix=".jsonl")
@example(content=b"\x1f\x8b", suffix=".csv")  # a truncated gzip file
@example(content=b"\x1f\x8b\x08\x00garbage", suffix="")
def test_a_file_loads_whole_or_not_at_all(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory, content: bytes, suffix: str
) -> None:
    path = Path(tmp_path_factory.mktemp("fuzz")) / f"input{suffix}"
    path.write_bytes(content)
    before = counts(module_db_url)
    try:
        batch_id, rows = loader.load(module_db_url, str(path), "company")
    except loader.LoadError as exc:
        assert str(exc)  # a reason (and a line number where there is one)
        assert counts(module_db_url) == before
        return
    with psycopg.connect(module_db_url) as conn:
        loaded = conn.execute(
            "select count(*) from enrich.batch_items where batch_id = %s", (batch_id,)
        ).fetchone()[0]
    assert loaded == rows
    assert counts(module_db_url) == (before[0] + 1, before[1] + rows)


header_names = st.sampled_from(["email", "Email ", " EMAIL", "name", "", " ", "notes"])
row_cell = cell | st.just("A\x00da")


@settings(max_examples=300)
@given(header=st.lists(header_names, min_size=1, max_size=5), data=st.data())
def test_each_csv_row_is_its_fields_under_the_header(
    header: list[str], data: st.DataObject
) -> None:
    """The fast CSV path (keys worked out once from the header, checks on the joined
    fields) gives, row by row, what the plain definition gives: the fields zipped with the
    trimmed, lower-case header into a dict, without empty names or values; blank rows
    skipped, numbered from 1. A header naming one column twice is refused."""
    width = len(header)
    rows = data.draw(
        st.lists(
            st.lists(row_cell, min_size=width, max_size=width)
            | st.lists(row_cell, max_size=width + 1),  # now and then a ragged row
            max_size=6,
        )
    )
    text = as_csv([header, *rows]).decode()
    names = [h.strip().lower() for h in header]
    _, *lines = csv.reader(io.StringIO(text, newline=""))
    expected = [fields for fields in lines if "".join(fields).strip()]
    try:
        got = list(_csv_rows(io.StringIO(text, newline="")))
    except loader.LoadError as exc:
        # refused: no name in the header, one twice, a NUL, or a row of another width
        twice = any(n and n in names[i + 1 :] for i, n in enumerate(names))
        assert (
            not any(names)
            or twice
            or any("\x00" in "".join(f) or len(f) != len(names) for f in expected)
        ), exc
        return
    assert any(names) and not any("\x00" in "".join(f) for f in expected)
    assert got == [
        (number, {k: v for k, v in dict(zip(names, fields, strict=True)).items() if k and v})
        for number, fields in enumerate(expected, start=1)
    ]


no_nul_text = st.text(max_size=10).filter(lambda s: "\x00" not in s) | st.sampled_from(
    ["\\", '\\"', "\t", "\n", "\r\n", "\\N", "\\.", "é—😀", "\u2028"]
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)  # beyond 64 bits: the json.dumps path
    | st.floats(allow_nan=False, allow_infinity=False)
    | no_nul_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(no_nul_text, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.dictionaries(no_nul_text, json_values, max_size=4), max_size=5))
def test_copy_lines_store_what_psycopg_would(module_db_url: str, rows: list[dict]) -> None:
    """The loader encodes COPY's lines itself (copy_format.copy_line): every row is stored as the
    same jsonb as psycopg's own write_row of the row makes."""
    with psycopg.connect(module_db_url) as conn:
        ours, theirs = (db.open_batch(conn, "company") for _ in range(2))
        copy_format.copy_items(conn, ours, enumerate(rows, start=1))
        with conn.cursor().copy(copy_format.COPY_ITEMS) as copy:
            for number, row in enumerate(rows, start=1):
                copy.write_row((theirs, number, Jsonb(row)))
        stored = conn.execute(
            "select o.data = t.data from enrich.batch_items o"
            " join enrich.batch_items t using (row_number)"
            " where o.batch_id = %s and t.batch_id = %s order by row_number",
            (ours, theirs),
        ).fetchall()
        conn.rollback()
    assert [same for (same,) in stored] == [True] * len(rows)


def test_copy_lines_are_utf8_whatever_the_connection_s_encoding(module_db_url: str) -> None:
    """orjson writes UTF-8: a connection in another client encoding is switched to it."""
    row = {"name": "Zoë Ångström — 😀"}
    with psycopg.connect(module_db_url, client_encoding="LATIN1") as conn:
        batch_id = db.open_batch(conn, "company")
        copy_format.copy_items(conn, batch_id, [(1, row)])
        stored = conn.execute(  # as bytes: this connection's encoding would hide a mix-up
            "select convert_to(data ->> 'name', 'UTF8') from enrich.batch_items"
            " where batch_id = %s",
            (batch_id,),
        ).fetchone()[0]
        conn.rollback()
    assert stored == row["name"].encode()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"email": "ada@acme.com", "score": NaN}', "NaN is not a JSON number$"),
        ('{"score": -Infinity}', "-Infinity is not a JSON number$"),
        ('{"score": 1e400}', "the number 1e400 is out of range$"),
        ('{"note": "\\ud800"}', "contains a lone surrogate"),
        ('{"\\udfff": "x"}', "contains a lone surrogate"),
        ('{"n": ' + "9" * 5000 + "}", "not valid JSON"),
    ],
)
def test_a_jsonl_line_jsonb_or_python_cannot_take_is_refused_with_its_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        '{"email": "bo@acme.com", "score": 1.5, "smile": "\\ud83d\\ude00"}\n' + line + "\n"
    )
    with pytest.raises(loader.LoadError, match=f"^line 2: {reason}"):
        list(loader.read_rows(str(path)))
    assert next(loader.read_rows(str(path)))[1]["smile"] == "😀"  # a pair is one character


def test_a_value_over_the_field_size_limit_is_refused_in_jsonl_as_in_csv(tmp_path: Path) -> None:
    big = "x" * (loader.FIELD_SIZE_LIMIT + 1)
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text('{"email": "a@acme.com"}\n' + json.dumps({"email": "b@acme.com", "note": big}))
    with pytest.raises(loader.LoadError, match="^line 2: the value of 'note' is larger than"):
        list(loader.read_rows(str(jsonl)))
    csv_file = tmp_path / "rows.csv"
    csv_file.write_text(f"email,note\na@acme.com,x\nb@acme.com,{big}\n")
    with pytest.raises(loader.LoadError, match="^line 3: field larger than field limit"):
        list(loader.read_rows(str(csv_file)))
    jsonl.write_text(json.dumps({"email": "b@acme.com", "note": big[:-2]}))  # at the limit
    assert len(next(loader.read_rows(str(jsonl)))[1]["note"]) == loader.FIELD_SIZE_LIMIT - 1
