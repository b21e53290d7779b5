"""Dispatch: entities/s from claim to recorded send, enrich-once workers vs PgQueuer.

Both systems do the same job on the same PostgreSQL server (a fresh scratch database per
round each), with the same number of worker processes and the same concurrency per process:

- enrich-once: `enrich.create_batch('company', rows)` with one distinct company domain per
  row commits N queued dispatches while `enrich worker` subprocesses sit idle on LISTEN;
  the clock runs from that commit to the last `sent_at` (every dispatch SENT in the DB).
- PgQueuer: one job per entity (the same entity fields, JSON) enqueued in one statement
  while `QueueManager` subprocesses sit idle; the handler encodes the payload with
  `clay.encode_payload` and POSTs it with `clay.post_entity` (httpx), exactly what our
  worker does; the clock runs from the enqueue commit to the last successful
  `pgqueuer_log` row (the job's completion recorded in the DB).

Both POST to one Clay simulator (`enrich clay-sim`, no rate limit, callbacks dropped so it
only answers 200). It runs in its own process so that it does not share an interpreter (and
its GIL) with the workers; on 2 cores it still competes for CPU with them and PostgreSQL,
equally for both systems. The simulator's per-entity counts check that each entity was
POSTed exactly once. Peak RSS of every worker process comes from wait4() when it exits.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from bench.common import (
    alternate,
    medians,
    peak_rss_mb,
    report,
    scratch_database,
    unlimited_workflows,
)
from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.servers import free_port
from pyworker.testing import ENRICH
from pyworker.testing.wait import answers, wait_for

COMPANY = COMPANY_WORKFLOW
PUBLIC_URL = "http://127.0.0.1:9"  # callback_url in the payload; the simulator never calls it
CONCURRENCY = 16  # `enrich worker`'s default POSTs in flight per process
PGQ_ENTRYPOINT = "post_entity"


# -- processes -----------------------------------------------------------------------------
@dataclass
class Process:
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def peak_rss_mb(self) -> int:
        return peak_rss_mb(self.popen.pid)

    def stop(self, timeout: float = 30) -> tuple[int, float]:
        """SIGTERM, wait; returns (peak RSS in MB before the signal, CPU seconds)."""
        peak = self.peak_rss_mb()
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(self.popen.pid, os.WNOHANG)
            if pid:
                self.popen.returncode = os.waitstatus_to_exitcode(status)
                return peak, usage.ru_utime + usage.ru_stime
            if time.monotonic() > deadline:
                self.popen.kill()
            time.sleep(0.02)


def start(command: list[str], env: dict[str, str], logdir: Path, name: str) -> Process:
    log = logdir / f"{name}.log"
    with log.open("wb") as sink:
        popen = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    return Process(popen, log)


@contextmanager
def simulator(logdir: Path) -> Iterator[str]:
    """`enrich clay-sim` in its own process: no rate limit, no callbacks; yields its URL."""
    port = free_port()
    sim = start(
        [
            ENRICH, "clay-sim", "--port", str(port), "--rate", "1e9", "--burst", "1000000000",
            "--max-submissions", "1000000000", "--drop-rate", "1", "--delay-min", "0",
            "--delay-max", "0",
        ],
        {**os.environ},
        logdir,
        "clay-sim",
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    try:
        wait_for(answers(f"{url}/stats", sim.popen, sim.log), 20, "clay-sim")
        yield url
    finally:
        sim.stop()


def check_posts(sim_url: str, entities: int) -> int:
    """Exactly one POST per entity, or raise."""
    stats = httpx.get(f"{sim_url}/stats", timeout=30).json()
    counts = stats["per_entity"].values()
    if stats["accepted"] != entities or len(counts) != entities or max(counts) != 1:
        raise RuntimeError(
            f"expected one POST for each of {entities} entities; simulator saw "
            f"{stats['accepted']} POSTs for {len(counts)} entities (max {max(counts, default=0)})"
        )
    return stats["accepted"]


def entity_rows(entities: int) -> list[dict[str, str]]:
    tag = uuid.uuid4().hex[:8]
    return [
        {"company_domain": f"c{i}-{tag}.com", "company_name": f"Company {i}"}
        for i in range(entities)
    ]


def _scalar(url: str, query: str) -> object:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query).fetchone()


def figures(entities: int, seconds: float, posts: int, usage: list[tuple[int, float]]) -> dict:
    """One round's result; usage is (peak RSS MB, CPU seconds) per worker process."""
    return {
        "entities": entities,
        "seconds": seconds,
        "entities_per_second": entities / seconds,
        "posts": posts,
        "worker_peak_rss_mb": max(rss for rss, _ in usage),
        "worker_cpu_seconds": sum(cpu for _, cpu in usage),
    }


