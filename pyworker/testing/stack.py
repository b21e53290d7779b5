"""Test support: the real stack on loopback — receiver, Clay simulator and workers."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import psycopg
from psycopg.types.json import Jsonb

from pyworker import db, receiver
from pyworker.builtins import COMPANY_WORKFLOW, PERSON_WORKFLOW
from pyworker.clay import simulator as clay_sim
from pyworker.servers import BackgroundServer
from pyworker.testing.wait import wait_for  # noqa: F401  (re-exported for the tests)
from pyworker.worker import Worker, WorkerSettings

SECRET = "test-callback-secret"
COMPANY = COMPANY_WORKFLOW
PERSON = PERSON_WORKFLOW


class Stack:
    def __init__(self, db_url: str, receiver_server: BackgroundServer, sim: BackgroundServer):
        self.db_url = db_url
        self.receiver = receiver_server
        self.sim = sim

    def configure(self, slug: str, **settings: object) -> None:
        """The workflow posts to this stack's simulator, with these settings (set_workflow's
        parameter names without p_)."""
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            webhook = f"{self.sim.url}/webhooks/{slug}"
            db.set_workflow(conn, slug, webhook_urls=[webhook], **settings)
            conn.execute("update enrich.workflows set rate_tokens = burst where slug = %s", (slug,))
            conn.execute(
                "update enrich.workspaces s set rate_tokens = s.burst from enrich.workflows w"
                " where w.slug = %s and s.name = w.workspace",
                (slug,),
            )

    def stats(self) -> dict:
        return httpx.get(f"{self.sim.url}/stats").json()

    def worker_settings(self, **overrides: object) -> WorkerSettings:
        defaults = WorkerSettings(
            database_url=self.db_url,
            public_url=self.receiver.url,
            poll_interval=0.3,
            reap_interval=0.5,
            lease_seconds=30,
            shutdown_grace=5,
        )
        return dataclasses.replace(defaults, **overrides)

    @contextmanager
    def workers(self, count: int = 1, **overrides: object) -> Iterator[list[Worker]]:
        """Run `count` workers, each on its own thread and event loop, until the block ends."""
        workers = [Worker(self.worker_settings(**overrides)) for _ in range(count)]
        loops: list[asyncio.AbstractEventLoop] = []
        threads = []
        for worker in workers:
            loop = asyncio.new_event_loop()
            loops.append(loop)
            thread = threading.Thread(
                target=loop.run_until_complete, args=(worker.run(),), daemon=True
            )
            thread.start()
            threads.append(thread)
        try:
            yield workers
        finally:
            for worker, loop in zip(workers, loops, strict=True):
                loop.call_soon_threadsafe(worker.stop)
            for thread in threads:
                thread.join(timeout=30)


@contextmanager
def running_stack(
    db_url: str, receiver_url: str | None = None, **sim_settings: object
) -> Iterator[Stack]:
    """receiver_url: the receiver's own connection (e.g. as an enrich_receiver login)."""
    defaults = clay_sim.SimSettings(
        callback_secret=SECRET,
        rate_per_second=1000,
        burst=1000,
        delay_min=0.01,
        delay_max=0.05,
        seed=1,
    )
    settings = dataclasses.replace(defaults, **sim_settings)
    with (
        BackgroundServer(receiver.create_app(receiver_url or db_url, SECRET)) as receiver_server,
        BackgroundServer(clay_sim.create_app(settings)) as sim,
    ):
        stack = Stack(db_url, receiver_server, sim)
        stack.configure(COMPANY, rate_per_second=1000, burst=1000)
        stack.configure(PERSON, rate_per_second=1000, burst=1000)
        yield stack


def create_batch(db_url: str, pipeline: str, rows: list[dict]) -> str:
    with psycopg.connect(db_url, autocommit=True) as conn:
        return conn.execute(
            "select enrich.create_batch(%s, %s)", (pipeline, Jsonb(rows))
        ).fetchone()[0]


def batches_done(db_url: str) -> bool:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select count(*) = 0 from enrich.batches where status <> 'COMPLETED'"
        ).fetchone()[0]


def scalar(db_url: str, query: str, params: tuple = ()) -> object:
    with psycopg.connect(db_url) as conn:
        return conn.execute(query, params).fetchone()[0]
