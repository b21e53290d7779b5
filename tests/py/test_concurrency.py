"""Concurrency with real connections: claims, dispatch leases, callbacks, batch completion."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from pyworker.builtins import COMPANY_WORKFLOW, PERSON_WORKFLOW

COMPANY = COMPANY_WORKFLOW
PERSON = PERSON_WORKFLOW


def run_together(n: int, db_url: str, work: Callable[[psycopg.Connection, int], object]) -> list:
    """Run `work` on n threads, each with its own connection, released at the same instant."""
    barrier = threading.Barrier(n)

    def one(index: int) -> object:
        with psycopg.connect(db_url, autocommit=True) as conn:
            barrier.wait()
            return work(conn, index)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def overlapping_rows(seed: int, companies: int = 40, rows: int = 120) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(rows):
        c = rng.randrange(companies)
        p = rng.randrange(6)
        domain = rng.choice([f"co{c}.com", f"https://www.co{c}.com/about", f"CO{c}.COM."])
        out.append({"email": f"p{p}@co{c}.com", "company_website": domain, "first_name": f"P{p}"})
    return out


def test_eight_overlapping_batches_claim_each_entity_exactly_once(db_url: str) -> None:
    batches = run_together(
        8,
        db_url,
        lambda conn, i: conn.execute(
            "select enrich.create_batch('company_and_person', %s)", (Jsonb(overlapping_rows(i)),)
        ).fetchone()[0],
    )
    assert len(set(batches)) == 8

    with psycopg.connect(db_url) as conn:
        companies = conn.execute("select count(*) from enrich.normalized_companies").fetchone()[0]
        claims = conn.execute(
            "select count(*), count(distinct company_id) from enrich.company_workflow_states"
        ).fetchone()
        dispatches = conn.execute(
            "select count(*), count(distinct entity_id) from enrich.dispatches"
        ).fetchone()
        claimers = conn.execute(
            "select entity_id, count(*) from enrich.workflow_states"
            " where step_name = %s and status = 'IN_PROGRESS' group by 1",
            (COMPANY,),
        ).fetchall()
        others = conn.execute(
            "select status, count(*) from enrich.workflow_states where step_name = %s"
            " and status <> 'IN_PROGRESS' group by 1",
            (COMPANY,),
        ).fetchall()
    assert companies == 40
    assert claims == (40, 40)
    assert dispatches == (40, 40)
    assert len(claimers) == 40 and all(count == 1 for _, count in claimers)
    assert dict(others) == {"WAITING": 8 * 120 - 40}


def test_four_workers_never_get_the_same_dispatch(db_url: str) -> None:
    rows = [{"email": f"x@company{i}.com"} for i in range(300)]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("select enrich.create_batch('company', %s)", (Jsonb(rows),))

    def drain(conn: psycopg.Connection, index: int) -> list[int]:
        got: list[int] = []
        while True:
            ids = [
                r[0]
                for r in conn.execute(
                    "select dispatch_id from enrich.claim_dispatches(%s, 7)", (f"w{index}",)
                )
            ]
            if not ids:
                return got
            got.extend(ids)

    claimed = [i for ids in run_together(4, db_url, drain) for i in ids]
    assert len(claimed) == 300
    assert len(set(claimed)) == 300


def test_concurrent_duplicate_callbacks_record_one_result(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.create_batch('company', %s)",
            (Jsonb([{"email": "a@acme.com"}, {"email": "b@acme.com"}]),),
        )
        company_id = conn.execute("select id from enrich.normalized_companies").fetchone()[0]

    outcomes = run_together(
        6,
        db_url,
        lambda conn, i: conn.execute(
            "select enrich.receive_result(%s, %s)",
            (COMPANY, Jsonb({"company_id": str(company_id), "n": i})),
        ).fetchone()[0],
    )
    assert Counter(outcomes) == {"completed": 1, "duplicate": 5}
    with psycopg.connect(db_url) as conn:
        assert (
            conn.execute("select count(*) from enrich.company_enrichment_results").fetchone()[0]
            == 1
        )
        assert conn.execute("select count(*) from enrich.callback_log").fetchone()[0] == 6
        assert (
            conn.execute(
                "select count(*) from enrich.batch_items where status = 'COMPLETED'"
            ).fetchone()[0]
            == 2
        )


def test_last_two_results_arriving_together_complete_the_batch(db_url: str) -> None:
    """Two callbacks finishing a batch's last items at once must not both miss the finish."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        batch_ids = [
            conn.execute(
                "select enrich.create_batch('company', %s)",
                (Jsonb([{"email": f"a@left{i}.com"}, {"email": f"b@right{i}.com"}]),),
            ).fetchone()[0]
            for i in range(15)
        ]
    for i in range(15):
        run_together(
            2,
            db_url,
            lambda conn, side, i=i: conn.execute(
                "select enrich.receive_result(%s, jsonb_build_object('company_id',"
                " (select id from enrich.normalized_companies where domain = %s)))",
                (COMPANY, f"{['left', 'right'][side]}{i}.com"),
            ).fetchone(),
        )
    with psycopg.connect(db_url) as conn:
        statuses = conn.execute("select status, count(*) from enrich.batches group by 1").fetchall()
    assert statuses == [("COMPLETED", len(batch_ids))]


