"""Managed PostgreSQL (Supabase, RDS, Cloud SQL, Neon): nobody is superuser. The owner of
the database migrates and runs everything, with CREATEROLE (like Supabase's `postgres` or
RDS's master user) or, once an administrator has created the three roles, without it."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pyworker import config, migrate
from pyworker.testing import ENRICH
from pyworker.testing.scratch_db import drop_database, server_url, url_for
from pyworker.testing.stack import batches_done, create_batch, running_stack, scalar, wait_for


@pytest.mark.parametrize("createrole", [True, False], ids=["createrole", "no-createrole"])
def test_a_database_owner_that_is_not_superuser_migrates_and_runs_the_job(
    createrole: bool,
) -> None:
    owner = f"enrich_owner_{uuid.uuid4().hex[:8]}"
    database = f"enrich_managed_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("create role {} login nosuperuser {}").format(
                sql.Identifier(owner), sql.SQL("createrole" if createrole else "nocreaterole")
            )
        )
        admin.execute(
            sql.SQL("create database {} owner {}").format(
                sql.Identifier(database), sql.Identifier(owner)
            )
        )
    url = make_conninfo(url_for(database), user=owner)
    try:
        with psycopg.connect(url) as conn:
            assert conn.execute(
                "select not rolsuper from pg_roles where rolname = current_user"
            ).fetchone()[0]
        assert "0001_create_schema" in migrate.migrate(url)
        assert migrate.migrate(url) == []  # and again: idempotent, still not superuser
        rows = [{"email": f"p{n}@owner{n % 3}.com"} for n in range(9)]
        with running_stack(url) as stack, stack.workers(1):
            create_batch(url, "company_and_person", rows)
            wait_for(lambda: batches_done(url), timeout=60, what="the batch")
            billed = stack.stats()["billed"]
        assert billed == 3 + 9  # three companies, nine people, each once
        assert scalar(url, "select count(*) from enrich.check_invariants()") == 0
    finally:
        drop_database(database)
        with psycopg.connect(server_url(), autocommit=True) as admin:
            admin.execute(sql.SQL("drop owned by {}").format(sql.Identifier(owner)))
            admin.execute(sql.SQL("drop role {}").format(sql.Identifier(owner)))


def test_a_load_runs_under_a_managed_servers_short_statement_timeout(
    db_url: str, tmp_path: Path
) -> None:
    """Managed servers often set a statement_timeout of seconds; a load's one long
    statement (keying a batch) lifts it for its own transactions only. Doctor names it."""
    url = make_conninfo(db_url, options="-c statement_timeout=20ms")
    people = tmp_path / "people.csv"
    people.write_text("email\n" + "".join(f"p{n}@slow{n % 500}.com\n" for n in range(5000)))
    env = {**os.environ, "DATABASE_URL": url}
    for parts in ("1", "2"):
        loaded = subprocess.run(
            [ENRICH, "load", str(people), "--pipeline", "company", "--parts", parts],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert loaded.returncode == 0, loaded.stderr
    doctor = subprocess.run([ENRICH, "doctor"], env=env, capture_output=True, text=True, timeout=60)
    assert "NOTICE setting statement_timeout = 20ms" in doctor.stdout, doctor.stderr
    # (no worker runs here: the loaded work is due, which doctor rightly calls stuck)
    assert [line for line in doctor.stdout.splitlines() if line.startswith("VIOLATION")] == [
        line for line in doctor.stdout.splitlines() if "VIOLATION no_worker_alive" in line
    ]


def test_two_installations_share_a_server_with_prefixed_roles(monkeypatch) -> None:
    """ENRICH_ROLE_PREFIX at the first migrate names this installation's roles (staging_…):
    its grants go to them only, a login of the unprefixed roles gets nothing here, and a
    later migrate with another prefix is refused."""
    database = f"enrich_prefixed_{uuid.uuid4().hex[:8]}"
    worker_login = f"enrich_staging_login_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(server_url(), autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    url = url_for(database)
    try:
        monkeypatch.setenv("ENRICH_ROLE_PREFIX", "staging_")
        migrate.migrate(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("create role {} login in role staging_enrich_worker").format(
                    sql.Identifier(worker_login)
                )
            )
            granted = conn.execute(
                "select has_function_privilege('staging_enrich_worker',"
                " 'enrich.reap_dispatches(integer)', 'execute'),"
                " has_function_privilege('enrich_worker',"
                " 'enrich.reap_dispatches(integer)', 'execute')"
            ).fetchone()
        assert granted == (True, False)
        with psycopg.connect(make_conninfo(url, user=worker_login)) as conn:
            conn.execute("select * from enrich.reap_dispatches()")  # its own role works
        monkeypatch.setenv("ENRICH_ROLE_PREFIX", "prod_")
        with pytest.raises(config.BadSetting, match="staging_"):
            migrate.migrate(url)
        monkeypatch.delenv("ENRICH_ROLE_PREFIX")
        assert migrate.migrate(url) == []  # unset: the stored prefix
    finally:
        drop_database(database)
        with psycopg.connect(server_url(), autocommit=True) as admin:
            admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(worker_login)))
