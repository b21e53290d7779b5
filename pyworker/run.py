"""`enrich run`: the main job in one command.

Migrate, start the receiver and a worker (and the Clay simulator for workflows that have no
webhook configured), load the file, show progress until the batch is done, print a summary.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import UUID

from rich.console import Console
from rich.table import Table

from pyworker import config, db, migrate, progress, receiver
from pyworker import load as loader
from pyworker.clay import simulator as clay_sim
from pyworker.servers import BackgroundServer
from pyworker.worker import Worker, WorkerSettings


@dataclass
class RunOptions:
    file: str
    pipeline: str
    concurrency: int = 16
    sim: clay_sim.SimSettings | None = None
    timeout_seconds: float | None = None


class UnknownPipeline(ValueError):
    """The pipeline named on the command line does not exist (a usage error)."""


class Waiting(Exception):
    """Everything the batch still needs waits on purpose (paused, budget spent...)."""

    def __init__(self, message: str, summary: dict) -> None:
        super().__init__(message)
        self.summary = summary


def _webhooks(url: str, pipeline: str) -> tuple[bool, bool]:
    """(some workflow of the pipeline has no webhook: the simulator plays Clay for it,
    some workflow has a real Clay webhook)."""
    with db.connect(url) as conn:
        steps = db.pipeline_steps(conn, pipeline)
        if steps is None:
            raise UnknownPipeline(f"unknown pipeline {pipeline!r} (nothing was loaded)")
        workflows = [w for w in (db.describe_workflow(conn, step) for step in steps) if w]
    return any(not w["webhooks"] for w in workflows), any(w["webhooks"] for w in workflows)


def _public_url_for_clay() -> str:
    """ENRICH_PUBLIC_URL, which must be an http(s) URL when a real Clay table calls back."""
    public_url = config.public_url() or ""
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise config.BadSetting(
            "a real Clay webhook is configured but ENRICH_PUBLIC_URL is "
            + ("not set" if not public_url else "not an http(s) URL")
            + ": Clay could never call back. Set it to the public base URL of `enrich serve`."
        )
    return public_url


def run(url: str, options: RunOptions, console: Console) -> dict:
    auth_token = config.webhook_auth_token()  # a bad one is refused before anything runs
    migrate.migrate(url)
    secret = config.callback_secrets()[0] or secrets.token_urlsafe(24)
    use_sim, uses_clay = _webhooks(url, options.pipeline)
    configured_public_url = _public_url_for_clay() if uses_clay else None
    started = time.monotonic()
    with BackgroundServer(receiver.create_app(url, secret)) as receiver_server:
        public_url = configured_public_url or receiver_server.url
        sim_settings = options.sim or clay_sim.SimSettings()
        sim_settings.callback_secret = secret
        sim_settings.auth_token = auth_token
        with contextlib.ExitStack() as stack:
            sim = None
            if use_sim:
                sim = stack.enter_context(BackgroundServer(clay_sim.create_app(sim_settings)))
                console.print(f"no webhook configured: using the Clay simulator at {sim.url}")
            with progress.loading(console) as on_progress:
                batch_id, rows = loader.load(url, options.file, options.pipeline, on_progress)
            console.print(f"loaded {rows} rows as batch {batch_id}")
            settings = WorkerSettings(
                database_url=url,
                public_url=public_url,
                auth_token=auth_token,
                concurrency=options.concurrency,
                poll_interval=1.0,
                reap_interval=5.0,
                fallback_webhook_base=f"{sim.url}/webhooks" if sim else None,
            )
            with progress.finishing(console, rows) as show:
                waiting = asyncio.run(
                    _work_until_done(url, batch_id, settings, show, options.timeout_seconds)
                )
    summary = _summary(url, batch_id, time.monotonic() - started)
    _print_summary(summary, console)
    if waiting:
        summary["waiting"] = waiting
        raise Waiting(
            "stopped: everything this batch still needs waits: "
            + "; ".join(f"{w['workflow']}: {w['reason']}" for w in waiting)
            + f". Its work goes on with `enrich worker`; see `enrich status {batch_id}`.",
            summary,
        )
    return summary


async def _work_until_done(
    url: str,
    batch_id: UUID,
    settings: WorkerSettings,
    show: Callable[[dict], None],
    timeout: float | None,
) -> None:
    """Work until the batch is done; returns why it stopped early when all its remaining work
    waits on purpose (a pause, a spent budget, no webhook left), else []."""
    worker = Worker(settings)
    deadline = time.monotonic() + timeout if timeout else None
    waiting: list[dict] = []

    async def done() -> bool:
        with db.connect(url) as conn:
            status = db.batch_status(conn, batch_id)
            if status["waiting"] and not status["done"]:
                steps = [step["step"] for step in status["steps"]]
                if db.movable_dispatches(conn, steps) == 0:
                    waiting[:] = status["waiting"]
                    return True
        show(status)
        return bool(status["done"]) or (deadline is not None and time.monotonic() > deadline)

    await worker.run(until=done)
    return waiting


def _summary(url: str, batch_id: UUID, seconds: float) -> dict:
    with db.connect(url) as conn:
        status = db.batch_status(conn, batch_id)
        batch = db.batch_summary(conn, batch_id)
        savings = db.batch_savings(conn, batch_id)
    calls = status["paid_calls"]  # the ledger: what Clay billed, or may have
    served = sum(s["items"] for s in savings)
    return {
        "batch_id": str(batch_id),
        "status": status["status"],
        "done": status["done"],
        "rows": batch["rows"],
        "companies": batch["companies"],
        "people": batch["people"],
        "items": status["items"],
        "clay_calls": calls,
        "calls_saved": served - sum(s["sent"] for s in savings),
        "steps": [{k: (str(v) if k == "step" else v) for k, v in s.items()} for s in savings],
        "seconds": round(seconds, 1),
    }


def _print_summary(summary: dict, console: Console) -> None:
    table = Table(title=f"batch {summary['batch_id']}: {summary['status']}")
    table.add_column("step", overflow="fold")  # a long workflow name wraps whole, never cut
    for column in ("items", "entities", "sent to Clay", "saved"):
        table.add_column(column, justify="right")
    for step in summary["steps"]:
        table.add_row(
            step["step"],
            f"{step['items']:,}",
            f"{step['entities']:,}",
            f"{step['sent']:,}",
            f"{step['items'] - step['sent']:,}",
        )
    console.print(table)
    items = summary["items"] or {}
    console.print(
        f"{summary['rows']} rows, {summary['companies']} unique companies, "
        f"{summary['people']} unique people; {items.get('COMPLETED', 0)} completed, "
        f"{items.get('FAILED', 0)} failed; {summary['clay_calls']} Clay calls made, "
        f"{summary['calls_saved']} saved by dedupe; {summary['seconds']} s",
        soft_wrap=True,  # one line, whatever the terminal's width
    )
