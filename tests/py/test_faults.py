"""Faults: 429, 500s, network errors, permanent 4xx, lost / late / duplicate callbacks,
a worker killed -9 and graceful shutdown. Each time every item ends COMPLETED or FAILED
consistently with its entity, and nothing is stuck."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from pyworker import receiver
from pyworker.builtins import COMPANY_WORKFLOW as COMPANY
from pyworker.servers import BackgroundServer
from pyworker.testing import ENRICH, generate
from pyworker.testing.cluster import restart_private_cluster
from pyworker.testing.stack import SECRET, batches_done, create_batch, running_stack, scalar
from pyworker.testing.wait import wait_for
from pyworker.worker import Worker, WorkerSettings


def restarts_postgres(test):
    """The test restarts or stops the private cluster: never a user's server (skipped with
    DATABASE_URL), and never while other tests run (`alone`: make test runs these after the
    rest, which it runs in parallel)."""
    skip = pytest.mark.skipif(
        bool(os.environ.get("DATABASE_URL")), reason="restarts the private cluster"
    )
    return pytest.mark.alone(skip(test))


ROWS = [{"email": f"p{i}@fault{i % 8}.com"} for i in range(24)]  # 24 items, 8 companies


def consistent(db_url: str) -> None:
    """Items agree with their entities; nothing is stuck; every batch is done."""
    with psycopg.connect(db_url) as conn:
        stuck = conn.execute(
            "select count(*) from enrich.workflow_states"
            " where status in ('PENDING', 'IN_PROGRESS', 'WAITING')"
        ).fetchone()[0]
        disagree = conn.execute(
            "select count(*) from enrich.workflow_states ws"
            " join enrich.company_workflow_states s on s.company_id = ws.entity_id"
            "  and s.workflow_slug = ws.step_name where ws.status <> s.status"
        ).fetchone()[0]
        unfinished = conn.execute(
            "select count(*) from enrich.batches where status <> 'COMPLETED'"
        ).fetchone()[0]
        without_result = conn.execute(
            "select count(*) from enrich.company_workflow_states s where s.status = 'COMPLETED'"
            " and not exists (select from enrich.company_enrichment_results r"
            "                 where r.company_id = s.company_id)"
        ).fetchone()[0]
    assert (stuck, disagree, unfinished, without_result) == (0, 0, 0, 0)


def test_429_with_retry_after_is_honoured(db_url: str) -> None:
    with running_stack(db_url, rate_per_second=4, burst=2) as stack, stack.workers(1):
        create_batch(db_url, "company", ROWS)
        wait_for(lambda: batches_done(db_url), timeout=60, what="the batch")
        stats = stack.stats()
    assert stats["rejected"].get("rate_limited", 0) > 0
    assert stats["accepted"] == 8 and set(stats["per_entity"].values()) == {1}
    assert (
        scalar(db_url, "select count(*) from enrich.batch_items where status = 'COMPLETED'") == 24
    )
    consistent(db_url)


def test_server_errors_are_retried(db_url: str) -> None:
    with running_stack(db_url, fail_rate=0.4) as stack:
        stack.configure(COMPANY, max_attempts=20)
        with stack.workers(
            1,
        ):
            create_batch(db_url, "company", ROWS)
            wait_for(lambda: batches_done(db_url), timeout=60, what="the batch")
        stats = stack.stats()
    assert stats["rejected"].get("server_error", 0) > 0
    assert stats["accepted"] == 8
    assert (
        scalar(db_url, "select count(*) from enrich.batch_items where status = 'COMPLETED'") == 24
    )
    consistent(db_url)


def test_network_errors_fail_after_max_attempts(db_url: str) -> None:
    with running_stack(db_url) as stack:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(
                "select enrich.set_workflow(%s, array['http://127.0.0.1:9/closed'],"
                " p_max_attempts => 2)",
                (COMPANY,),
            )
        with stack.workers(1):
            create_batch(db_url, "company", ROWS[:4])
            wait_for(lambda: batches_done(db_url), timeout=60, what="the batch")
    error = scalar(
        db_url,
        "select distinct meta ->> 'error' from enrich.workflow_states where step_name = %s",
        (COMPANY,),
    )
    assert error.startswith("gave up after 2 attempt(s): network error")
    assert scalar(db_url, "select count(*) from enrich.batch_items where status = 'FAILED'") == 4
    consistent(db_url)


def test_permanent_4xx_fails_at_once_with_the_response(db_url: str) -> None:
    with running_stack(db_url, auth_token="expected-token") as stack, stack.workers(1):
        create_batch(db_url, "company", ROWS[:4])
        wait_for(lambda: batches_done(db_url), what="the batch")
    assert scalar(db_url, "select max(attempts) from enrich.company_workflow_states") == 1
    error = scalar(db_url, "select distinct last_error from enrich.company_workflow_states")
    assert error.startswith("HTTP 401")
    consistent(db_url)


def test_lost_callbacks_fail_with_no_callback_and_are_never_paid_for_twice(db_url: str) -> None:
    with running_stack(db_url, drop_rate=1.0) as stack:
        stack.configure(COMPANY, timeout="1 second", max_attempts=2)
        with stack.workers(1):
            create_batch(db_url, "company", ROWS[:6])
            wait_for(lambda: batches_done(db_url), timeout=60, what="the timeouts")
        stats = stack.stats()
    assert stats["billed"] == 6  # 6 companies, each paid once: no paid re-send by default
    assert max(stats["billed_per_entity"].values()) == 1
    error = scalar(db_url, "select distinct last_error from enrich.company_workflow_states")
    assert error.startswith("no_callback: Clay accepted the row (a paid call)")
    assert scalar(db_url, "select count(*) from enrich.batch_items where status = 'FAILED'") == 6
    consistent(db_url)


def test_lost_callbacks_get_the_paid_resends_the_workflow_allows(db_url: str) -> None:
    with running_stack(db_url, drop_rate=1.0) as stack:
        stack.configure(COMPANY, timeout="1 second", resends=1)
        with stack.workers(1):
            create_batch(db_url, "company", ROWS[:6])
            wait_for(lambda: batches_done(db_url), timeout=60, what="the timeouts")
        stats = stack.stats()
    assert stats["billed"] == 6 * 2  # the first call and one paid re-send each
    assert scalar(db_url, "select sum(paid_calls) from enrich.company_workflow_states") == 12
    assert scalar(db_url, "select sum(calls) from enrich.paid_calls") == 12
    consistent(db_url)


def test_late_callback_after_failure_completes_items(db_url: str) -> None:
    with running_stack(db_url, delay_min=2.5, delay_max=2.5) as stack:
        stack.configure(COMPANY, timeout="1 second", max_attempts=1)
        with stack.workers(1):
            create_batch(db_url, "company", ROWS[:4])
            wait_for(
                lambda: (
                    scalar(
                        db_url, "select count(*) from enrich.batch_items where status = 'FAILED'"
                    )
                    == 4
                ),
                what="the timeout",
            )
            wait_for(
                lambda: (
                    scalar(
                        db_url, "select count(*) from enrich.batch_items where status = 'COMPLETED'"
                    )
                    == 4
                ),
                what="late results",
            )
    assert scalar(db_url, "select count(*) from enrich.company_enrichment_results") == 4
    consistent(db_url)


def _black_hole() -> tuple[socket.socket, str]:
    """A webhook that accepts connections and never answers: a POST in flight forever."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(100)
    accepted: list[socket.socket] = []
    threading.Thread(
        target=lambda: [accepted.append(server.accept()[0]) for _ in range(100)], daemon=True
    ).start()
    return server, f"http://127.0.0.1:{server.getsockname()[1]}/hook"


