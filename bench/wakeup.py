"""Wake-up latency: from the commit that queues a dispatch to the worker's POST arriving.

Idle `enrich worker` processes (the dispatch benchmark's set-up: real subprocesses, the
simulator in its own process) wait on LISTEN. Each sample commits `enrich.create_batch`
of one row with a new company (so one new dispatch and one NOTIFY), and takes the time
when that commit returns; the simulator stamps the POST with time.time() when it arrives.
Both clocks are this machine's wall clock. The next sample starts only once the dispatch
is recorded SENT and a random 20-60 ms gap has passed, so every sample wakes idle workers.

The floor, measured in the same run: a raw NOTIFY committed by one connection and
received by another that LISTENs (psycopg, blocking notifies() in a thread).
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from psycopg.types.json import Jsonb

from bench.common import percentile, report, scratch_database, unlimited_workflows
from bench.dispatch import ENRICH, PUBLIC_URL, simulator, start
from pyworker.testing.wait import wait_for

P50_TARGET_MS = 5.0
P99_TARGET_MS = 25.0


def wakeups(url: str, samples: int, workers: int = 2) -> list[float]:
    """Commit-to-POST latencies in ms, one per sample."""
    latencies: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-wakeup-") as tmp, simulator(Path(tmp)) as sim:
        unlimited_workflows(url, sim)
        env = {**os.environ, "DATABASE_URL": url, "ENRICH_PUBLIC_URL": PUBLIC_URL}
        env.pop("CLAY_WEBHOOK_AUTH_TOKEN", None)
        procs = [start([ENRICH, "worker"], env, Path(tmp), f"w{n}") for n in range(workers)]
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                listening = (
                    "select count(*) from pg_stat_activity"
                    " where datname = current_database() and query = 'listen enrich_dispatch'"
                )
                wait_for(lambda: conn.execute(listening).fetchone()[0] == workers, 30, "LISTEN")
                time.sleep(0.5)
                tag = uuid.uuid4().hex[:8]
                with httpx.Client(base_url=sim, timeout=10) as http:
                    for n in range(samples):
                        row = {"company_domain": f"w{n}-{tag}.com", "company_name": f"Wake {n}"}
                        conn.execute("select enrich.create_batch('company', %s)", (Jsonb([row]),))
                        committed = time.time()
                        arrived = _arrival(http, n + 1)
                        latencies.append((arrived - committed) * 1000)
                        wait_for(
                            lambda: conn.execute(
                                "select count(*) = 0 from enrich.dispatches where status <> 'SENT'"
                            ).fetchone()[0],
                            10,
                            "the send to be recorded",
                            interval=0.005,
                        )
                        time.sleep(random.uniform(0.02, 0.06))
        finally:
            for proc in procs:
                proc.stop()
    return latencies


def _arrival(http: httpx.Client, count: int) -> float:
    """time.time() at which the simulator received POST number `count`."""
    deadline = time.monotonic() + 10
    while True:
        times = http.get("/stats").json()["accepted_times"]
        if len(times) >= count:
            if len(times) > count:
                raise RuntimeError(f"{len(times)} POSTs for {count} entities")
            return times[count - 1]
        if time.monotonic() > deadline:
            raise RuntimeError("no POST within 10 s")
        time.sleep(0.002)


def notify_floor(url: str, samples: int) -> list[float]:
    """Raw LISTEN/NOTIFY: commit of pg_notify to its receipt by a listening connection."""
    received: list[float] = []
    ready = threading.Event()

    def listen() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("listen bench_floor")
            ready.set()
            for _ in conn.notifies(stop_after=samples, timeout=60):
                received.append(time.time())

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    ready.wait(10)
    sent: list[float] = []
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(samples):
            conn.execute("select pg_notify('bench_floor', '')")
            sent.append(time.time())
            deadline = time.monotonic() + 5
            while len(received) < len(sent) and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(random.uniform(0.005, 0.015))
    thread.join(10)
    return [(r - s) * 1000 for s, r in zip(sent, received, strict=False)]


def main(quick: bool) -> None:
    samples = 100 if quick else 300
    with scratch_database() as url:
        floor = notify_floor(url, samples)
        latencies = wakeups(url, samples)
    rows = [
        {
            "path": name,
            "samples": len(values),
            "p50 ms": percentile(values, 0.5),
            "p90 ms": percentile(values, 0.9),
            "p99 ms": percentile(values, 0.99),
            "max ms": max(values),
        }
        for name, values in (
            ("commit -> worker POST arrives", latencies),
            ("raw NOTIFY commit -> receipt (floor)", floor),
        )
    ]
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    report(
        "wakeup",
        "Wake-up latency (2 idle `enrich worker` processes, simulator in its own process)",
        rows,
        {
            f"target p50 <= {P50_TARGET_MS} ms": "met" if p50 <= P50_TARGET_MS else "MISSED",
            f"target p99 <= {P99_TARGET_MS} ms": "met" if p99 <= P99_TARGET_MS else "MISSED",
        },
    )