def row_when(conn: psycopg.Connection, query: str, done: Callable[[tuple], bool], what: str):
    """Run `query` (one row) until `done` accepts its row, for 600 s at most; that row."""
    last: list[tuple] = []

    def check() -> bool:
        last[:] = [conn.execute(query).fetchone()]
        return done(last[0])

    wait_for(check, 600, what)
    return last[0]


# -- enrich-once ---------------------------------------------------------------------------
def drain(url: str, entities: int, workers: int = 2, concurrency: int = CONCURRENCY) -> dict:
    """Queue `entities` company dispatches in the (migrated) database at url, let `workers`
    `enrich worker` processes POST them all to a local simulator; entities/s from the commit
    that queued them to the last recorded send, and the workers' peak RSS."""
    rows = entity_rows(entities)
    with tempfile.TemporaryDirectory(prefix="bench-dispatch-") as tmp, simulator(Path(tmp)) as sim:
        unlimited_workflows(url, sim)
        env = {**os.environ, "DATABASE_URL": url, "ENRICH_PUBLIC_URL": PUBLIC_URL}
        env.pop("CLAY_WEBHOOK_AUTH_TOKEN", None)
        procs = [
            start([ENRICH, "worker", "--concurrency", str(concurrency)], env, Path(tmp), f"w{n}")
            for n in range(workers)
        ]
        usage: list[tuple[int, float]] = []
        try:
            listening = (
                "select count(*) from pg_stat_activity"
                " where datname = current_database() and query = 'listen enrich_dispatch'"
            )

            def idle() -> bool:
                for proc in procs:
                    if proc.popen.poll() is not None:
                        raise RuntimeError(f"worker exited: {proc.output()[-2000:]}")
                return _scalar(url, listening)[0] == workers

            wait_for(idle, 30, "workers to LISTEN")
            time.sleep(0.5)  # let their first poll/reap pass
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("select enrich.create_batch('company', %s)", (Jsonb(rows),))
                started = time.time()
                progress = (
                    "select count(*) filter (where status = 'SENT'),"
                    " extract(epoch from max(sent_at))::float8 from enrich.dispatches"
                )
                _, last = row_when(
                    conn, progress, lambda row: row[0] >= entities, f"{entities} sends"
                )
        finally:
            usage = [proc.stop() for proc in procs]
        posts = check_posts(sim, entities)
    return figures(entities, last - started, posts, usage)


