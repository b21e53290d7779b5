"""Loader fuzzing (hypothesis): whatever the file holds, `enrich load` either loads every row
or refuses the file with a LoadError naming the line, and then nothing is loaded."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pyworker import loader

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
