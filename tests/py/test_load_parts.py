"""`enrich load` in parts: several connections, one batch, the same result as one part.

Real connections to a scratch database throughout: the parts are separate transactions, so
what one part can see of another's rows (and when) is the point of these tests.
"""

from __future__ import annotations

import csv
import os
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from pyworker import db
from pyworker import load as loader
from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.liveness import Heartbeat
from pyworker.load import copy_format, parts
from pyworker.testing import ENRICH
from pyworker.testing.scratch_db import create_database, drop_database, url_for

COLUMNS = ["email", "first_name", "company_domain", "company_website", "linkedin_url"]


def _write_rows(path: Path, count: int) -> Path:
    """People over count // 4 companies in several dresses; a free-mail row in five has no
    company (it fails split), some people come back."""
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n in range(count):
            company = f"acme{n % max(1, count // 4)}"
            dress = n % 5
            mail_host = "gmail.com" if dress == 4 else f"{company}.com"
            writer.writerow(
                [
                    f"p{n % (count - count // 10)}@{mail_host}",
                    f"P{n}",
                    {0: f"{company}.com", 1: f"WWW.{company}.COM"}.get(dress, ""),
                    {2: f"https://{company}.com/about", 3: f"shop.{company}.com"}.get(dress, ""),
                    f"linkedin.com/in/p{n % 97}-{company}" if n % 3 == 0 else "",
                ]
            )
    return path


def _outcome(url: str, batch_id) -> dict:
    """What a load left: the batch, its items by step and status, companies and claims."""
    with psycopg.connect(url) as conn:
        batch = conn.execute(
            "select status, item_count, input_columns from enrich.batches where id = %s",
            (batch_id,),
        ).fetchone()
        steps = conn.execute(
            "select ws.step_name, ws.status, count(*) from enrich.workflow_states ws"
            " join enrich.batch_items i on i.id = ws.item_id where i.batch_id = %s"
            " group by 1, 2 order by 1, 2",
            (batch_id,),
        ).fetchall()
        entities = conn.execute(
            "select (select array_agg(domain order by domain) from enrich.normalized_companies),"
            " (select array_agg(person_key order by person_key) from enrich.normalized_people),"
            " (select count(*) from enrich.company_workflow_states),"
            " (select count(*) from enrich.dispatches)"
        ).fetchone()
        violations = conn.execute("select * from enrich.check_invariants()").fetchall()
    return {"batch": batch, "steps": steps, "entities": entities, "violations": violations}


def test_parts_give_the_same_batch_as_one_transaction(
    db_url: str, template_db: str, tmp_path: Path
) -> None:
    source = _write_rows(tmp_path / "rows.csv", 2000)
    batch_in_parts, rows = loader.load(db_url, str(source), "company_and_person", parts=3)
    assert rows == 2000
    in_parts = _outcome(db_url, batch_in_parts)

    other = create_database(template=template_db)
    try:
        other_url = url_for(other)
        batch_in_one, _ = loader.load(other_url, str(source), "company_and_person", parts=1)
        in_one = _outcome(other_url, batch_in_one)
    finally:
        drop_database(other)

    assert in_parts == in_one
    assert in_parts["batch"] == (
        "IN_PROGRESS", 2000, [{"heading": c, "key": c} for c in COLUMNS]
    )  # fmt: skip
    companies, _, claims, dispatches = in_parts["entities"]
    assert claims == dispatches == len(companies) > 0  # each company claimed once
    assert in_parts["violations"] == []


