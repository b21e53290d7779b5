"""CLI commands through real subprocesses against a scratch database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

ENRICH = str(Path(sys.executable).with_name("enrich"))


def enrich(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "COLUMNS": "200"}
    return subprocess.run([ENRICH, *args], env=env, capture_output=True, text=True, timeout=120)


def test_db_migrate_is_idempotent_and_status_lists_migrations(db_url: str) -> None:
    first = enrich(db_url, "db", "migrate")
    assert first.returncode == 0, first.stderr
    assert "applied 0 migration(s)" in first.stdout
    status = enrich(db_url, "db", "status", "--json")
    assert json.loads(status.stdout) == {
        "applied": ["0001_create_schema", "0002_reference_data"],
        "pending": [],
    }


def test_demo_runs_stage7_and_second_run_costs_no_call(db_url: str) -> None:
    first = enrich(db_url, "demo")
    assert first.returncode == 0, first.stderr
    assert "3 Clay call(s) this run, 3 saved by dedupe" in first.stdout
    second = enrich(db_url, "demo")
    assert "0 Clay call(s) this run, 6 saved by dedupe" in second.stdout
    with psycopg.connect(db_url) as conn:
        batch_id = second.stdout.strip().splitlines()[-1]
        status = conn.execute("select status from enrich.batches where id = %s", (batch_id,))
        assert status.fetchone()[0] == "COMPLETED"
        assert (
            conn.execute("select count(*) from enrich.company_enrichment_results").fetchone()[0]
            == 3
        )
