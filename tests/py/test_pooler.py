"""Behind a pooler in transaction mode (a real PgBouncer, as managed PostgreSQL puts in front
of the database): the loader (one part and in parts), the CLI, enrich.create_batch, the
receiver and the workers all go through it, with ENRICH_POOLER=transaction; only the
migration went to PostgreSQL itself. Every row is COMPLETED, each entity billed once, and no
prepared-statement error appears anywhere."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pyworker.testing import ENRICH
from pyworker.testing.pgbouncer import transaction_pooler
from pyworker.testing.stack import batches_done, running_stack, scalar, wait_for


def _people(path: Path, count: int, companies: int) -> Path:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Email", "First Name", "Website"])
        for n in range(count):
            writer.writerow([f"p{n}@pool{n % companies}.com", f"P{n}", ""])
    return path


def test_the_whole_job_runs_behind_pgbouncer_in_transaction_mode(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENRICH_POOLER", "transaction")
    monkeypatch.delenv("ENRICH_LISTEN_URL", raising=False)  # no LISTEN: the workers poll
    with transaction_pooler(db_url) as (pooled_url, pooler_log):
        env = {**os.environ, "DATABASE_URL": pooled_url, "ENRICH_POOLER": "transaction"}

        def enrich(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [ENRICH, *args], env=env, capture_output=True, text=True, timeout=300
            )

        small = enrich("load", str(_people(tmp_path / "a.csv", 300, 30)), "--pipeline",
                       "company_and_person")  # fmt: skip
        assert small.returncode == 0, small.stderr
        in_parts = enrich("load", str(_people(tmp_path / "b.csv", 3000, 60)), "--pipeline",
                          "company", "--parts", "3")  # fmt: skip
        assert in_parts.returncode == 0, in_parts.stderr
        with psycopg.connect(pooled_url, autocommit=True, prepare_threshold=None) as conn:
            for n in range(10):  # the same statement again and again: never prepared
                conn.execute(
                    "select enrich.create_batch('company', %s::jsonb)",
                    (json.dumps([{"email": f"c{n}@pool{n}.com"}]),),
                )
        with running_stack(pooled_url) as stack, stack.workers(2):
            wait_for(lambda: batches_done(db_url), timeout=120, what="every batch")
            stats = stack.stats()
        for command in (["status"], ["doctor"], ["stats"], ["workflow", "list"]):
            shown = enrich(*command)
            assert shown.returncode == 0, (command, shown.stderr)
        batch = in_parts.stdout.split()[-1]
        exported = enrich("export", batch, "--format", "csv")
        assert exported.returncode == 0 and len(exported.stdout.splitlines()) == 3001
        log = pooler_log.read_text()
    assert (
        scalar(db_url, "select count(*) from enrich.batch_items where status <> 'COMPLETED'") == 0
    )
    companies = scalar(db_url, "select count(*) from enrich.normalized_companies")
    people = scalar(db_url, "select count(*) from enrich.normalized_people where id in"
                    " (select person_id from enrich.person_workflow_states)")  # fmt: skip
    assert stats["billed"] == companies + people  # each entity once
    assert set(stats["per_entity"].values()) == {1}
    assert "prepared statement" not in log
    assert "login attempt" in log  # it did go through the pooler


def test_migrate_behind_a_transaction_pooler_says_which_url_to_use(db_url: str) -> None:
    result = subprocess.run(
        [ENRICH, "db", "migrate"],
        env={**os.environ, "DATABASE_URL": db_url, "ENRICH_POOLER": "transaction"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "session of its own" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_prepared_statement_error_names_the_pooler_setting(db_url: str) -> None:
    """Through a transaction pooler without ENRICH_POOLER, psycopg prepares a statement it
    runs often and the pooler gives the next transaction another server connection: the
    CLI says which setting is missing. With the setting, the same work runs."""
    with transaction_pooler(db_url) as (pooled_url, _):
        outcomes = {}
        for mode in ("none", "transaction"):
            outcomes[mode] = subprocess.run(
                [sys.executable, "-c", SAME_QUERY_ON_TWO_CONNECTIONS],
                env={**os.environ, "DATABASE_URL": pooled_url, "ENRICH_POOLER": mode},
                capture_output=True,
                text=True,
                timeout=60,
            )
    failed = outcomes["none"]
    assert failed.returncode == 1, failed.stderr
    assert "ENRICH_POOLER=transaction" in failed.stderr and "Traceback" not in failed.stderr
    assert outcomes["transaction"].returncode == 0, outcomes["transaction"].stderr


# a command run the way every CLI command is (enrich's main), doing what the worker does
# all day: the same query, many times, on more than one connection
SAME_QUERY_ON_TWO_CONNECTIONS = """
import os, sys
from pyworker import db
from pyworker.cli import app, main
@app.command("same-query")
def same_query() -> None:
    url = os.environ["DATABASE_URL"]
    with db.connect(url) as first, db.connect(url) as second:
        for _ in range(10):
            for conn in (first, second):
                conn.execute("select count(*) from enrich.workflows where slug <> %s", ("x",))
sys.argv = ["enrich", "same-query"]
main()
"""
