"""The whole path on loopback: worker -> Clay simulator -> receiver -> cascade."""

from __future__ import annotations

import json
import os
import random
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pyworker import db
from pyworker.builtins import COMPANY_WORKFLOW as COMPANY
from pyworker.builtins import PERSON_WORKFLOW as PERSON
from pyworker.servers import BackgroundServer
from pyworker.testing import ENRICH
from pyworker.testing.stack import batches_done, create_batch, running_stack, scalar
from pyworker.testing.wait import wait_for

SIX_PEOPLE = [  # of three companies, their domains written in different ways
    {"email": "ann@alpha.com", "first_name": "Ann", "company_domain": "alpha.com"},
    {"email": "al@alpha.com", "first_name": "Al", "company_website": "https://www.alpha.com/x"},
    {"email": "bea@beta.io", "first_name": "Bea", "company_domain": "beta.io"},
    {"email": "bo@beta.io", "first_name": "Bo"},
    {"email": "cy@gamma.co.uk", "first_name": "Cy", "company_domain": "shop.gamma.co.uk"},
    {"email": "cat@gamma.co.uk", "first_name": "Cat", "company_domain": "GAMMA.CO.UK"},
]


def test_six_people_of_three_companies_make_three_company_posts(db_url: str) -> None:
    with running_stack(db_url) as stack, stack.workers(1):
        create_batch(db_url, "company", SIX_PEOPLE)
        wait_for(lambda: batches_done(db_url), what="the batch")
        stats = stack.stats()
    assert stats["accepted"] == 3
    assert sorted(stats["per_entity"].values()) == [1, 1, 1]
    with psycopg.connect(db_url) as conn:
        assert conn.execute(
            "select status, count(*) from enrich.company_workflow_states group by 1"
        ).fetchall() == [("COMPLETED", 3)]
        assert (
            conn.execute("select count(*) from enrich.company_enrichment_results").fetchone()[0]
            == 3
        )
        assert conn.execute(
            "select step_name, status, count(*) from enrich.workflow_states"
            " where step_name = %s group by 1, 2",
            (COMPANY,),
        ).fetchall() == [(COMPANY, "COMPLETED", 6)]
        assert (
            conn.execute(
                "select count(*) from enrich.workflow_states where step_name = %s"
                " and meta ->> 'skipped' is not null",
                (COMPANY,),
            ).fetchone()[0]
            == 3
        )
        industry = conn.execute(
            "select data ->> 'industry' from enrich.company_enrichment_results limit 1"
        ).fetchone()[0]
        assert industry  # the simulator's enrichment came back through the receiver


def test_six_people_with_person_enrichment_make_six_person_posts(db_url: str) -> None:
    with running_stack(db_url) as stack, stack.workers(1):
        create_batch(db_url, "company_and_person", SIX_PEOPLE)
        wait_for(lambda: batches_done(db_url), what="the batch")
        stats = stack.stats()
    assert stats["per_webhook"] == {COMPANY: 3, PERSON: 6}
    assert scalar(db_url, "select count(*) from enrich.person_enrichment_results") == 6
    assert scalar(db_url, "select count(*) from enrich.batch_items where status = 'COMPLETED'") == 6


def test_several_workers_duplicate_and_out_of_order_callbacks_one_post_per_entity(
    db_url: str,
) -> None:
    rng = random.Random(5)
    batches = [
        [{"email": f"p{rng.randrange(30)}@company{rng.randrange(25)}.com"} for _ in range(60)]
        for _ in range(4)
    ]
    with (
        running_stack(db_url, duplicate_rate=0.5, delay_min=0.0, delay_max=0.4) as stack,
        stack.workers(3),
    ):
        for rows in batches:
            create_batch(db_url, "company_and_person", rows)
        wait_for(lambda: batches_done(db_url), timeout=60, what="all batches")
        stats = stack.stats()
    entities = scalar(
        db_url,
        "select (select count(*) from enrich.normalized_companies)"
        " + (select count(*) from enrich.normalized_people)",
    )
    assert stats["accepted"] == entities
    assert set(stats["per_entity"].values()) == {1}
    assert (
        scalar(db_url, "select count(*) from enrich.batch_items where status <> 'COMPLETED'") == 0
    )
    assert (
        scalar(db_url, "select count(*) from enrich.callback_log where outcome = 'duplicate'") > 0
    )