def test_batches_and_callbacks_racing_leave_no_item_stuck(db_url: str) -> None:
    """New batches arrive while results for the same companies and people come back."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.create_batch('company_and_person', %s)", (Jsonb(overlapping_rows(99)),)
        )

    deadlocks: list = []

    def work(conn: psycopg.Connection, index: int) -> None:
        if index < 3:
            conn.execute(
                "select enrich.create_batch('company_and_person', %s)",
                (Jsonb(overlapping_rows(100 + index)),),
            )
            return
        for _ in range(30):
            rows = conn.execute(
                "select workflow_slug, entity_type, entity_id from enrich.dispatches"
                " order by random() limit 5"
            ).fetchall()
            for slug, kind, entity_id in rows:
                for _attempt in range(5):
                    try:
                        conn.execute(
                            "select enrich.receive_result(%s, %s)",
                            (slug, Jsonb({f"{kind}_id": str(entity_id)})),
                        )
                        break
                    except psycopg.errors.DeadlockDetected:
                        deadlocks.append(entity_id)
                        continue  # callers retry deadlocks; the state stays consistent

    run_together(6, db_url, work)
    print(f"deadlocks retried: {len(deadlocks)}")
    with psycopg.connect(db_url, autocommit=True) as conn:
        # finish whatever is still in flight, then every batch must be COMPLETED
        while True:
            rows = conn.execute(
                "select workflow_slug, entity_type, entity_id from enrich.dispatches"
            ).fetchall()
            if not rows:
                break
            for slug, kind, entity_id in rows:
                conn.execute(
                    "select enrich.receive_result(%s, %s)",
                    (slug, Jsonb({f"{kind}_id": str(entity_id)})),
                )
        assert (
            conn.execute(
                "select count(*) from enrich.batches where status <> 'COMPLETED'"
            ).fetchone()[0]
            == 0
        )
        assert (
            conn.execute(
                "select count(*) from enrich.batch_items where status <> 'COMPLETED'"
            ).fetchone()[0]
            == 0
        )
        waiting = conn.execute(
            "select count(*) from enrich.workflow_states where status in ('WAITING', 'IN_PROGRESS')"
        ).fetchone()[0]
        assert waiting == 0
        for kind in ("company", "person"):
            repeated = conn.execute(
                f"select {kind}_id, count(*) from enrich.{kind}_enrichment_results"
                f" group by 1 having count(*) > 1"
            ).fetchall()
            assert repeated == [], f"{kind} results recorded twice: {repeated}"


def delete_workflow_in_background(db_url: str, slug: str) -> tuple[threading.Thread, dict]:
    """Start deleting a workflow on its own connection; returns the thread and, once it has
    ended, its outcome: {"deleted": True} or the error's sqlstate and message."""
    outcome: dict[str, object] = {}

    def delete() -> None:
        with psycopg.connect(db_url, autocommit=True) as deleter:
            try:
                deleter.execute("delete from enrich.workflows where slug = %s", (slug,))
                outcome["deleted"] = True
            except psycopg.Error as exc:
                outcome["sqlstate"] = exc.sqlstate
                outcome["message"] = str(exc)

    deleting = threading.Thread(target=delete)
    deleting.start()
    deleting.join(timeout=1.0)
    return deleting, outcome


