"""Ingest -> claims: `enrich load` of a generated people list vs a plain COPY of the file.

Ours: `enrich load FILE --pipeline company_and_person` (a subprocess, as a user runs it) into
a fresh migrated database, timed from start until it exits, i.e. until the transactions that
ran normalize, split and the company step committed (one, or one per part for a file
loaded in parts, then the batch's last one): every item then sits at its first
entity step and every company is claimed once with a queued dispatch (checked after each
round). A second file names people by email, LinkedIn profile or both (half the rows with
two identifiers; a tenth repeat an earlier person, often under another one): linking
identities costs its ratio to the first. The floor: `COPY ... FROM STDIN (FORMAT csv,
HEADER)` of the first file's bytes into
an untyped table (every column text) on the same server, streamed by psycopg. The two
alternate, several rounds per size; the result is the ratio of medians. 10k, 100k and 1M
rows show whether cost grows linearly (microseconds per row should stay flat).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from bench.common import alternate, medians, report, run_measured, scratch_database
from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.testing import ENRICH, generate

PIPELINE = "company_and_person"
FIRST_ENTITY_STEP = COMPANY_WORKFLOW
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", tempfile.gettempdir())) / "enrich-bench-data"


def people_file(rows: int, mixed: bool = False) -> Path:
    """The generated file for this size (made once, reused across runs); mixed: people
    named by email, profile or both (generate.rows)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"people-{rows}{'-mixed' if mixed else ''}.csv"
    if not path.exists():
        generate.write(rows, path.with_suffix(".tmp"), mixed=mixed)
        path.with_suffix(".tmp").rename(path)
    return path


def load_with_enrich(path: Path, rows: int) -> dict:
    with scratch_database() as url:
        seconds, rss = run_measured(
            [ENRICH, "load", str(path), "--pipeline", PIPELINE], {**os.environ, "DATABASE_URL": url}
        )
        check_all_claimed(url, rows)
    return {"seconds": seconds, "loader_peak_rss_mb": rss}


def check_all_claimed(url: str, rows: int) -> None:
    """Every row is at the company step (or failed before it with a reason); each company
    that rows reached is claimed exactly once, with one queued dispatch."""
    with psycopg.connect(url) as conn:
        items, at_step, failed_before, companies, claims, dispatches = conn.execute(
            """select (select count(*) from enrich.batch_items),
                      (select count(*) from enrich.workflow_states where step_name = %(step)s),
                      (select count(*) from enrich.workflow_states
                        where step_name = 'split' and status = 'FAILED'),
                      (select count(distinct entity_id) from enrich.workflow_states
                        where step_name = %(step)s),
                      (select count(*) from enrich.company_workflow_states
                        where workflow_slug = %(step)s and status = 'IN_PROGRESS'),
                      (select count(*) from enrich.dispatches where workflow_slug = %(step)s)""",
            {"step": FIRST_ENTITY_STEP},
        ).fetchone()
    if not (items == rows == at_step + failed_before and companies == claims == dispatches):
        raise RuntimeError(
            f"incomplete ingest: {items} items, {at_step} at the company step, {failed_before} "
            f"failed before it; {companies} companies, {claims} claims, {dispatches} dispatches"
        )


def plain_copy(path: Path, rows: int) -> dict:
    columns = ", ".join(f"{name} text" for name in generate.COLUMNS)
    with scratch_database() as url, psycopg.connect(url) as conn:
        conn.execute(f"create table plain_copy ({columns})")
        started = time.perf_counter()
        with (
            conn.cursor().copy("copy plain_copy from stdin (format csv, header)") as copy,
            open(path, "rb") as source,
        ):
            while block := source.read(1 << 20):
                copy.write(block)
        conn.commit()
        seconds = time.perf_counter() - started
        copied = conn.execute("select count(*) from plain_copy").fetchone()[0]
    if copied != rows:
        raise RuntimeError(f"plain COPY loaded {copied} of {rows} rows")
    return {"seconds": seconds}


def main(quick: bool = False) -> None:
    sizes = [(10_000, 3), (100_000, 3)] if quick else [(10_000, 3), (100_000, 3), (1_000_000, 2)]
    table, summary = [], {}
    for rows, rounds in sizes:
        path, mixed_path = people_file(rows), people_file(rows, mixed=True)
        measured = alternate(
            {
                "enrich load": lambda p=path, n=rows: load_with_enrich(p, n),
                "enrich load, mixed identifiers": lambda p=mixed_path, n=rows: load_with_enrich(
                    p, n
                ),
                "plain COPY": lambda p=path, n=rows: plain_copy(p, n),
            },
            rounds,
        )
        ours, floor = medians(measured["enrich load"]), medians(measured["plain COPY"])
        mixed = medians(measured["enrich load, mixed identifiers"])
        ratio = ours["seconds"] / floor["seconds"]
        table.append(
            {
                "rows": rows,
                "enrich load s": ours["seconds"],
                "mixed identifiers s": mixed["seconds"],
                "plain COPY s": floor["seconds"],
                "ratio": ratio,
                "mixed / single": mixed["seconds"] / ours["seconds"],
                "µs/row (ours)": 1e6 * ours["seconds"] / rows,
                "loader peak MB": ours["loader_peak_rss_mb"],
            }
        )
        summary[f"{rows} rows: ratio to plain COPY"] = round(ratio, 1)
        summary[f"{rows} rows: mixed identifiers / single"] = round(
            mixed["seconds"] / ours["seconds"], 2
        )
    largest = table[-1]
    per_row = [row["µs/row (ours)"] for row in table]
    summary["growth: µs/row at largest / smallest size"] = round(per_row[-1] / per_row[0], 2)
    if largest["rows"] == 1_000_000:
        summary["target ≤ 40 × COPY"] = "met" if largest["ratio"] <= 40 else "MISSED"
        summary["target ≤ 60 s"] = "met" if largest["enrich load s"] <= 60 else "MISSED"
        summary["target loader ≤ 200 MB"] = "met" if largest["loader peak MB"] <= 200 else "MISSED"
        summary["target mixed ≤ 1.2 × single"] = (
            "met" if largest["mixed / single"] <= 1.2 else "MISSED"
        )
    report("ingest", "Ingest -> all claims (company_and_person)", table, summary)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
