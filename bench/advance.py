"""`python -m bench.advance [--rows N] [--rounds R] [--alternate A.sql B.sql]`: time the
advance of one big batch from split to its first entity step, repeatably.

Not a comparison with another system: a tool for measuring a change to the path that is
most of a load's time (the orchestrator, the entity step, their claims and dispatches),
which whole-load timings on a shared machine cannot resolve (they move by 10 % and more
between runs). The generated people file (bench/ingest.py's) is loaded once into a scratch
database under a pipeline of the two SQL steps only, and the batch is then given the real
pipeline's steps with its items unfinished: as if split had just finished. Each round then
runs what split runs next, `enrich._advance_items` over the split rows, and rolls it
back; the tables it wrote are vacuumed before every round, since rolled-back rows would
slow the next one. With --alternate, the two SQL files (say, the old and the new
version of a function from sql/) are applied in turn before the rounds, A first.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import psycopg

from bench.common import console, scratch_database
from bench.ingest import PIPELINE, people_file
from pyworker import db
from pyworker import load as loader
from pyworker.load import copy_format

TOUCHED = (
    "enrich.workflow_states, enrich.batch_items, enrich.batches, enrich.dispatches,"
    " enrich.company_workflow_states, enrich.person_workflow_states"
)
ADVANCE = (
    "select enrich._advance_items(array_agg(item_id), array_agg(step_name), array_agg(status))"
    " from enrich.workflow_states where step_name = 'split' and status in ('COMPLETED', 'FAILED')"
)


SPLIT_ONLY = "bench_split_only"


def load_stopped_after_split(url: str, path: Path) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(
            "select enrich.set_pipeline(%s, array['normalize_all_core_values', 'split'])",
            (SPLIT_ONLY,),
        )
        batch_id = db.open_batch(conn, SPLIT_ONLY)
        copy_format.copy_items(conn, batch_id, loader.read_rows(str(path)))
        db.start_batch(conn, batch_id)
        # as if split had just finished in a batch of the real pipeline
        conn.execute(
            "update enrich.batches set pipeline = p.name, steps = p.steps,"
            " status = 'IN_PROGRESS', completed_at = null"
            " from enrich.pipelines p where p.name = %s and enrich.batches.id = %s",
            (PIPELINE, batch_id),
        )
        conn.execute(
            "update enrich.batch_items set status = 'IN_PROGRESS', finished_at = null"
            " where batch_id = %s and status = 'COMPLETED'",
            (batch_id,),
        )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze")


def advance_once(url: str, sql_file: Path | None) -> float:
    with psycopg.connect(url, autocommit=True) as conn:
        if sql_file:
            conn.execute(sql_file.read_text())
        conn.execute(f"vacuum {TOUCHED}")
        conn.execute("checkpoint")
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        conn.execute(ADVANCE)
        seconds = time.perf_counter() - started
        entered = conn.execute(
            "select count(*) from enrich.workflow_states"
            " where step_name not in ('normalize_all_core_values', 'split')"
        ).fetchone()[0]
        conn.rollback()
    if not entered:
        raise SystemExit("the advance moved no item to an entity step")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.advance")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="per variant")
    parser.add_argument("--alternate", nargs=2, type=Path, metavar=("A.sql", "B.sql"))
    args = parser.parse_args()
    variants: dict[str, Path | None] = (
        {f"A {args.alternate[0]}": args.alternate[0], f"B {args.alternate[1]}": args.alternate[1]}
        if args.alternate
        else {"sql/ as migrated": None}
    )
    timings: dict[str, list[float]] = {name: [] for name in variants}
    with scratch_database() as url:
        console.print(f"loading {args.rows:,} rows, stopped after split ...")
        load_stopped_after_split(url, people_file(args.rows))
        for round_number in range(1, args.rounds + 1):
            for name, sql_file in variants.items():
                seconds = advance_once(url, sql_file)
                timings[name].append(seconds)
                console.print(f"  round {round_number}, {name}: {seconds:.2f} s")
    for name, values in timings.items():
        console.print(
            f"{name}: median {statistics.median(values):.2f} s"
            f" (rounds {' / '.join(f'{v:.2f}' for v in values)})"
        )


if __name__ == "__main__":
    main()