def test_workflow_delete_waits_for_a_pipeline_naming_it_and_is_refused(db_url: str) -> None:
    """set_pipeline locks the workflows it names: a delete started meanwhile waits for its
    commit, then sees the pipeline and is refused (EN005), so no pipeline ever names a
    workflow that is gone (its batches' items would never finish)."""
    with psycopg.connect(db_url, autocommit=True) as setup:
        setup.execute(
            "select enrich.set_workflow('people_v2', p_entity_type => 'person', p_create => true)"
        )
    naming = psycopg.connect(db_url)
    try:
        naming.execute(
            "select enrich.set_pipeline('people_v2_only', array['normalize_all_core_values',"
            " 'split', 'people_v2'])"
        )
        deleting, outcome = delete_workflow_in_background(db_url, "people_v2")
        assert deleting.is_alive(), f"the delete did not wait for the pipeline: {outcome}"
        naming.commit()
        deleting.join(timeout=10)
        assert not deleting.is_alive()
    finally:
        naming.close()
    assert outcome.get("sqlstate") == "EN005", outcome
    assert "pipeline people_v2_only" in str(outcome["message"])
    with psycopg.connect(db_url) as conn:
        assert (
            conn.execute(
                "select count(*) from enrich.workflows where slug = 'people_v2'"
            ).fetchone()[0]
            == 1
        )


def test_workflow_delete_waits_for_a_loading_batch_naming_it_and_is_refused(db_url: str) -> None:
    """open_batch locks the workflows its pipeline names: a delete of a later step's workflow
    (no longer in the pipeline) waits for the loading batch, then sees it and is refused, so
    the batch never names a workflow that is gone (every callback moving its items on would
    fail)."""
    with psycopg.connect(db_url, autocommit=True) as admin:
        admin.execute("select enrich.set_workflow('later_step', p_create => true)")
        admin.execute(
            "select enrich.set_pipeline('two_steps', array['normalize_all_core_values', 'split',"
            f" '{COMPANY}', 'later_step'])"
        )
        loader = psycopg.connect(db_url)
        try:
            batch_id = loader.execute("select enrich.open_batch('two_steps')").fetchone()[0]
            admin.execute(
                "select enrich.set_pipeline('two_steps',"
                f" array['normalize_all_core_values', 'split', '{COMPANY}'])"
            )
            deleting, outcome = delete_workflow_in_background(db_url, "later_step")
            assert deleting.is_alive(), f"the delete did not wait for the load: {outcome}"
            loader.execute(
                "insert into enrich.batch_items (batch_id, row_number, data)"
                ' values (%s, 1, \'{"email": "x@loading.example.com"}\')',
                (batch_id,),
            )
            loader.execute("select enrich.start_batch(%s)", (batch_id,))
            loader.commit()
            deleting.join(timeout=10)
            assert not deleting.is_alive()
        finally:
            loader.close()
        assert outcome.get("sqlstate") == "EN005", outcome
        assert "1 batch(es) whose items can still reach it" in str(outcome["message"])
        company_id = admin.execute(
            "select company_id from enrich.batch_items where batch_id = %s", (batch_id,)
        ).fetchone()[0]
        assert (
            admin.execute(
                "select enrich.receive_result(%s, jsonb_build_object('company_id', %s::uuid))",
                (COMPANY, company_id),
            ).fetchone()[0]
            == "completed"
        ), "the callback moving the item on to the later step works"


def test_a_load_deadlocked_at_open_batch_starts_again(db_url: str, tmp_path: Path) -> None:
    """open_batch locks its pipeline's workflows in slug order; a transaction locking them
    in the other order (as a delete of several does) deadlocks with it. When PostgreSQL
    picks the load, `enrich load` opens its batch again and loads the file."""
    from pyworker import load as loader

    with psycopg.connect(db_url, autocommit=True) as admin:
        for slug in ("deadlock_a", "deadlock_b"):
            admin.execute("select enrich.set_workflow(%s, p_create => true)", (slug,))
        admin.execute(
            "select enrich.set_pipeline('deadlock_ab', array['normalize_all_core_values',"
            " 'split', 'deadlock_a', 'deadlock_b'])"
        )
    source = tmp_path / "rows.csv"
    source.write_text("email\nada@deadlock.example.com\n")
    other = psycopg.connect(db_url)
    outcome: dict[str, object] = {}

    def load() -> None:
        try:
            outcome["loaded"] = loader.load(db_url, str(source), "deadlock_ab")
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome["error"] = exc

    try:
        # b first, then a: the other order from open_batch's
        other.execute("select 1 from enrich.workflows where slug = 'deadlock_b' for update")
        loading = threading.Thread(target=load)
        loading.start()
        # the load holds deadlock_a and waits for deadlock_b
        with psycopg.connect(db_url, autocommit=True) as watcher:
            for _ in range(100):
                waiting = watcher.execute(
                    "select count(*) from pg_stat_activity where datname = current_database()"
                    " and wait_event_type = 'Lock'"
                ).fetchone()[0]
                if waiting:
                    break
                time.sleep(0.05)
        assert waiting == 1 and loading.is_alive()
        # the load began waiting first: its deadlock check (after deadlock_timeout) finds
        # the cycle and fails the load's open_batch
        other.execute("select 1 from enrich.workflows where slug = 'deadlock_a' for update")
        other.rollback()
        loading.join(timeout=30)
        assert not loading.is_alive()
    finally:
        other.close()
    assert "error" not in outcome, outcome
    batch_id, rows = outcome["loaded"]
    assert rows == 1
    with psycopg.connect(db_url) as conn:
        assert (
            conn.execute(
                "select item_count from enrich.batches where id = %s", (batch_id,)
            ).fetchone()[0]
            == 1
        )


