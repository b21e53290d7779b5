"""`make soak`: the whole stack under faults for minutes; nothing may be lost or stuck.

Real processes: `enrich clay-sim` (500s, dropped and duplicated callbacks, random delays),
`enrich serve`, several `enrich worker`s, and `enrich load` of a generated people list
(company_and_person). While the batch runs, workers are killed with SIGKILL (and replaced)
and PostgreSQL is restarted at random moments (only the private cluster: a server of
DATABASE_URL is never restarted). It ends when the batch is COMPLETED, then checks the
invariants (`enrich doctor`'s), zero unfinished items and a result for every COMPLETED
entity, and what the simulator billed: no entity paid for more than once plus the paid
re-sends asked for (--resends, default 0). It prints the figures, the spend multiplier
among them. Exit status 1 if anything was lost, stuck, broken or paid for twice.

    python -m pyworker.testing.soak [--rows 5000] [--workers 3] [--minutes 10] [--seed 7]
                         [--kills-per-minute 3] [--restarts-per-minute 1] [--resends 0]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg

from pyworker.servers import free_port
from pyworker.testing import ENRICH, generate
from pyworker.testing.cluster import restart_private_cluster
from pyworker.testing.scratch_db import migrated_database, url_for
from pyworker.testing.wait import answers, wait_for
from pyworker.testing.workflows import every_workflow_to

SECRET = "soak-callback-secret"


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def stop(processes: list[subprocess.Popen], grace: float = 30) -> None:
    """SIGTERM to all, then SIGKILL to whichever has not exited within `grace` seconds."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def scalar(url: str, query: str) -> object:
    for _ in range(60):  # the server may be restarting
        try:
            with psycopg.connect(url, connect_timeout=3) as conn:
                return conn.execute(query).fetchone()[0]
        except psycopg.OperationalError:
            time.sleep(0.5)
    raise RuntimeError("database unreachable for 30 s")


QUIET_SECONDS = 35  # > a worker's HTTP timeout (30 s) plus the simulator's callback delay


def callbacks_pending(sim_url: str) -> int:
    """Callbacks the simulator still has to deliver (unknown while it does not answer)."""
    try:
        return httpx.get(f"{sim_url}/stats", timeout=10).json()["callbacks_pending"]
    except httpx.HTTPError:
        return -1