def test_rows_of_one_company_in_different_parts_still_claim_it_once(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The company hint is only a hint: rows of one company sent to different parts make
    one part wait for the other's commit, and the company is still claimed once."""
    source = _write_rows(tmp_path / "rows.csv", 400)
    hints = iter(range(10**6))
    monkeypatch.setattr(parts, "company_hint", lambda row: str(next(hints)))  # round robin
    batch_id, _ = loader.load(db_url, str(source), "company", parts=2)
    outcome = _outcome(db_url, batch_id)
    companies, _, claims, dispatches = outcome["entities"]
    assert claims == dispatches == len(companies) > 0
    assert outcome["batch"][:2] == ("IN_PROGRESS", 400)
    assert outcome["violations"] == []


def test_each_part_runs_without_parallel_workers(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts are the load's parallelism: a part's statements get no parallel workers
    to compete with the other parts for the same cores; a load in one part keeps them."""
    source = _write_rows(tmp_path / "rows.csv", 200)
    seen: list[str] = []
    start_batch = db.start_batch

    def noting_the_setting(conn: psycopg.Connection, batch_id) -> None:
        seen.append(conn.execute("show max_parallel_workers_per_gather").fetchone()[0])
        start_batch(conn, batch_id)

    monkeypatch.setattr(db, "start_batch", noting_the_setting)
    loader.load(db_url, str(source), "company", parts=2)
    loader.load(db_url, str(source), "company", parts=1)
    assert seen[:2] == ["0", "0"] and seen[2] != "0"


def test_a_row_that_cannot_be_parsed_loads_nothing(db_url: str, tmp_path: Path) -> None:
    source = _write_rows(tmp_path / "rows.csv", 300)
    with open(source, "a") as out:
        out.write("x@acme.com,only two fields\n")
    with pytest.raises(loader.LoadError, match="line 302"):
        loader.load(db_url, str(source), "company", parts=2)
    with psycopg.connect(db_url) as conn:
        left = conn.execute(
            "select (select count(*) from enrich.batches),"
            " (select count(*) from enrich.batch_items)"
        ).fetchone()
    assert left == (0, 0)


def test_a_part_that_fails_after_others_committed_takes_the_batch_away(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts commit on their own; when one fails the loader deletes the whole batch. The
    companies the committed part claimed stay (their results serve the next load)."""
    source = _write_rows(tmp_path / "rows.csv", 400)
    calls: list[psycopg.Connection] = []
    lock, first_committed = threading.Lock(), threading.Event()
    real_start = db.start_batch

    def start_or_fail(conn: psycopg.Connection, batch_id) -> None:
        with lock:
            calls.append(conn)
            first = len(calls) == 1
        if first:
            real_start(conn, batch_id)
            conn.commit()
            first_committed.set()
        else:  # fails once the other part has committed
            assert first_committed.wait(60)
            raise psycopg.errors.QueryCanceled("canceled by the test")

    monkeypatch.setattr(db, "start_batch", start_or_fail)
    with pytest.raises(psycopg.errors.QueryCanceled):
        loader.load(db_url, str(source), "company", parts=2)
    with psycopg.connect(db_url) as conn:
        left = conn.execute(
            "select (select count(*) from enrich.batches),"
            " (select count(*) from enrich.batch_items),"
            " (select count(*) from enrich.workflow_states),"
            " (select count(*) from enrich.company_workflow_states)"
        ).fetchone()
        violations = conn.execute("select * from enrich.check_invariants()").fetchall()
    assert left[:3] == (0, 0, 0)
    assert left[3] > 0  # the committed part's claims
    assert violations == []


def test_a_loading_batch_is_not_done(db_url: str) -> None:
    """Between its parts, a batch is LOADING: `enrich status` does not call it done, even
    when every item it has so far has finished."""
    with psycopg.connect(db_url) as conn:
        batch_id = db.open_batch(conn, "company", loading=True)
        conn.commit()
    with psycopg.connect(db_url) as part:
        copy_format.copy_items(part, batch_id, [(1, {"email": "nobody@gmail.com"})])  # fails split
        db.start_batch(part, batch_id)
        part.commit()
    with psycopg.connect(db_url) as conn:
        status = db.batch_status(conn, batch_id)
        assert (status["status"], status["done"]) == ("LOADING", False)
        db.finish_loading(conn, batch_id)
        status = db.batch_status(conn, batch_id)
        assert (status["status"], status["done"], status["rows"]) == ("COMPLETED", True, 1)


def test_a_part_starts_only_the_items_it_wrote(db_url: str) -> None:
    """A part's start takes the items its own transaction wrote: not those of a part that
    has committed (already started), nor those of one still writing (not visible)."""
    with psycopg.connect(db_url) as conn:
        batch_id = db.open_batch(conn, "company", loading=True)
        conn.commit()
    with psycopg.connect(db_url) as first, psycopg.connect(db_url) as second:
        copy_format.copy_items(first, batch_id, [(1, {"email": "a@acme.com"})])
        copy_format.copy_items(second, batch_id, [(2, {"email": "b@acme.com"})])
        db.start_batch(first, batch_id)
        first.commit()
        db.start_batch(second, batch_id)
        second.commit()
    with psycopg.connect(db_url) as conn:
        db.finish_loading(conn, batch_id)
        conn.commit()
        steps = conn.execute(
            "select i.row_number, ws.step_name, ws.status from enrich.workflow_states ws"
            " join enrich.batch_items i on i.id = ws.item_id"
            " where ws.step_name not in ('normalize_all_core_values', 'split') order by 1"
        ).fetchall()
        item_count = conn.execute(
            "select item_count from enrich.batches where id = %s", (batch_id,)
        ).fetchone()[0]
    assert steps == [
        (1, COMPANY_WORKFLOW, "IN_PROGRESS"),
        (2, COMPANY_WORKFLOW, "WAITING"),
    ]
    assert item_count == 2


def test_enrich_load_parts_option(db_url: str, tmp_path: Path) -> None:
    source = _write_rows(tmp_path / "rows.csv", 200)
    result = subprocess.run(
        [ENRICH, "load", str(source), "--pipeline", "company", "--parts", "2"],
        env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    batch_id = result.stdout.strip().splitlines()[-1]
    with psycopg.connect(db_url) as conn:
        assert conn.execute(
            "select status, item_count from enrich.batches where id = %s", (batch_id,)
        ).fetchone() == ("IN_PROGRESS", 200)


def test_default_parts_follow_the_file_size(tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    small.write_text("email\na@acme.com\n")
    assert loader.default_parts(str(small)) == 1
    assert loader.default_parts("-") == 1
    big = tmp_path / "big.csv"
    with open(big, "wb") as out:
        out.truncate(loader.PARTS_FROM_BYTES)
    assert loader.default_parts(str(big)) == loader.PARTS


@pytest.mark.parametrize(
    ("row", "hint"),
    [
        ({"company_domain": "Shop.Acme.co.uk"}, "acme.co.uk"),
        ({"company_website": "https://www.acme.com/about?x=1"}, "acme.com"),
        ({"company_website": "http://user@acme.com:8080/"}, "acme.com"),
        ({"company_domain": " acme.com. "}, "acme.com"),
        ({"email": "Ann@ACME.com"}, "acme.com"),
        ({"company_domain": "acme.com", "email": "ann@other.org"}, "acme.com"),
        ({}, ""),
    ],
)
def test_company_hint(row: dict, hint: str) -> None:
    assert loader.company_hint(row) == hint


def test_a_load_whose_loader_is_gone_is_reported_and_can_be_discarded(db_url: str) -> None:
    """A loader's heartbeat (enrich.processes) keeps its LOADING batch alive; once the
    heartbeat has expired (the loader was killed: no more beats, no sign-off), doctor
    reports the batch, and either way out works from any other session."""
    with psycopg.connect(db_url, autocommit=True) as loader_session:
        db.heartbeat(loader_session, "killed-loader", "loader", timedelta(seconds=5), "test")
        batch_id = db.open_batch(loader_session, "company", True, "killed-loader")
    with psycopg.connect(db_url) as part:
        copy_format.copy_items(part, batch_id, [(1, {"email": "a@acme.com"})])
        db.start_batch(part, batch_id)
        part.commit()
    with psycopg.connect(db_url) as doctor:
        assert db.check_invariants(doctor) == []  # alive: not abandoned
        doctor.rollback()
        time.sleep(5.5)  # killed: its heartbeat runs out
        (violation,) = db.check_invariants(doctor)
        assert (violation["invariant"], violation["subject_id"]) == (
            "loading_batch_abandoned",
            str(batch_id),
        )
        assert db.discard_loading_batch(doctor, batch_id) is True
        assert db.check_invariants(doctor) == []
        assert doctor.execute("select count(*) from enrich.batch_items").fetchone()[0] == 0


def test_finishing_or_discarding_a_load_still_running_is_refused(db_url: str) -> None:
    """While the loader's heartbeat is current, another process (an operator following
    doctor's advice too early) can neither finish nor discard the load; the loader can."""
    with (
        Heartbeat(db_url, "loader") as loader_process,
        psycopg.connect(db_url) as loader_session,
        psycopg.connect(db_url) as other,
    ):
        batch_id = db.open_batch(loader_session, "company", True, loader_process.id)
        loader_session.commit()
        with pytest.raises(psycopg.Error, match="still loading") as refused:
            db.finish_loading(other, batch_id)
        assert refused.value.sqlstate == "EN005"
        other.rollback()
        with pytest.raises(psycopg.Error, match="still loading"):
            db.discard_loading_batch(other, batch_id)
        other.rollback()
        db.finish_loading(loader_session, batch_id, loader_process.id)  # the loader may
        loader_session.commit()