@contextmanager
def login_as_member_of(db_url: str, role: str) -> Iterator[str]:
    """A throw-away login role that is a member of `role`; yields its connection URL."""
    name = f"enrich_test_{role}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(db_url, autocommit=True) as conn:
        if not conn.execute(
            "select rolcreaterole or rolsuper from pg_roles where rolname = current_user"
        ).fetchone()[0]:
            pytest.skip("creating login roles needs CREATEROLE on this server")
        conn.execute(
            sql.SQL("create role {} login in role {}").format(
                sql.Identifier(name), sql.Identifier(role)
            )
        )
    url = make_conninfo(db_url, user=name)
    try:
        try:
            psycopg.connect(url).close()
        except psycopg.OperationalError:
            pytest.skip("this server does not let a new role log in without a password")
        yield url
    finally:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(name)))


def test_worker_and_receiver_run_as_their_least_privileged_roles(db_url: str) -> None:
    with (
        login_as_member_of(db_url, "enrich_worker") as worker_url,
        login_as_member_of(db_url, "enrich_receiver") as receiver_url,
    ):
        with (
            psycopg.connect(worker_url) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute("update enrich.dispatches set status = 'SENT'")
        with (
            running_stack(db_url, receiver_url=receiver_url) as stack,
            stack.workers(2, database_url=worker_url),
        ):
            create_batch(db_url, "company_and_person", SIX_PEOPLE)
            wait_for(lambda: batches_done(db_url), what="the batch")
            stats = stack.stats()
    assert stats["accepted"] == 3 + 6  # companies, then people
    assert sorted(set(stats["per_entity"].values())) == [1]


def test_only_configured_webhooks_are_contacted_whatever_the_rows_hold(db_url: str) -> None:
    """URLs in row data (websites, LinkedIn, a column named like a webhook) are data: the
    worker POSTs to the workflow's configured webhook and nowhere else."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    hits: list[str] = []

    async def anything(request):  # the address row data points at
        hits.append(request.url.path)
        return JSONResponse({})

    bait = Starlette(routes=[Route("/{path:path}", anything, methods=["GET", "POST"])])
    with BackgroundServer(bait) as evil:
        rows = [
            {
                "email": "ada@acme.com",
                "company_website": f"{evil.url}/site",
                "linkedin_url": f"{evil.url}/in/ada",
                "webhook_url": f"{evil.url}/webhook",
                "callback_url": f"{evil.url}/callback",
            }
        ]
        with running_stack(db_url) as stack, stack.workers(1):
            create_batch(db_url, "company", rows)
            wait_for(lambda: batches_done(db_url), what="the batch")
            stats = stack.stats()
    assert stats["accepted"] == 1
    assert hits == []


def test_doctor_lists_the_workers_alive_and_forgets_those_that_stopped(db_url: str) -> None:
    def alive() -> list[dict]:
        with psycopg.connect(db_url) as conn:
            return db.live_processes(conn)

    with running_stack(db_url) as stack, stack.workers(2) as workers:
        wait_for(lambda: len(alive()) == 2, what="two workers' heartbeats")
        listed = alive()
        assert {p["id"] for p in listed} == {w.name for w in workers}
        assert {p["kind"] for p in listed} == {"worker"} and all(p["version"] for p in listed)
    assert alive() == []  # they signed off


def test_doctor_calls_due_work_without_a_worker_stuck_until_one_runs(db_url: str) -> None:
    def doctor() -> tuple[int, dict]:
        result = subprocess.run(
            [ENRICH, "doctor", "--json"],
            env={**os.environ, "DATABASE_URL": db_url},
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.returncode, json.loads(result.stdout)

    with running_stack(db_url) as stack:
        create_batch(db_url, "company", SIX_PEOPLE)
        code, report = doctor()
        assert code == 1 and [v["invariant"] for v in report["violations"]] == ["no_worker_alive"]
        assert "enrich worker" in report["violations"][0]["detail"]  # the way out
        with stack.workers(1):
            wait_for(lambda: batches_done(db_url), what="the batch")
            code, report = doctor()
            assert code == 0 and [p["kind"] for p in report["processes"]] == ["worker"]