def soak(
    rows: int,
    workers: int,
    minutes: float,
    seed: int,
    kills_per_minute: float,
    restarts_per_minute: float,
    resends: int = 0,
) -> int:
    rng = random.Random(seed)
    restartable = not os.environ.get("DATABASE_URL")
    with migrated_database() as name:
        url, logs = url_for(name), Path(tempfile.mkdtemp(prefix="soak-"))
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ENRICH_CALLBACK_SECRET": SECRET,
        }
        sim_port, receiver_port = free_port(), free_port()
        sim_url, receiver_url = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{receiver_port}"
        env["ENRICH_PUBLIC_URL"] = receiver_url
        every_workflow_to(
            url, sim_url, 100_000, timeout=timedelta(seconds=4), max_attempts=6, resends=resends
        )
        sim = start(
            [ENRICH, "clay-sim", "--port", str(sim_port), "--rate", "100000", "--burst",
             "100000", "--fail-rate", "0.05", "--drop-rate", "0.05", "--duplicate-rate", "0.2",
             "--delay-min", "0.01", "--delay-max", "0.5", "--seed", str(seed)],
            env, logs / "sim.log",
        )  # fmt: skip
        receiver = start(
            [ENRICH, "serve", "--port", str(receiver_port)], env, logs / "receiver.log"
        )
        fleet: list[subprocess.Popen] = []
        kills = restarts = 0
        started = time.monotonic()
        try:
            wait_for(answers(f"{sim_url}/stats"), what="the simulator")
            wait_for(answers(f"{receiver_url}/healthz"), what="the receiver")
            people = generate.write(rows, logs / "people.csv")
            subprocess.run(
                [ENRICH, "load", str(people), "--pipeline", "company_and_person"],
                env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            worker_args = [ENRICH, "worker", "--lease", "5", "--poll-interval", "0.5"]
            fleet = [start(worker_args, env, logs / f"worker{n}.log") for n in range(workers)]
            deadline = started + minutes * 60
            # done: every batch COMPLETED and no callback left to deliver (a late one would
            # revive items of an entity that failed meanwhile), for longer than a worker's
            # POST can take (one that outlived its lease may still land and call back)
            done = "select count(*) = 0 from enrich.batches where status <> 'COMPLETED'"
            quiet_since: float | None = None
            while quiet_since is None or time.monotonic() - quiet_since < QUIET_SECONDS:
                quiet = scalar(url, done) and callbacks_pending(sim_url) == 0
                quiet_since = (quiet_since or time.monotonic()) if quiet else None
                if time.monotonic() > deadline:
                    print(f"not finished after {minutes} minutes", file=sys.stderr)
                    break
                time.sleep(1)
                if rng.random() < kills_per_minute / 60:  # a worker dies mid-flight
                    victim = fleet.pop(rng.randrange(len(fleet)))
                    victim.send_signal(signal.SIGKILL)
                    victim.wait()
                    fleet.append(start(worker_args, env, logs / f"worker-r{kills}.log"))
                    kills += 1
                if restartable and rng.random() < restarts_per_minute / 60:  # under everyone
                    restart_private_cluster()
                    restarts += 1
            try:
                stats = httpx.get(f"{sim_url}/stats", timeout=60).json()
            except httpx.HTTPError as exc:  # the simulator is swamped: report without it
                print(f"clay-sim /stats unavailable ({type(exc).__name__})", file=sys.stderr)
                stats = None
        finally:
            stop([*fleet, receiver, sim])
        return report(url, rows, kills, restarts, time.monotonic() - started, stats, logs, resends)


def report(url, rows, kills, restarts, seconds, stats, logs, resends=0) -> int:
    with psycopg.connect(url) as conn:
        figures = dict(
            zip(
                ("items", "unfinished items", "companies", "people", "entities COMPLETED",
                 "entities FAILED", "dispatches left"),
                conn.execute(
                    "with entities as ("
                    "  select status from enrich.company_workflow_states"
                    "  union all select status from enrich.person_workflow_states)"
                    " select (select count(*) from enrich.batch_items),"
                    " (select count(*) from enrich.batch_items where finished_at is null),"
                    " (select count(*) from enrich.normalized_companies),"
                    " (select count(*) from enrich.normalized_people),"
                    " (select count(*) from entities where status = 'COMPLETED'),"
                    " (select count(*) from entities where status = 'FAILED'),"
                    " (select count(*) from enrich.dispatches)"
                ).fetchone(),
                strict=True,
            )
        )  # fmt: skip
        violations = conn.execute(
            "select invariant, subject_id, detail from enrich.check_invariants()"
        ).fetchall()
    print(
        f"rows {rows:,}; {seconds:.0f} s; workers killed -9: {kills};"
        f" PostgreSQL restarts: {restarts}"
    )
    for key, value in figures.items():
        print(f"{key}: {value:,}")
    overpaid = 0
    if stats:
        billed = stats["billed_per_entity"]
        most = max(billed.values(), default=0)
        overpaid = sum(1 for count in billed.values() if count > 1 + resends)
        print(f"Clay billed {stats['billed']:,} rows for {len(billed):,} entities: spend "
              f"multiplier {stats['billed'] / max(len(billed), 1):.2f} (paid re-sends allowed: "
              f"{resends}; most billed for one entity: {most}); entities billed beyond that: "
              f"{overpaid:,}")  # fmt: skip
    print(f"invariant violations: {len(violations)}")
    for violation in violations[:20]:
        print("  ", *violation)
    lost = figures["unfinished items"]
    print(f"lost or stuck items: {lost}")
    if lost or violations or overpaid:
        print(f"logs kept in {logs}", file=sys.stderr)
        return 1
    shutil.rmtree(logs, ignore_errors=True)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pyworker.testing.soak")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--kills-per-minute", type=float, default=3)
    parser.add_argument("--restarts-per-minute", type=float, default=1)
    parser.add_argument("--resends", type=int, default=0, help="paid re-sends per entity")
    args = parser.parse_args()
    sys.exit(
        soak(
            args.rows,
            args.workers,
            args.minutes,
            args.seed,
            args.kills_per_minute,
            args.restarts_per_minute,
            args.resends,
        )
    )


if __name__ == "__main__":
    main()
