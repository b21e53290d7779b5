"""Reads: what a user waits on while watching and collecting a batch, at a million rows.

State: one database holding five batches of 1,000,000 generated rows (pipeline
company_and_person, loaded with `enrich load`), the first one with the results of 125,000 of
its companies delivered (their rows move on to the person step; the export has result
columns), plus one batch of 1,000 rows for comparison and one-row batches up to 1,000
batches in all.

Measured:
- **status**: `enrich.batch_status` of the big batch and of the 1,000-row batch, server time
  (EXPLAIN ANALYZE's planning + execution), p50/p95 over many calls; the big one must be
  within 2x of the small one (kept counts: cost does not grow with the batch).
- **recent**: `enrich.recent_batches(50)` (the dashboard's and `enrich status`'s list) with
  1,000 batches in the database, p50/p95 server time.
- **export**: `enrich export BIG --format csv -o FILE` (a subprocess, as a user runs it)
  against a plain `COPY (select ...) TO STDOUT` of the same items joined to their steps and
  newest results, the same columns, written to a file by psycopg; alternating rounds, ratio
  of medians.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from bench.common import alternate, medians, percentile, report, scratch_database
from bench.ingest import people_file
from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.testing import ENRICH

PIPELINE = "company_and_person"
RESULTS_PER_CALL = 5000
DELIVERED = 125_000  # companies of the big batch given their result


def load(url: str, rows: int) -> str:
    """`enrich load` of the generated file of this size; the new batch's id."""
    done = subprocess.run(
        [ENRICH, "load", str(people_file(rows)), "--pipeline", PIPELINE],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()[-1]


def deliver_results(conn: psycopg.Connection, batch: str, limit: int) -> None:
    """Up to `limit` companies of the batch get their result (as Clay's callbacks would,
    RESULTS_PER_CALL per call of enrich.receive_results): their rows move on to the person
    step, and the export has result columns."""
    ids = [
        row[0]
        for row in conn.execute(
            "select distinct company_id from enrich.batch_items"
            " where batch_id = %s and company_id is not null limit %s",
            (batch, limit),
        )
    ]
    for start in range(0, len(ids), RESULTS_PER_CALL):
        payloads = [
            Jsonb({"company_id": str(entity), "industry": "Software", "employees": 120,
                   "tags": ["b2b", "saas"], "summary": "Makes, \"tools\"\nfor teams"})
            for entity in ids[start : start + RESULTS_PER_CALL]
        ]  # fmt: skip
        conn.execute(
            "select count(*) from enrich.receive_results(%s, %s::jsonb[])",
            (COMPANY_WORKFLOW, payloads),
        )
        conn.commit()


def server_ms(conn: psycopg.Connection, query: str, params: tuple) -> float:
    """Planning + execution time of one call, as the server measured it."""
    plan = conn.execute(
        f"explain (analyze, timing off, summary on, format json) {query}", params
    ).fetchone()[0][0]
    return plan["Planning Time"] + plan["Execution Time"]


def sample(conn: psycopg.Connection, query: str, params: tuple, calls: int) -> dict:
    times = [server_ms(conn, query, params) for _ in range(calls)]
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "calls": calls,
    }


def plain_copy_query(conn: psycopg.Connection, batch: str) -> str:
    """The floor: the same columns as our CSV export, straight from the tables."""
    columns = conn.execute("select * from enrich.export_columns(%s)", (batch,)).fetchone()
    inputs, steps, errors, results = columns
    cells = ["i.row_number", "i.id", "i.status", "i.company_key", "i.person_key"]
    cells += [f"i.data ->> {sql.quote(column['key'])}" for column in inputs]
    cells += [f"st.s{n}" for n in range(len(steps))]
    cells += [f"st.e{n}" for n in range(len(errors))]
    aggregates = [
        f"max(ws.status) filter (where ws.step_name = {sql.quote(s)}) as s{n}"
        for n, s in enumerate(steps)
    ] + [
        f"max(ws.meta ->> 'error') filter (where ws.step_name = {sql.quote(s)}) as e{n}"
        for n, s in enumerate(errors)
    ]
    joins = ""
    for n, workflow in enumerate(results):
        entity = "company" if workflow["workflow"] == COMPANY_WORKFLOW else "person"
        joins += (
            f" left join lateral (select r.data from enrich.{entity}_enrichment_results r"
            f" where r.{entity}_id = i.{entity}_id"
            f" and r.workflow_slug = {sql.quote(workflow['workflow'])}"
            f" order by r.created_at desc limit 1) r{n} on true"
        )
        cells += [f"r{n}.data ->> {sql.quote(f)}" for f in workflow["fields"]]
    return (
        f"select {', '.join(cells)} from enrich.batch_items i"
        f" left join lateral (select {', '.join(aggregates)} from enrich.workflow_states ws"
        f" where ws.item_id = i.id) st on true{joins}"
        f" where i.batch_id = {sql.quote(batch)} order by i.row_number"
    )


