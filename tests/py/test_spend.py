"""Money: the whole stack against a Clay simulator that bills like Clay, counting what it
billed. With the defaults every entity is paid for once, whatever goes wrong; budgets,
pauses and workspace rate limits make work wait, never fail, and never overspend."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from pyworker import demo
from pyworker.testing import ENRICH
from pyworker.testing.stack import (
    COMPANY,
    PERSON,
    batches_done,
    create_batch,
    running_stack,
    scalar,
    wait_for,
)


def companies(n: int, prefix: str = "spend") -> list[dict]:
    """n companies, two rows each."""
    return [{"email": f"p{i}@{prefix}{i % n}.com"} for i in range(2 * n)]


def unfinished(db_url: str) -> int:
    return scalar(
        db_url,
        "select count(*) from enrich.workflow_states"
        " where status in ('PENDING', 'IN_PROGRESS', 'WAITING')",
    )


def test_defaults_pay_each_entity_once_when_clay_fails_and_stays_silent(db_url: str) -> None:
    with running_stack(db_url, no_callback_rate=0.1, fail_rate=0.2) as stack:
        stack.configure(COMPANY, timeout="2 seconds", max_attempts=10)
        with stack.workers(2):
            create_batch(db_url, "company", companies(60))
            wait_for(lambda: batches_done(db_url), timeout=90, what="the batch")
        stats = stack.stats()
    assert stats["rejected"].get("server_error", 0) > 0  # the free retries happened
    assert stats["billed"] == len(stats["billed_per_entity"]) == 60
    assert max(stats["billed_per_entity"].values()) == 1  # multiplier 1.00
    silent = stats["callbacks_withheld"]
    assert silent > 0
    assert (
        scalar(
            db_url,
            "select count(*) from enrich.company_workflow_states"
            " where left(last_error, 12) = 'no_callback:'",
        )
        == silent
    )
    assert unfinished(db_url) == 0
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select paid_calls, entities_paid_for, paid_without_result, spend_multiplier"
            " from enrich.workflow_stats() where workflow_slug = %s",
            (COMPANY,),
        ).fetchone()
    assert row == (60, 60, silent, 1)


def test_one_paid_resend_bills_an_entity_at_most_twice(db_url: str) -> None:
    with running_stack(db_url, no_callback_rate=0.3, fail_rate=0.2) as stack:
        stack.configure(COMPANY, timeout="2 seconds", max_attempts=10, resends=1)
        with stack.workers(2):
            create_batch(db_url, "company", companies(40, "resend"))
            wait_for(lambda: batches_done(db_url), timeout=90, what="the batch")
        stats = stack.stats()
    assert max(stats["billed_per_entity"].values()) == 2
    assert len(stats["billed_per_entity"]) == 40
    assert scalar(db_url, "select sum(calls) from enrich.paid_calls") == stats["billed"]
    assert unfinished(db_url) == 0


def test_worker_killed_right_after_clay_accepted_is_not_billed_twice(db_url: str) -> None:
    # callbacks come late (3 s): the victim is killed with its POSTs accepted and, for some,
    # not yet recorded as SENT; its leases expire (1 s) before the callbacks come
    with running_stack(db_url, delay_min=3.0, delay_max=3.0) as stack:
        env = {**os.environ, "DATABASE_URL": db_url, "ENRICH_PUBLIC_URL": stack.receiver.url}
        create_batch(db_url, "company", companies(12, "killed"))
        victim = subprocess.Popen(
            [ENRICH, "worker", "--poll-interval", "0.2", "--lease", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: stack.stats()["billed"] == 12, what="Clay accepting all 12")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        with stack.workers(1):
            wait_for(lambda: batches_done(db_url), timeout=60, what="the callbacks")
        stats = stack.stats()
    assert stats["billed"] == 12
    assert max(stats["billed_per_entity"].values()) == 1
    assert (
        scalar(db_url, "select count(*) from enrich.batch_items where status = 'COMPLETED'") == 24
    )


def test_daily_budget_holds_across_workers_then_a_raise_finishes_the_work(db_url: str) -> None:
    with running_stack(db_url) as stack:
        stack.configure(COMPANY, daily_budget=50)
        with stack.workers(3):
            create_batch(db_url, "company", companies(80, "budget"))
            wait_for(
                lambda: scalar(db_url, "select count(*) from enrich.dispatches") == 30,
                what="the budget to be spent",
            )
            time.sleep(1.5)  # three workers keep polling: nothing more goes out
            assert stack.stats()["billed"] == 50
            with psycopg.connect(db_url) as conn:
                waiting = conn.execute(
                    "select queued, reason from enrich.dispatch_wait_reasons()"
                ).fetchall()
            assert waiting == [(30, "daily budget 50/50 spent, resumes 00:00 UTC")]
            assert unfinished(db_url) == 60  # two rows per waiting company, none FAILED
            status = subprocess.run(
                [ENRICH, "doctor"],
                env={**os.environ, "DATABASE_URL": db_url},
                capture_output=True,
                text=True,
            )
            assert status.returncode == 0, status.stdout + status.stderr  # a notice
            assert "daily budget 50/50 spent" in status.stdout
            stack.configure(COMPANY, daily_budget=100)
            wait_for(lambda: batches_done(db_url), timeout=60, what="the rest")
        assert stack.stats()["billed"] == 80


def test_no_post_while_paused_and_resume_finishes(db_url: str) -> None:
    with running_stack(db_url, rate_per_second=20, burst=5) as stack:
        stack.configure(COMPANY, rate_per_second=20, burst=5)
        with stack.workers(2):
            create_batch(db_url, "company", companies(60, "pause"))
            wait_for(lambda: stack.stats()["accepted"] >= 5, what="the first POSTs")
            with psycopg.connect(db_url, autocommit=True) as conn:
                conn.execute("select enrich.pause_workflow(%s)", (COMPANY,))
            time.sleep(0.5)  # in-flight POSTs finish
            paused_at = stack.stats()["accepted"]
            time.sleep(2)
            assert stack.stats()["accepted"] == paused_at < 60
            with psycopg.connect(db_url, autocommit=True) as conn:
                conn.execute("select enrich.pause_workflow(%s, false)", (COMPANY,))
            wait_for(lambda: batches_done(db_url), timeout=60, what="the batch after resume")
        assert stack.stats()["billed"] == 60


@pytest.mark.alone  # how soon a claim's POST arrives is what a busy machine slows down
def test_two_workflows_share_the_workspace_rate_limit(db_url: str) -> None:
    # the simulator enforces one bucket for the workspace, like Clay: 10 rows/s, burst 20;
    # both buckets start full, as after a quiet spell (the hard case: a burst at once)
    with running_stack(db_url, rate_per_second=10, burst=20) as stack:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("select enrich.set_workspace('default', 10, 20)")
            conn.execute("update enrich.workspaces set rate_tokens = 20, rate_refilled_at = now()")
        with stack.workers(2):
            create_batch(db_url, "company_and_person", companies(30, "shared"))
            wait_for(lambda: batches_done(db_url), timeout=90, what="both workflows")
        stats = stack.stats()
    assert stats["billed"] == 30 + 60  # 30 companies, 60 people
    # Our bucket counts a row at its claim, Clay's when the POST arrives, a little later and
    # later for some than others (claim_dispatches keeps a margin for that); two workflows
    # each at the workspace's rate would get about half refused.
    throttled = stats["rejected"].get("rate_limited", 0)
    fraction = throttled / (stats["accepted"] + throttled)
    print(f"429s: {throttled} of {stats['accepted'] + throttled} POSTs ({fraction:.1%})")
    assert fraction <= 0.02, stats["rejected"]


def test_table_cap_rotates_webhooks_and_a_429_uses_no_submission(db_url: str) -> None:
    with running_stack(db_url, table_cap=50, rate_per_second=40, burst=5) as stack:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(
                "select enrich.set_workflow(%s, array[%s, %s], p_max_submissions => 50)",
                (COMPANY, f"{stack.sim.url}/webhooks/table-a", f"{stack.sim.url}/webhooks/table-b"),
            )
        with stack.workers(2):
            create_batch(db_url, "company", companies(80, "cap"))
            wait_for(lambda: batches_done(db_url), timeout=90, what="the batch")
        stats = stack.stats()
    assert stats["rejected"].get("rate_limited", 0) > 0  # 429s happened...
    assert stats["billed"] == 80 and stats["rows_over_table_cap"] == 0
    assert stats["billed_per_webhook"] == {"table-a": 50, "table-b": 30}
    with psycopg.connect(db_url) as conn:
        counts = conn.execute(
            "select submissions from enrich.workflow_webhooks where workflow_slug = %s"
            " and retired_at is null order by position",
            (COMPANY,),
        ).fetchall()
    assert counts == [(50,), (30,)]  # ...and used no submission
    assert (
        scalar(db_url, "select count(*) from enrich.batch_items where status = 'COMPLETED'") == 160
    )


def table_counts(db_url: str) -> dict:
    with psycopg.connect(db_url) as conn:
        return {
            table: conn.execute(f"select count(*) from enrich.{table}").fetchone()[0]
            for table in (
                "batches",
                "batch_items",
                "workflow_states",
                "normalized_companies",
                "company_workflow_states",
                "dispatches",
                "paid_calls",
            )
        }


def enrich_cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ENRICH, *args],
        env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_dry_run_changes_nothing_and_its_estimate_is_what_the_load_bills(
    db_url: str, tmp_path: Path
) -> None:
    create_batch(db_url, "company", companies(5, "dry"))  # 5 of the file's companies are in flight
    file = tmp_path / "people.csv"
    file.write_text(
        "email\n" + "".join(f"p{i}@dry{i % 12}.com\n" for i in range(36)) + "x@gmail.com\n"
    )
    before = table_counts(db_url)
    dry = enrich_cli(db_url, "load", str(file), "--pipeline", "company", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    estimate = json.loads(dry.stdout.strip().splitlines()[-1])
    assert table_counts(db_url) == before
    assert estimate["new_paid_calls"] == 7  # 12 companies, 5 already in flight
    assert estimate["workflows"][0]["in_flight"] == 5
    assert estimate["workflows"][0]["failed_at_split"] == 1

    refused = enrich_cli(db_url, "load", str(file), "--pipeline", "company", "--max-new-calls", "6")
    assert refused.returncode == 1
    assert "over --max-new-calls 6" in refused.stderr
    assert table_counts(db_url) == before  # nothing loaded, nothing claimable, nothing paid

    with running_stack(db_url) as stack:
        loaded = enrich_cli(
            db_url, "load", str(file), "--pipeline", "company", "--max-new-calls", "7"
        )
        assert loaded.returncode == 0, loaded.stderr
        with stack.workers(1):
            wait_for(lambda: batches_done(db_url), timeout=60, what="both batches")
        assert stack.stats()["billed"] == 5 + estimate["new_paid_calls"]


def test_demo_leaves_queued_real_dispatches_untouched(db_url: str) -> None:
    from rich.console import Console

    create_batch(db_url, "company", companies(4, "real"))
    with psycopg.connect(db_url) as conn:
        before = conn.execute(
            "select id, status, attempt, paid_calls from enrich.dispatches order by id"
        ).fetchall()
    demo.run(db_url, Console(file=open(os.devnull, "w")))  # noqa: SIM115
    with psycopg.connect(db_url) as conn:
        after = conn.execute(
            "select id, status, attempt, paid_calls from enrich.dispatches order by id"
        ).fetchall()
        leftovers = conn.execute(
            "select (select count(*) from enrich.workflows where slug = %s),"
            " (select count(*) from enrich.paid_calls)",
            (demo.DEMO_WORKFLOW,),
        ).fetchone()
    assert after == before and all(status == "QUEUED" for _, status, _, _ in after)
    assert leftovers == (0, 0)


def test_run_refuses_a_real_webhook_without_a_public_url(db_url: str, tmp_path: Path) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.set_workflow(%s, array['https://api.clay.test/hook'])", (PERSON,)
        )
    file = tmp_path / "people.csv"
    file.write_text("email\na@acme.com\n")
    env = {k: v for k, v in os.environ.items() if k != "ENRICH_PUBLIC_URL"}
    result = subprocess.run(
        [ENRICH, "run", str(file), "--pipeline", "company"],
        env={**env, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "ENRICH_PUBLIC_URL is not set" in result.stderr
    assert scalar(db_url, "select count(*) from enrich.batches") == 0


def test_run_stops_with_the_reason_when_everything_left_waits(db_url: str, tmp_path: Path) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("select enrich.pause_workflow(%s)", (COMPANY,))
    file = tmp_path / "people.csv"
    file.write_text("email\na@acme.com\nb@beta.io\n")
    result = subprocess.run(
        [ENRICH, "run", str(file), "--pipeline", "company", "--json"],
        env={**os.environ, "DATABASE_URL": db_url, "ENRICH_PUBLIC_URL": "http://127.0.0.1:9"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "everything this batch still needs waits" in result.stderr
    assert "paused since" in result.stderr
    summary = json.loads(result.stdout)  # scripts still get the summary, with the reason
    assert summary["waiting"][0]["kind"] == "paused" and summary["done"] is False
    assert scalar(db_url, "select count(*) from enrich.dispatches where status = 'QUEUED'") == 2


def test_a_webhook_with_its_own_token_gets_it_and_no_output_shows_it(db_url: str) -> None:
    token = "table-own-token-8c1f"
    with running_stack(db_url, auth_token=token) as stack:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(
                "select enrich.set_workflow(%s, array[%s], p_webhook_auth_tokens => array[%s])",
                (COMPANY, f"{stack.sim.url}/webhooks/own", token),
            )
        with stack.workers(1):  # the workers have no CLAY_WEBHOOK_AUTH_TOKEN of their own
            create_batch(db_url, "company", companies(3, "token"))
            wait_for(lambda: batches_done(db_url), what="the batch")
        stats = stack.stats()
    assert stats["billed"] == 3 and not stats["rejected"].get("unauthorized")
    for args in (("workflow", "show", COMPANY, "--json"), ("workflow", "list", "--json")):
        shown = enrich_cli(db_url, *args)
        assert shown.returncode == 0 and token not in shown.stdout + shown.stderr
        assert '"has_auth_token": true' in shown.stdout


def test_workspace_and_pause_commands(db_url: str) -> None:
    made = enrich_cli(db_url, "workspace", "set", "acme", "--rate", "5", "--daily-credits", "100")
    assert made.returncode == 0, made.stderr
    assert enrich_cli(db_url, "workflow", "set", COMPANY, "--workspace", "nope").returncode == 2
    moved = enrich_cli(db_url, "workflow", "set", COMPANY, "--workspace", "acme", "--json")
    assert json.loads(moved.stdout)["workspace"] == "acme"
    listed = json.loads(enrich_cli(db_url, "workspace", "list", "--json").stdout)
    acme = next(w for w in listed if w["name"] == "acme")
    assert (acme["rate_per_second"], acme["daily_credits"], acme["workflows"]) == (
        5,
        100,
        [COMPANY],
    )
    assert enrich_cli(db_url, "workflow", "pause", COMPANY).returncode == 0
    shown = json.loads(enrich_cli(db_url, "workflow", "show", COMPANY, "--json").stdout)
    assert shown["paused"] is True
    assert enrich_cli(db_url, "workflow", "resume", COMPANY).returncode == 0
    assert enrich_cli(db_url, "workflow", "pause", "no_such_workflow").returncode == 2
    budget = enrich_cli(db_url, "workflow", "set", COMPANY, "--daily-budget", "-3")
    assert budget.returncode == 2
    cleared = enrich_cli(db_url, "workflow", "set", COMPANY, "--daily-budget", "none", "--json")
    assert json.loads(cleared.stdout)["daily_budget"] is None


def _hold_the_loading_batch(db_url: str, seconds: float, held: list) -> None:
    """Key-share lock the load's LOADING batch as soon as it is committed, for `seconds`:
    its parts go on (they take weaker locks), its finish_loading waits, and meanwhile
    the workers would send anything of the load that was claimable."""
    with psycopg.connect(db_url) as conn:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row = conn.execute(
                "select id from enrich.batches where status = 'LOADING' for key share"
            ).fetchone()
            if row:
                held.append(row[0])
                time.sleep(seconds)
                return
            conn.rollback()
            time.sleep(0.005)


def test_max_new_calls_refuses_a_load_in_parts_before_anything_is_paid(
    db_url: str, tmp_path: Path
) -> None:
    import threading

    file = tmp_path / "people.csv"
    file.write_text("email\n" + "".join(f"p{i}@parts{i % 40}.com\n" for i in range(80)))
    load = [ENRICH, "load", str(file), "--pipeline", "company", "--parts", "2"]
    env = {**os.environ, "DATABASE_URL": db_url}
    with running_stack(db_url) as stack:
        with stack.workers(2):
            before = table_counts(db_url)
            held: list = []
            holder = threading.Thread(target=_hold_the_loading_batch, args=(db_url, 2.0, held))
            holder.start()
            refused = subprocess.Popen(
                [*load, "--max-new-calls", "39"],
                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            holder.join()
            # the parts were in and finish_loading waited for the lock: the workers had
            # two seconds to send whatever of the load was claimable
            assert held and refused.poll() is None
            _, stderr = refused.communicate(timeout=60)
            assert refused.returncode == 1, stderr
            assert "over --max-new-calls 39" in stderr
            time.sleep(1)  # (a claim made meanwhile would be posted by now)
            assert stack.stats()["accepted"] == 0  # nothing sent, nothing billed
            after = table_counts(db_url)
            # the company keys its parts wrote stay (as a failed load's do): no claim, no cost
            assert after.pop("normalized_companies") == before.pop("normalized_companies") + 40
            assert after == before
            assert doctor_problems(db_url) == []

            loaded = enrich_cli(db_url, *load[1:], "--max-new-calls", "40")
            assert loaded.returncode == 0, loaded.stderr
            wait_for(lambda: batches_done(db_url), timeout=60, what="the load in parts")
        stats = stack.stats()
    assert stats["billed"] == len(stats["billed_per_entity"]) == 40


def doctor_problems(db_url: str) -> list:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select invariant, detail from enrich.check_invariants()"
            " union all select problem, detail from enrich.stalled_work()"
        ).fetchall()


def test_webhook_token_from_the_environment_is_stored_not_shown(db_url: str) -> None:
    hook = "https://api.clay.test/v3/sources/webhook/abc"
    missing = enrich_cli(
        db_url, "workflow", "set", COMPANY, "--webhook-url", hook, "--webhook-token", "env:NOPE_X"
    )
    assert missing.returncode == 2 and "NOPE_X is not set" in missing.stderr
    result = subprocess.run(
        [ENRICH, "workflow", "set", COMPANY, "--webhook-url", hook,
         "--webhook-token", "env:TABLE_A_TOKEN", "--json"],
        env={**os.environ, "DATABASE_URL": db_url, "TABLE_A_TOKEN": "s3cret-token-value"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "s3cret" not in result.stdout and '"has_auth_token": true' in result.stdout
    assert (
        scalar(db_url, "select auth_token from enrich.workflow_webhooks where url = %s", (hook,))
        == "s3cret-token-value"
    )


def test_workflow_show_and_doctor_warn_at_90_percent_of_a_webhook_and_when_none_is_left(
    db_url: str,
) -> None:
    hooks = [
        "https://api.clay.test/v3/sources/webhook/a",
        "https://api.clay.test/v3/sources/webhook/b",
    ]
    assert (
        enrich_cli(
            db_url, "workflow", "set", COMPANY, "--webhook-url", hooks[0],
            "--webhook-url", hooks[1], "--max-submissions", "100",
        ).returncode
        == 0
    )  # fmt: skip

    def used(first: int, second: int) -> None:
        with psycopg.connect(db_url, autocommit=True) as conn:
            for url, submissions in zip(hooks, (first, second), strict=True):
                conn.execute(
                    "update enrich.workflow_webhooks set submissions = %s where url = %s",
                    (submissions, url),
                )

    def show() -> str:
        result = subprocess.run(
            [ENRICH, "workflow", "show", COMPANY],
            env={**os.environ, "DATABASE_URL": db_url, "COLUMNS": "250"},
            capture_output=True, text=True,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    used(89, 0)
    assert "over 90% used" not in show()
    assert "over 90% used" not in enrich_cli(db_url, "doctor").stdout
    used(90, 0)
    shown = show()
    assert "over 90% used" in shown and "10 left" in shown
    doctor = enrich_cli(db_url, "doctor")
    assert "webhook 1 is over 90% used (10 submissions left)" in doctor.stdout
    assert "webhook 2 is over 90%" not in doctor.stdout
    # the first is full (rotated past), the last one nearly: still warned
    used(100, 95)
    assert "webhook 2 is over 90% used (5 submissions left)" in enrich_cli(db_url, "doctor").stdout
    # none left: said by doctor, and shown as full
    used(100, 100)
    doctor = enrich_cli(db_url, "doctor")
    assert "every webhook is full or retired" in doctor.stdout
    assert show().count("full") >= 2