def test_claims_racing_free_outcomes_pauses_and_workspace_moves_hold_budget_and_ledger(
    db_url: str,
) -> None:
    """Six claimers with random outcomes (2xx, 429, 500, 400, hand-back) while a seventh
    thread pauses, resumes and moves the workflow between two workspaces: no deadlock, the
    daily budget is never overspent, and the ledger agrees with its entities throughout."""
    budget = 60
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("select enrich.set_workspace('wa', 1000000, 1000000)")
        conn.execute("select enrich.set_workspace('wb', 1000000, 1000000)")
        conn.execute("update enrich.workspaces set rate_tokens = burst")
        conn.execute("select enrich.set_workflow(%s, p_daily_budget => %s)", (COMPANY, budget))
        conn.execute(
            "select enrich.create_batch('company', %s)",
            (Jsonb([{"email": f"x@race{i}.com"} for i in range(150)]),),
        )
    deadline = time.monotonic() + 8
    failures: list[str] = []

    def claimer(conn: psycopg.Connection, index: int) -> None:
        rng = random.Random(index)
        worker = f"w{index}"
        while time.monotonic() < deadline:
            try:
                ids = [
                    row[0]
                    for row in conn.execute(
                        "select dispatch_id from enrich.claim_dispatches(%s, 3)", (worker,)
                    )
                ]
                for dispatch_id in ids:
                    outcome = rng.choice(["2xx", "2xx", "429", "500", "400", "release"])
                    if outcome == "2xx":
                        conn.execute(
                            "select enrich.mark_dispatch_sent(%s, %s)", (dispatch_id, worker)
                        )
                    elif outcome == "400":
                        conn.execute(
                            "select enrich.fail_dispatch(%s, %s, 'HTTP 400')", (dispatch_id, worker)
                        )
                    elif outcome == "release":
                        conn.execute(
                            "select enrich.release_dispatches(%s, array[%s]::bigint[])",
                            (worker, dispatch_id),
                        )
                    else:
                        conn.execute(
                            "select enrich.retry_dispatch(%s, %s, interval '0', %s, %s)",
                            (dispatch_id, worker, f"HTTP {outcome}", outcome == "500"),
                        )
            except psycopg.errors.DeadlockDetected as exc:
                failures.append(str(exc))

    def operator(conn: psycopg.Connection) -> None:
        rng = random.Random(99)
        while time.monotonic() < deadline:
            action = rng.choice(["pause", "resume", "wa", "wb"])
            try:
                if action in ("pause", "resume"):
                    conn.execute(
                        "select enrich.pause_workflow(%s, %s)", (COMPANY, action == "pause")
                    )
                else:
                    conn.execute(
                        "select enrich.set_workflow(%s, p_workspace => %s)", (COMPANY, action)
                    )
            except psycopg.errors.DeadlockDetected as exc:
                failures.append(str(exc))
            time.sleep(0.02)
        conn.execute("select enrich.pause_workflow(%s, false)", (COMPANY,))

    run_together(7, db_url, lambda conn, i: operator(conn) if i == 6 else claimer(conn, i))
    with psycopg.connect(db_url) as conn:
        spent = conn.execute(
            "select coalesce(sum(calls), 0) from enrich.paid_calls where workflow_slug = %s",
            (COMPANY,),
        ).fetchone()[0]
        violations = conn.execute("select * from enrich.check_invariants()").fetchall()
    assert failures == []
    assert 0 < spent <= budget
    assert violations == []