def export_with_enrich(url: str, batch: str, out: Path) -> dict:
    started = time.perf_counter()
    subprocess.run(
        [ENRICH, "export", batch, "--format", "csv", "-o", str(out)],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )
    return {"seconds": time.perf_counter() - started, "mb": out.stat().st_size / 1e6}


def export_plain(url: str, query: str, out: Path) -> dict:
    started = time.perf_counter()
    with (
        psycopg.connect(url) as conn,
        out.open("wb") as file,
        conn.cursor() as cursor,
    ):
        cursor.execute("set local jit = off")  # as our export runs: the stronger floor
        with cursor.copy(f"copy ({query}) to stdout (format csv)") as copy:
            for chunk in copy:
                file.write(chunk)
    return {"seconds": time.perf_counter() - started, "mb": out.stat().st_size / 1e6}


def prepare(url: str, big_rows: int, batches: int) -> tuple[str, str]:
    """The state described above; (the big batch's id, the 1,000-row batch's id)."""
    big = load(url, big_rows)
    for _ in range(batches - 1):
        load(url, big_rows)
    small = load(url, 1_000)
    with psycopg.connect(url) as conn:
        deliver_results(conn, big, DELIVERED)
    fill_batches(url)
    return big, small


def fill_batches(url: str, total: int = 1_000) -> None:
    """One-row batches up to `total` batches, one transaction each (as users make them)."""
    with psycopg.connect(url, autocommit=True) as conn:
        existing = conn.execute("select count(*) from enrich.batches").fetchone()[0]
        for n in range(total - existing):
            conn.execute(
                "select enrich.create_batch('company', %s)",
                (Jsonb([{"email": f"p{n}@small{n}.example"}]),),
            )
        conn.execute("vacuum analyze")


def measure(url: str, big: str, small: str, calls: int, rounds: int) -> dict:
    """The three measures on a prepared database; the report."""
    with psycopg.connect(url) as conn:
        big_rows, batches_in_database, rows_in_database = conn.execute(
            "select (select item_count from enrich.batches where id = %s),"
            " count(*), sum(item_count) from enrich.batches",
            (big,),
        ).fetchone()
        status_big = sample(conn, "select enrich.batch_status(%s)", (big,), calls)
        status_small = sample(conn, "select enrich.batch_status(%s)", (small,), calls)
        recent = sample(conn, "select * from enrich.recent_batches(50)", (), calls)
        floor_query = plain_copy_query(conn, big)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        measured = alternate(
            {
                "enrich export": lambda: export_with_enrich(url, big, out / "enrich.csv"),
                "plain COPY": lambda: export_plain(url, floor_query, out / "plain.csv"),
            },
            rounds,
        )
    ours, floor = medians(measured["enrich export"]), medians(measured["plain COPY"])
    rows = [
        {"measure": f"batch_status, {big_rows:,}-row batch", **status_big},
        {"measure": "batch_status, 1,000-row batch", **status_small},
        {"measure": f"recent_batches(50), {batches_in_database:,} batches", **recent},
    ]
    summary = {
        "batches_in_database": batches_in_database,
        "rows_in_database": rows_in_database,
        "status_p95_ms": status_big["p95_ms"],
        "status_p95_target_met (<= 20 ms)": status_big["p95_ms"] <= 20,
        "status_big_over_small_p95": status_big["p95_ms"] / status_small["p95_ms"],
        "status_within_2x_met": status_big["p95_ms"] <= 2 * status_small["p95_ms"],
        "recent_p95_ms": recent["p95_ms"],
        "recent_target_met (<= 50 ms)": recent["p95_ms"] <= 50,
        "export_seconds": ours["seconds"],
        "plain_copy_seconds": floor["seconds"],
        "export_mb": ours["mb"],
        "plain_copy_mb": floor["mb"],
        "export_over_plain_copy": ours["seconds"] / floor["seconds"],
        "export_target_met (<= 3x)": ours["seconds"] <= 3 * floor["seconds"],
    }
    return report("reads", "Reads: status, the batch list and the CSV export", rows, summary)


def main(quick: bool) -> None:
    big_rows, batches, calls, rounds = (20_000, 2, 50, 2) if quick else (1_000_000, 5, 200, 3)
    with scratch_database() as url:
        started = time.perf_counter()
        big, small = prepare(url, big_rows, batches)
        print(f"  prepared in {time.perf_counter() - started:,.0f} s", flush=True)
        measure(url, big, small, calls, rounds)