# -- PgQueuer ------------------------------------------------------------------------------
async def _pgq_worker(url: str, webhook: str, concurrency: int) -> None:
    """One PgQueuer worker process: POST each job's entity like our worker does."""
    from pgqueuer import Queries, QueueManager

    from pyworker import clay

    conn, driver = await _pgq_connection(url)
    qm = QueueManager(Queries(driver))
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, connect=10), limits=limits) as client:

        @qm.entrypoint(PGQ_ENTRYPOINT)
        async def post_entity(job) -> None:
            entity = json.loads(job.payload)
            body = clay.encode_payload(entity, entity["workflow"], PUBLIC_URL)
            outcome = await clay.post_entity(client, webhook, body, None, job.attempts + 1)
            if outcome.kind != "sent":
                raise RuntimeError(outcome.error)

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, qm.shutdown.set)
        print("ready", flush=True)
        # PgQueuer requires max_concurrent_tasks >= 2 * batch_size
        await qm.run(batch_size=max(1, concurrency // 2), max_concurrent_tasks=concurrency)
    await conn.close()


async def _pgq_connection(url: str):
    """PgQueuer's own default driver, asyncpg, when installed. Its psycopg driver shares one
    connection between LISTEN and queries and holds it in notifies(timeout=1.0), so every
    query can wait up to a second: measured at ~20 jobs/s, it would make a straw man."""
    try:
        import asyncpg
    except ImportError:
        from pgqueuer import PsycopgDriver

        print("asyncpg missing: PgQueuer on its psycopg driver (slow)", file=sys.stderr)
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
        return conn, PsycopgDriver(conn)
    from pgqueuer import AsyncpgDriver

    params = conninfo_to_dict(url)
    conn = await asyncpg.connect(
        host=params.get("host"),
        port=int(params["port"]) if params.get("port") else None,
        user=params.get("user"),
        password=params.get("password"),
        database=params.get("dbname"),
    )
    return conn, AsyncpgDriver(conn)


def pgqueuer_drain(
    url: str, entities: int, workers: int = 2, concurrency: int = CONCURRENCY
) -> dict:
    """The same job through PgQueuer (installed into the database at url if needed)."""
    from pgqueuer import PsycopgDriver, Queries

    async def install_and_enqueue(payloads: list[bytes] | None) -> None:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            queries = Queries(PsycopgDriver(conn))
            if payloads is None:
                if not await queries.schema_is_installed():
                    await queries.install()
                return
            await queries.enqueue(
                [PGQ_ENTRYPOINT] * len(payloads), list(payloads), [0] * len(payloads)
            )

    asyncio.run(install_and_enqueue(None))
    payloads = [
        json.dumps({"workflow": COMPANY, "company_id": str(uuid.uuid4()), **row}).encode()
        for row in entity_rows(entities)
    ]
    with tempfile.TemporaryDirectory(prefix="bench-pgq-") as tmp, simulator(Path(tmp)) as sim:
        webhook = f"{sim}/webhooks/{COMPANY}"
        command = [sys.executable, "-m", "bench.dispatch", "pgq-worker", url, webhook]
        procs = [
            start([*command, str(concurrency)], {**os.environ}, Path(tmp), f"pgq{n}")
            for n in range(workers)
        ]
        usage: list[tuple[int, float]] = []
        try:

            def ready() -> bool:
                for proc in procs:
                    if proc.popen.poll() is not None:
                        raise RuntimeError(f"pgq worker exited: {proc.output()[-2000:]}")
                return all("ready" in proc.output() for proc in procs)

            wait_for(ready, 30, "PgQueuer workers")
            time.sleep(1.0)  # run() sets up its listener after "ready"
            before = _scalar(url, "select count(*) from pgqueuer_log where status = 'successful'")
            asyncio.run(install_and_enqueue(payloads))
            started = time.time()
            progress = (
                "select (select count(*) from pgqueuer),"
                " count(*), extract(epoch from max(created))::float8"
                " from pgqueuer_log where status = 'successful'"
            )
            with psycopg.connect(url, autocommit=True) as conn:
                _, _, last = row_when(
                    conn,
                    progress,
                    lambda row: row[0] == 0 and row[1] - before[0] >= entities,
                    f"PgQueuer's {entities} jobs",
                )
        finally:
            usage = [proc.stop() for proc in procs]
        posts = check_posts(sim, entities)
    return figures(entities, last - started, posts, usage)


# -- the benchmark -------------------------------------------------------------------------
def main(quick: bool) -> None:
    entities = 2_000 if quick else 20_000
    rounds = 2 if quick else 5  # the ratio moved 1.2-1.7x between 3-round runs
    workers = 2

    def ours() -> dict:
        with scratch_database() as url:
            return drain(url, entities, workers)

    def theirs() -> dict:
        with scratch_database() as url:
            return pgqueuer_drain(url, entities, workers)

    measured = alternate({"enrich-once": ours, "pgqueuer": theirs}, rounds)
    ours_median = medians(measured["enrich-once"])
    theirs_median = medians(measured["pgqueuer"])
    ratio = ours_median["entities_per_second"] / theirs_median["entities_per_second"]
    rows = [
        {
            "system": name,
            "entities": entities,
            "workers": workers,
            "concurrency/worker": CONCURRENCY,
            "entities/s (median)": figures["entities_per_second"],
            "seconds (median)": figures["seconds"],
            "peak RSS/worker MB (median)": figures["worker_peak_rss_mb"],
            "worker CPU ms/entity (median)": figures["worker_cpu_seconds"] * 1000 / entities,
        }
        for name, figures in (("enrich-once", ours_median), ("pgqueuer", theirs_median))
    ]
    worst_rss = max(run["worker_peak_rss_mb"] for run in measured["enrich-once"])
    report(
        "dispatch",
        f"Dispatch: {entities:,} entities, {workers} worker processes, {rounds} rounds",
        rows,
        {
            "ratio enrich-once / pgqueuer (entities/s)": ratio,
            "target ratio >= 1.5": "met" if ratio >= 1.5 else "MISSED",
            "enrich-once worker peak RSS MB (max over rounds)": worst_rss,
            "target RSS <= 150 MB": "met" if worst_rss <= 150 else "MISSED",
            "enrich-once entities/s per round": [
                round(run["entities_per_second"]) for run in measured["enrich-once"]
            ],
            "pgqueuer entities/s per round": [
                round(run["entities_per_second"]) for run in measured["pgqueuer"]
            ],
        },
    )


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "pgq-worker":
    asyncio.run(_pgq_worker(sys.argv[2], sys.argv[3], int(sys.argv[4])))