def _worker_process(db_url: str, public_url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db_url, "ENRICH_PUBLIC_URL": public_url}
    return subprocess.Popen(
        [ENRICH, "worker", "--poll-interval", "0.2", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def create_batch_posting_into(db_url: str, webhook_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("select enrich.set_workflow(%s, array[%s])", (COMPANY, webhook_url))
    create_batch(db_url, "company", ROWS)


def wait_until_all_leased(db_url: str) -> None:
    query = "select count(*) from enrich.dispatches where status = 'LEASED'"
    wait_for(lambda: scalar(db_url, query) == 8, what="a worker's claims on all 8 companies")


def test_worker_killed_minus_nine_loses_nothing_and_pays_nothing_twice(db_url: str) -> None:
    """Its POSTs went out (into a webhook that never answers): whether Clay took them is
    unknown, so they count as paid and are not sent again; their rows FAIL with
    no_callback once the deadline passes, and nothing is stuck."""
    hole, hole_url = _black_hole()
    with running_stack(db_url) as stack:
        create_batch_posting_into(db_url, hole_url)
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("update enrich.workflows set timeout = '2 seconds'")
        victim = _worker_process(db_url, stack.receiver.url, "--lease", "2")
        wait_until_all_leased(db_url)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        with stack.workers(1):
            wait_for(lambda: batches_done(db_url), timeout=60, what="recovery")
        stats = stack.stats()
    hole.close()
    assert stats["accepted"] == 0  # never sent again
    assert scalar(db_url, "select sum(calls) from enrich.paid_calls") == 8
    assert scalar(db_url, "select count(*) from enrich.batch_items where status = 'FAILED'") == 24
    assert (
        scalar(
            db_url,
            "select count(*) from enrich.company_workflow_states"
            " where left(last_error, 12) = 'no_callback:'",
        )
        == 8
    )
    consistent(db_url)


def test_sigterm_stops_gracefully_posts_cut_after_their_body_count_as_paid(db_url: str) -> None:
    hole, hole_url = _black_hole()
    with running_stack(db_url) as stack:
        create_batch_posting_into(db_url, hole_url)
        worker = _worker_process(db_url, stack.receiver.url, "--shutdown-grace", "1")
        wait_until_all_leased(db_url)
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=30)
        stderr = worker.stderr.read()
    hole.close()
    assert code == 0, stderr
    assert time.monotonic() - started < 15
    # the black hole read their bodies: Clay may have the rows, so they wait for callbacks
    assert "event=cancelled_after_sending" in stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute(
            "select status, sum(paid_calls), count(*) from enrich.dispatches group by 1"
        ).fetchall() == [("SENT", 8, 8)]


def test_two_workers_together_respect_the_global_rate_limit(db_url: str) -> None:
    rows = [{"email": f"x@rate{i}.com"} for i in range(30)]
    warm_up = [{"email": f"x@warm{i}.com"} for i in range(32)]
    with running_stack(db_url) as stack:
        with stack.workers(2):
            # first POSTs open the slots' connections: a cold slot's POST can arrive later
            # than warm ones claimed after it, which would bunch arrivals up
            create_batch(db_url, "company", warm_up)
            wait_for(lambda: batches_done(db_url), timeout=60, what="the warm-up batch")
            stack.configure(COMPANY, rate_per_second=5, burst=5)
            create_batch(db_url, "company", rows)
            wait_for(lambda: batches_done(db_url), timeout=60, what="the batch")
        times = sorted(stack.stats()["accepted_times"])[len(warm_up) :]
    assert len(times) == 30
    # token bucket: in any window of w seconds at most burst + rate * w POSTs (+2: claim and
    # arrival times differ by HTTP jitter)
    for i, start in enumerate(times):
        for j in range(i, len(times)):
            window = times[j] - start
            assert j - i + 1 <= 5 + 5 * window + 2, (i, j, window)


@restarts_postgres
def test_postgres_restart_mid_run_workers_and_receiver_carry_on(db_url: str) -> None:
    rows = [{"email": f"p{i}@restart{i % 12}.com"} for i in range(36)]
    with running_stack(db_url, delay_min=0.3, delay_max=1.0) as stack:
        stack.configure(COMPANY, rate_per_second=6, burst=3)
        with stack.workers(1):
            create_batch(db_url, "company_and_person", rows)
            wait_for(lambda: stack.stats()["accepted"] >= 4, what="the first POSTs")
            restart_private_cluster()
            wait_for(lambda: batches_done(db_url), timeout=90, what="recovery after restart")
        stats = stack.stats()
    assert set(stats["per_entity"].values()) == {1}, "an entity was posted twice"
    assert (
        scalar(db_url, "select count(*) from enrich.batch_items where status = 'COMPLETED'") == 36
    )
    consistent(db_url)


@restarts_postgres
def test_receiver_and_worker_work_again_soon_after_postgres_is_back(db_url: str) -> None:
    """PostgreSQL down for 3 s while callbacks arrive and a worker queries: both work again
    within seconds of it starting, not after their connection pool's 30 s timeout."""
    from pyworker.localdb import default_cluster

    cluster = default_cluster()
    stop = threading.Event()
    answered: list[tuple[float, int]] = []  # (when, HTTP status) of each callback
    queried: list[float] = []  # when each of the worker's queries succeeded

    def post_callbacks(url: str) -> None:
        unknown = {"company_id": "00000000-0000-0000-0000-000000000000"}  # 404, via SQL
        with httpx.Client(timeout=60) as client:
            while not stop.is_set():
                try:
                    status = client.post(
                        f"{url}/callbacks/{COMPANY}",
                        json=unknown,
                        headers={"authorization": f"Bearer {SECRET}"},
                    ).status_code
                except httpx.HTTPError:
                    status = 0
                answered.append((time.monotonic(), status))
                time.sleep(0.05)

    async def worker_queries() -> None:
        worker = Worker(WorkerSettings(database_url=db_url, public_url="http://127.0.0.1:9"))
        await worker.db.open()
        try:
            while not stop.is_set():
                if await worker._db(worker.db.ping):  # the worker's own retry with backoff
                    queried.append(time.monotonic())
                await asyncio.sleep(0.05)
        finally:
            await worker.db.close()

    with BackgroundServer(receiver.create_app(db_url, SECRET)) as server:
        threads = [threading.Thread(target=post_callbacks, args=(server.url,)) for _ in range(4)]
        threads.append(threading.Thread(target=asyncio.run, args=(worker_queries(),)))
        for thread in threads:
            thread.start()
        try:
            wait_for(lambda: answered and queried, what="callbacks and queries")
            cluster.stop()
            time.sleep(3)
        finally:
            cluster.ensure_running()
        back = time.monotonic()
        try:
            wait_for(
                lambda: (
                    any(at > back and status == 404 for at, status in answered)
                    and any(at > back for at in queried)
                ),
                timeout=40,
                what="callbacks and queries after the restart",
            )
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
    callbacks_back = min(at for at, status in answered if at > back and status == 404) - back
    queries_back = min(at for at in queried if at > back) - back
    assert callbacks_back < 8, f"callbacks recorded again {callbacks_back:.1f} s after"
    assert queries_back < 8, f"the worker's queries worked again {queries_back:.1f} s after"


@restarts_postgres
def test_worker_retries_on_a_live_connection_after_a_restart(db_url: str) -> None:
    """A restart kills the worker's idle pooled connections (not tested before use, for
    latency): its first query fails, and the retry must not meet the next dead one."""

    async def first_query_after_restart() -> float:
        worker = Worker(WorkerSettings(database_url=db_url, public_url="http://127.0.0.1:9"))
        await worker.db.open()
        try:
            async with contextlib.AsyncExitStack() as held:  # four connections, then idle
                for _ in range(4):
                    await held.enter_async_context(worker.db.pool.connection())
            assert worker.db.pool.get_stats()["pool_available"] == 4
            await asyncio.to_thread(restart_private_cluster)
            started = time.monotonic()
            assert await worker._db(worker.db.ping)
            return time.monotonic() - started
        finally:
            await worker.db.close()

    took = asyncio.run(first_query_after_restart())
    assert took < 2, f"the worker's first query after the restart took {took:.1f} s"


def test_webhook_rotation_warns_then_errors_when_none_is_left(db_url: str) -> None:
    rows = [{"email": f"x@rotate{i}.com"} for i in range(12)]
    with running_stack(db_url) as stack:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(
                "select enrich.set_workflow(%s, array[%s, %s], p_max_submissions => 5)",
                (COMPANY, f"{stack.sim.url}/webhooks/one", f"{stack.sim.url}/webhooks/two"),
            )
        log_lines: list[str] = []
        import pyworker.worker as worker_module

        original = worker_module.log
        worker_module.log = lambda event, **fields: (
            log_lines.append(event),
            original(event, **fields),
        )
        try:
            with stack.workers(1):
                create_batch(db_url, "company", rows)
                wait_for(lambda: "error_no_webhook_left" in log_lines, what="the error")
        finally:
            worker_module.log = original
        stats = stack.stats()
    assert stats["per_webhook"] == {"one": 5, "two": 5}
    assert scalar(db_url, "select count(*) from enrich.dispatches where status = 'QUEUED'") == 2


def _refusing_webhook(status: int, body: bytes, headers: dict[str, str]) -> BackgroundServer:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def hook(request: Request) -> Response:
        await request.body()
        return Response(body, status_code=status, headers=headers)

    return BackgroundServer(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))


def test_a_refusal_the_database_cannot_store_stays_free(db_url: str) -> None:
    """A 500 whose body holds a NUL (PostgreSQL text cannot) is still recorded as a free
    retry: never left to its lease, where it would count as possibly paid."""
    with (
        running_stack(db_url) as stack,
        _refusing_webhook(500, b"broken\x00body", {}) as hook,
    ):
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(
                "select enrich.set_workflow(%s, array[%s], p_max_attempts => 2)",
                (COMPANY, f"{hook.url}/hook"),
            )
        with stack.workers(1):
            create_batch(db_url, "company", ROWS[:4])
            wait_for(lambda: batches_done(db_url), timeout=60, what="the refusals")
    error = scalar(db_url, "select distinct last_error from enrich.company_workflow_states")
    assert error.startswith("gave up after 2 attempt(s): HTTP 500: broken body")
    assert scalar(db_url, "select coalesce(sum(calls), 0) from enrich.paid_calls") == 0
    consistent(db_url)


@pytest.mark.parametrize("retry_after", ["1e300", "inf", "99999999999"])
def test_an_absurd_retry_after_waits_an_hour_at_most(db_url: str, retry_after: str) -> None:
    with (
        running_stack(db_url) as stack,
        _refusing_webhook(429, b"slow down", {"retry-after": retry_after}) as hook,
    ):
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("select enrich.set_workflow(%s, array[%s])", (COMPANY, f"{hook.url}/hook"))
        with stack.workers(1):
            create_batch(db_url, "company", ROWS[:1])
            throttled = (
                "select count(*) from enrich.dispatches"
                " where status = 'QUEUED' and available_at > now()"
            )
            wait_for(lambda: scalar(db_url, throttled) == 1, what="the throttled dispatch")
    wait = scalar(db_url, "select extract(epoch from available_at - now()) from enrich.dispatches")
    assert 3500 < wait <= 3600
    assert scalar(db_url, "select coalesce(sum(calls), 0) from enrich.paid_calls") == 0


@restarts_postgres
@pytest.mark.parametrize("parts", ["1", "2"])
def test_a_load_cut_by_a_postgresql_shutdown_says_what_it_left(
    db_url: str, tmp_path: Path, parts: str
) -> None:
    """PostgreSQL goes away in the middle of a load: no traceback, but why, what was left
    (nothing; or, for a load in parts, the LOADING batch and the two ways out) and what to
    do; and the database holds no half-loaded batch it does not name."""
    source = generate.write(60_000, tmp_path / "people.csv")
    load = subprocess.Popen(
        [ENRICH, "load", str(source), "--pipeline",
         "company", "--parts", parts],
        env={**os.environ, "DATABASE_URL": db_url},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(1.5)  # reading and copying rows
    restart_private_cluster()
    _, stderr = load.communicate(timeout=120)
    assert load.returncode == 1, stderr
    assert "Traceback" not in stderr and "the database went away" in stderr, stderr
    with psycopg.connect(db_url) as conn:
        left = [row[0] for row in conn.execute("select id::text from enrich.batches")]
    if "nothing was loaded" in stderr:
        assert left == []
    else:  # a load in parts whose LOADING batch could not be deleted: named, with the ways out
        assert left and left[0] in stderr and "discard_loading_batch" in stderr
