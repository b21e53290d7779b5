"""`enrich`: the admin CLI (typer)."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import sys
from datetime import UTC
from pathlib import Path
from uuid import UUID

import psycopg
import typer
from rich.console import Console
from rich.table import Table

from pyworker import config, db, demo, migrate, progress
from pyworker import load as loader
from pyworker.durations import parse_duration

app = typer.Typer(help="enrich-once: enrich every company and person once.", no_args_is_help=True)
db_app = typer.Typer(
    help="Database: migrations and the private default cluster.", no_args_is_help=True
)
workflow_app = typer.Typer(help="Enrichment workflows (one Clay table each).", no_args_is_help=True)
workspace_app = typer.Typer(
    help="Clay workspaces: the rate limit and credits their workflows share.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(workflow_app, name="workflow")
app.add_typer(workspace_app, name="workspace")

err = Console(stderr=True)
JSON_OPTION = typer.Option(False, "--json", help="Machine-readable output.")


def _webhook_auth_token() -> str | None:
    try:
        return config.webhook_auth_token()
    except config.BadSetting as exc:
        _fail(str(exc), 2)


INT_MAX = 2**31 - 1  # PostgreSQL's integer


def _token(value: str) -> str | None:
    """A --webhook-token: '-' for none, env:NAME for the variable NAME's value."""
    if value == "-":
        return None
    if value.startswith("env:"):
        name = value[4:]
        if not os.environ.get(name, "").strip():
            _fail(f"--webhook-token {value}: the environment variable {name} is not set", 2)
        value = os.environ[name]
    try:
        return config.checked_token(value, "--webhook-token")
    except config.BadSetting as exc:
        _fail(str(exc), 2)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/] {message}")
    raise typer.Exit(code)


def _duration(value: str | None, option: str):
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        _fail(f"{option}: {exc}", 2)


# -- db ---------------------------------------------------------------------------------------
@db_app.command("migrate")
def db_migrate() -> None:
    """Apply pending migrations and (re)apply sql/; running it twice changes nothing."""
    applied = migrate.migrate(config.database_url())
    typer.echo(f"applied {len(applied)} migration(s){': ' + ', '.join(applied) if applied else ''}")
    typer.echo(f"re-applied {len(migrate.sql_files())} file(s) from sql/")


@db_app.command("status")
def db_status(as_json: bool = JSON_OPTION) -> None:
    """Applied and pending migrations."""
    status = migrate.migration_status(config.database_url())
    if as_json:
        typer.echo(json.dumps({"applied": status.applied, "pending": status.pending}))
        return
    for mid in status.applied:
        typer.echo(f"applied  {mid}")
    for mid in status.pending:
        typer.echo(f"pending  {mid}")


@db_app.command("up")
def db_up() -> None:
    """Start the private cluster under the project folder (initdb on first use)."""
    from pyworker.localdb import default_cluster

    typer.echo(default_cluster().ensure_running())


@db_app.command("down")
def db_down() -> None:
    """Stop the private cluster."""
    from pyworker.localdb import default_cluster

    typer.echo("stopped" if default_cluster().stop() else "not running")


@db_app.command("url")
def db_url() -> None:
    """Print the database URL in use (DATABASE_URL, else the private cluster's)."""
    typer.echo(config.database_url())


# -- workflows --------------------------------------------------------------------------------
@workflow_app.command("set")
def workflow_set(
    slug: str,
    webhook_url: list[str] | None = typer.Option(
        None,
        "--webhook-url",
        help="Clay webhook URL; repeat for several (used in order, rotated at the cap).",
    ),
    timeout: str | None = typer.Option(None, help="Callback deadline per attempt, e.g. 30m."),
    max_attempts: int | None = typer.Option(
        None, min=1, max=1000, help="Attempts before an entity FAILS."
    ),
    rate: float | None = typer.Option(
        None, min=0.001, help="Rows per second, all workers together."
    ),
    burst: int | None = typer.Option(None, min=1, help="Token-bucket burst."),
    ttl: str | None = typer.Option(
        None, help="Re-enrich results older than this (e.g. 30d); 'none' = never."
    ),
    entity_type: str | None = typer.Option(None, help="company or person (new workflows)."),
    credits_per_call: float | None = typer.Option(None, min=0, help="Clay credits one call costs."),
    max_submissions: int | None = typer.Option(
        None, min=1, max=INT_MAX, help="Submissions per webhook before it is retired (Clay: 50000)."
    ),
    webhook_token: list[str] | None = typer.Option(
        None,
        "--webhook-token",
        help="The x-clay-webhook-auth token of each --webhook-url, in the same order ('-' for "
        "none; env:NAME reads it from the environment variable NAME, keeping it out of the "
        "process list and shell history); overrides CLAY_WEBHOOK_AUTH_TOKEN for that webhook. "
        "Never printed.",
    ),
    workspace: str | None = typer.Option(
        None, help="The Clay workspace whose rate limit and credits it uses (enrich workspace)."
    ),
    resends: int | None = typer.Option(
        None,
        min=0,
        max=100,
        help="Paid re-sends an entity may get when no callback came by the deadline "
        "(default 0: it FAILS with no_callback; each re-send is paid again).",
    ),
    daily_budget: str | None = typer.Option(
        None, help="Paid calls per UTC day, all workers together; 'none' = unlimited."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Configure an enrichment workflow."""
    for url in webhook_url or []:
        if not url.startswith(("http://", "https://")):
            _fail(f"--webhook-url {url!r} is not an http(s) URL", 2)
    if webhook_token and len(webhook_token) != len(webhook_url or []):
        _fail("give one --webhook-token per --webhook-url, in the same order ('-' for none)", 2)
    if entity_type not in (None, "company", "person"):
        _fail("--entity-type must be company or person", 2)
    settings = {
        "webhook_urls": webhook_url or None,
        "timeout": _duration(timeout, "--timeout"),
        "max_attempts": max_attempts,
        "rate_per_second": rate,
        "burst": burst,
        "entity_type": entity_type,
        "credits_per_call": credits_per_call,
        "max_submissions": max_submissions,
        "workspace": workspace,
        "resends": resends,
        "webhook_auth_tokens": [_token(t) for t in webhook_token] if webhook_token else None,
    }
    if daily_budget is not None and daily_budget.lower() == "none":
        settings["clear_daily_budget"] = True
    elif daily_budget is not None:
        if not daily_budget.isdigit() or int(daily_budget) > INT_MAX:
            _fail("--daily-budget must be a whole number of paid calls (or 'none')", 2)
        settings["daily_budget"] = int(daily_budget)
    if ttl is not None and ttl.lower() == "none":
        settings["clear_ttl"] = True
    else:
        settings["ttl"] = _duration(ttl, "--ttl")
    try:
        with db.connect(config.database_url()) as conn:
            described = db.set_workflow(
                conn, slug, **{k: v for k, v in settings.items() if v is not None}
            )
    except psycopg.Error as exc:
        _fail(exc.diag.message_primary or str(exc), 2)
    _print_workflow(described, as_json)


@workflow_app.command("pause")
def workflow_pause(slug: str, as_json: bool = JSON_OPTION) -> None:
    """Stop dispatching at once (in-flight POSTs finish; callbacks are still received)."""
    _pause(slug, True, as_json)


@workflow_app.command("resume")
def workflow_resume(slug: str, as_json: bool = JSON_OPTION) -> None:
    """Dispatch again after `enrich workflow pause`."""
    _pause(slug, False, as_json)


def _pause(slug: str, paused: bool, as_json: bool) -> None:
    try:
        with db.connect(config.database_url()) as conn:
            described = db.pause_workflow(conn, slug, paused)
    except psycopg.Error as exc:
        _fail(exc.diag.message_primary or str(exc), 2)
    if as_json:
        typer.echo(json.dumps(described))
    else:
        typer.echo(f"{slug}: {'paused' if paused else 'resumed'}")


@workflow_app.command("show")
def workflow_show(slug: str, as_json: bool = JSON_OPTION) -> None:
    """One workflow: settings and webhooks with their remaining submissions."""
    with db.connect(config.database_url()) as conn:
        described = db.describe_workflow(conn, slug)
    if described is None:
        _fail(f"unknown workflow {slug!r}")
    _print_workflow(described, as_json)


@workflow_app.command("list")
def workflow_list(as_json: bool = JSON_OPTION) -> None:
    """Every workflow."""
    with db.connect(config.database_url()) as conn:
        workflows = db.list_workflows(conn)
    if as_json:
        typer.echo(json.dumps(workflows))
        return
    for described in workflows:
        _print_workflow(described, False)


def _print_workflow(described: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(described))
        return
    table = Table(title=f"workflow {described['slug']} ({described['entity_type']})")
    table.add_column("setting")
    table.add_column("value")
    for key in (
        "workspace",
        "timeout_seconds",
        "max_attempts",
        "resends",
        "rate_per_second",
        "burst",
        "ttl_seconds",
        "credits_per_call",
        "daily_budget",
        "paid_calls_today",
    ):
        table.add_row(key, str(described[key]))
    table.add_row("paused", "yes" if described["paused"] else "no")
    if described["waiting"]:
        table.add_row("waiting", described["waiting"])
    for hook in described["webhooks"]:
        state = (
            "full"
            if hook["full"]
            else "retired"
            if hook["retired"]
            else (f"{hook['remaining']} left")
        )
        warning = (
            " [yellow]over 90% used[/]"
            if not hook["retired"] and hook["submissions"] >= 0.9 * hook["max_submissions"]
            else ""
        )
        token = ", own auth token" if hook["has_auth_token"] else ""
        table.add_row(
            f"webhook {hook['position']}",
            f"{hook['url']} ({hook['submissions']} sent, {state}{token}){warning}",
        )
    if not described["webhooks"]:
        table.add_row("webhook", "none configured")
    Console().print(table)


# -- workspaces -------------------------------------------------------------------------------
@workspace_app.command("set")
def workspace_set(
    name: str,
    rate: float | None = typer.Option(
        None, min=0.001, help="Rows per second across the workspace (Clay: about 10)."
    ),
    burst: int | None = typer.Option(None, min=1, help="Token-bucket burst (Clay: about 20)."),
    daily_credits: str | None = typer.Option(
        None,
        help="Credits per UTC day across its workflows (each at its --credits-per-call); "
        "'none' = unlimited.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create or update a workspace."""
    clear = daily_credits is not None and daily_credits.lower() == "none"
    credits = None
    if daily_credits is not None and not clear:
        try:
            credits = float(daily_credits)
        except ValueError:
            _fail("--daily-credits must be a number or 'none'", 2)
        if credits < 0:
            _fail("--daily-credits must not be negative", 2)
    try:
        with db.connect(config.database_url()) as conn:
            described = db.set_workspace(conn, name, rate, burst, credits, clear)
    except psycopg.Error as exc:
        _fail(exc.diag.message_primary or str(exc), 2)
    _print_workspaces([described], as_json)


@workspace_app.command("list")
def workspace_list(as_json: bool = JSON_OPTION) -> None:
    """Every workspace: rate limit, daily credits and what was spent today, its workflows."""
    with db.connect(config.database_url()) as conn:
        _print_workspaces(db.list_workspaces(conn), as_json)


def _print_workspaces(workspaces: list[dict], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(workspaces, default=float))
        return
    table = Table(title="workspaces")
    for column in ("name", "rate/s", "burst", "credits today", "workflows"):
        table.add_column(column)
    for ws in workspaces:
        limit = "unlimited" if ws["daily_credits"] is None else f"{ws['daily_credits']:g}"
        table.add_row(
            ws["name"],
            f"{ws['rate_per_second']:g}",
            str(ws["burst"]),
            f"{ws['credits_spent_today']:g} / {limit}",
            ", ".join(ws["workflows"]) or "-",
        )
    Console().print(table)


# -- the job ----------------------------------------------------------------------------------
@app.command("load")
def load_command(
    file: str = typer.Argument(..., help="CSV or JSONL file (gzip ok), or - for stdin."),
    pipeline: str = typer.Option(
        ..., "--pipeline", help="company or company_and_person (or yours)."
    ),
    parts: int | None = typer.Option(
        None,
        min=1,
        help="Connections that load the file at once, each in its own transaction (default: "
        f"{loader.PARTS} for files of {loader.PARTS_FROM_BYTES // 2**20} MB or more, else 1; "
        "1: one transaction, all or nothing).",
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Show what the load would cost (new paid Clay calls per workflow) and load "
        "nothing. Keys the whole file in a transaction it rolls back: about as long as a load.",
    ),
    max_new_calls: int | None = typer.Option(
        None,
        min=0,
        help="Refuse the load (nothing loaded, nothing paid) if it needs more new paid Clay "
        "calls than this. The load then runs in one transaction.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Load a file as one batch; the last stdout line is the batch id."""
    if max_new_calls is not None and parts not in (None, 1):
        _fail(
            "--max-new-calls loads in one transaction (so nothing can be sent before the "
            "check): leave out --parts",
            2,
        )
    try:
        if dry_run:
            with progress.loading(err) as on_progress:
                rows, estimate = loader.estimate(config.database_url(), file, pipeline, on_progress)
            _print_estimate(rows, estimate, as_json)
            if max_new_calls is not None and _new_calls(estimate) > max_new_calls:
                _fail(f"it needs {_new_calls(estimate):,} new paid calls, over --max-new-calls")
            return
        with progress.loading(err) as on_progress:
            batch_id, rows = loader.load(
                config.database_url(),
                file,
                pipeline,
                on_progress,
                parts=parts,
                max_new_calls=max_new_calls,
            )
    except loader.OverCallLimit as exc:
        _print_estimate(None, exc.estimate, as_json, out=err)
        _fail(f"{file}: {exc} (nothing was loaded)")
    except loader.LoadError as exc:
        _fail(f"{file}: {exc} (nothing was loaded)")
    except psycopg.Error as exc:
        if exc.sqlstate == "EN004":
            _fail(f"unknown pipeline {pipeline!r} (nothing was loaded)")
        raise
    err.print(f"loaded {rows} rows")
    if as_json:
        typer.echo(json.dumps({"batch_id": str(batch_id), "rows": rows}))
    typer.echo(str(batch_id))


def _table(title: str, columns: dict[str, str], rows: list[dict]) -> Table:
    """A table of rows (dicts): one column per key of `columns`, headed by its value."""
    table = Table(title=title)
    for n, heading in enumerate(columns.values()):  # names wrap whole rather than cut short
        table.add_column(heading, justify="left" if n == 0 else "right", overflow="fold")
    for row in rows:
        table.add_row(
            *(
                "-"
                if row[key] is None
                else f"{row[key]:,}"
                if type(row[key]) is int
                else str(row[key])
                for key in columns
            )
        )
    return table


def _new_calls(estimate: list[dict]) -> int:
    return sum(row["new_calls"] for row in estimate)


def _print_estimate(
    rows: int | None, estimate: list[dict], as_json: bool, out: Console | None = None
) -> None:
    if as_json and out is None:
        typer.echo(
            json.dumps(
                {"rows": rows, "new_paid_calls": _new_calls(estimate), "workflows": estimate}
            )
        )
        return
    columns = {
        "workflow_slug": "workflow",
        "rows_reaching": "rows",
        "unique_entities": "unique entities",
        "already_fresh": "fresh (free)",
        "in_flight": "in flight (free)",
        "already_failed": "failed before (free)",
        "new_calls": "NEW PAID CALLS",
    }
    title = "what this load would cost" + (f" ({rows:,} rows)" if rows else "")
    table = _table(title, columns, estimate)
    console = out or _wide_console()
    console.print(table)
    if estimate:
        console.print(
            f"{estimate[0]['failed_at_split']:,} row(s) would fail at split (no company key); "
            f"{_new_calls(estimate):,} new paid Clay call(s) in all"
        )


@app.command("worker")
def worker_command(
    concurrency: int = typer.Option(16, min=1, help="POSTs in flight at once."),
    poll_interval: float = typer.Option(2.0, min=0.1, help="Seconds between polls when idle."),
    use_simulator: str | None = typer.Option(
        None, help="Base URL of a clay-sim for workflows with no webhook configured."
    ),
    lease: float = typer.Option(
        120.0, min=1, help="Seconds a claim is held before another worker may take it."
    ),
    shutdown_grace: float = typer.Option(
        20.0, min=0, help="Seconds in-flight POSTs may finish after SIGINT/SIGTERM."
    ),
) -> None:
    """Run a worker until SIGINT/SIGTERM (graceful: in-flight work finishes or is handed back)."""
    from pyworker.worker import Worker, WorkerSettings

    public_url = os.environ.get("ENRICH_PUBLIC_URL")
    if not public_url:
        _fail("ENRICH_PUBLIC_URL is not set: Clay needs the receiver's public base URL", 2)
    settings = WorkerSettings(
        database_url=config.database_url(),
        public_url=public_url,
        auth_token=_webhook_auth_token(),
        concurrency=concurrency,
        poll_interval=poll_interval,
        lease_seconds=lease,
        shutdown_grace=shutdown_grace,
        fallback_webhook_base=f"{use_simulator.rstrip('/')}/webhooks" if use_simulator else None,
    )
    asyncio.run(Worker(settings).run())


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="Port to bind."),
    insecure_no_secret: bool = typer.Option(
        False, "--insecure-no-secret", help="Accept callbacks without a secret (local use only)."
    ),
) -> None:
    """Run the callback receiver (POST /callbacks/{workflow}, GET /healthz, GET /metrics)."""
    import uvicorn

    from pyworker import receiver

    secret = os.environ.get("ENRICH_CALLBACK_SECRET")
    if not secret and not insecure_no_secret:
        _fail(
            "ENRICH_CALLBACK_SECRET is not set; refusing to accept unauthenticated callbacks "
            "(use --insecure-no-secret for local experiments)",
            2,
        )
    uvicorn.run(
        receiver.create_app(
            config.database_url(),
            secret or None,
            os.environ.get("ENRICH_CALLBACK_SECRET_PREVIOUS") or None,
        ),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


@app.command("clay-sim")
def clay_sim_command(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8100),
    rate: float = typer.Option(10.0, help="Accepted rows per second (workspace limit)."),
    burst: int = typer.Option(20),
    max_submissions: int = typer.Option(50_000, help="Submissions per webhook URL."),
    delay_min: float = typer.Option(0.05, help="Seconds before the callback, at least."),
    delay_max: float = typer.Option(0.3, help="Seconds before the callback, at most."),
    fail_rate: float = typer.Option(0.0, min=0, max=1, help="Share of POSTs answered 500."),
    drop_rate: float = typer.Option(0.0, min=0, max=1, help="Share of callbacks never sent."),
    duplicate_rate: float = typer.Option(0.0, min=0, max=1, help="Share of callbacks sent twice."),
    no_callback_rate: float = typer.Option(
        0.0, min=0, max=1, help="Share of rows accepted and billed but never called back."
    ),
    table_cap: int | None = typer.Option(
        None, min=0, help="Rows per webhook's table; past it: 200, not billed, no callback."
    ),
    seed: int | None = typer.Option(None, help="Random seed for reproducible faults."),
    callback_concurrency: int = typer.Option(
        32, min=1, help="Callbacks in flight at once, at most (the others wait their turn)."
    ),
) -> None:
    """Run a local Clay look-alike: webhooks at /webhooks/{name}, stats at /stats."""
    import uvicorn

    from pyworker.clay import simulator as clay_sim

    settings = clay_sim.SimSettings(
        auth_token=_webhook_auth_token(),
        callback_secret=os.environ.get("ENRICH_CALLBACK_SECRET"),
        rate_per_second=rate,
        burst=burst,
        max_submissions=max_submissions,
        delay_min=delay_min,
        delay_max=delay_max,
        fail_rate=fail_rate,
        drop_rate=drop_rate,
        duplicate_rate=duplicate_rate,
        no_callback_rate=no_callback_rate,
        table_cap=table_cap,
        seed=seed,
        callback_concurrency=callback_concurrency,
    )
    uvicorn.run(
        clay_sim.create_app(settings), host=host, port=port, log_level="warning", access_log=False
    )


@app.command("run")
def run_command(
    file: str = typer.Argument(..., help="CSV or JSONL file."),
    pipeline: str = typer.Option(..., "--pipeline"),
    concurrency: int = typer.Option(16, min=1),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON too."),
) -> None:
    """Load + worker + receiver (+ clay-sim when no webhook is configured) until done."""
    from pyworker import run

    console = Console(stderr=as_json)
    try:
        summary = run.run(
            config.database_url(), run.RunOptions(file, pipeline, concurrency), console
        )
    except config.BadSetting as exc:
        _fail(str(exc), 2)
    except loader.LoadError as exc:
        _fail(f"{file}: {exc} (nothing was loaded)")
    except run.Waiting as exc:
        if as_json:  # the summary (with "waiting") all the same, for scripts
            typer.echo(json.dumps(exc.summary, default=str))
        _fail(str(exc), 1)
    if as_json:
        typer.echo(json.dumps(summary, default=str))


@app.command("status")
def status_command(
    batch: UUID | None = typer.Argument(None, help="A batch id; all recent batches if omitted."),
    as_json: bool = JSON_OPTION,
    watch: bool = typer.Option(False, "--watch", help="Redraw every 2 s until the batch is done."),
) -> None:
    """Progress per step; --json has "done": true once the batch is COMPLETED."""
    import time

    while True:
        with db.connect(config.database_url()) as conn:
            statuses = [db.batch_status(conn, batch)] if batch else db.recent_batches(conn)
        if batch and statuses[0] is None:
            _fail(f"unknown batch {batch}")
        if as_json:
            typer.echo(json.dumps(statuses[0] if batch else statuses, default=str))
        else:
            if watch:
                Console().clear()
            _print_statuses(statuses)
        if not watch or all(s["done"] for s in statuses):
            return
        time.sleep(2)


STEP_STATUSES = ("PENDING", "IN_PROGRESS", "WAITING", "COMPLETED", "FAILED")


def _print_statuses(statuses: list[dict]) -> None:
    """One table per batch with a progress bar per step. An item is finished with a step once
    it is COMPLETED or FAILED there, or FAILED at an earlier step (it will never reach it)."""
    from rich.progress_bar import ProgressBar

    console = _wide_console()
    for status in statuses:
        table = Table(
            title=f"batch {status['batch_id']} ({status['pipeline']}): "
            f"{status['status']}, {status['rows']:,} rows"
        )
        table.add_column("step", no_wrap=True)
        table.add_column("finished", width=20)
        table.add_column("", justify="right")
        for name in STEP_STATUSES:
            table.add_column(name.lower(), justify="right")
        rows = max(status["rows"], 1)
        active_so_far = 0
        for step in status["steps"] or []:
            counts = step["counts"]
            active_so_far += sum(counts.get(n, 0) for n in ("PENDING", "IN_PROGRESS", "WAITING"))
            finished = status["rows"] - active_so_far
            table.add_row(
                step["step"],
                ProgressBar(total=rows, completed=finished, width=20),
                f"{100 * finished // rows}%",
                *(f"{counts.get(n, 0):,}" for n in STEP_STATUSES),
            )
        console.print(table)
        if "paid_calls" in status:
            console.print(
                f"  paid Clay calls: {status['paid_calls']:,}; rows served without a call of "
                f"their own: {status['calls_saved']:,}",
                markup=False,
            )
        for wait in status.get("waiting") or []:
            console.print(f"  waiting: {wait['workflow']}: {wait['reason']}", markup=False)
        for failure in status["failures"]:
            console.print(
                f"  {failure['items']:,} item(s) FAILED at {failure['step']}: {failure['error']}"
            )


def _wide_console() -> Console:
    """The terminal's width on a terminal; wide enough for whole workflow names elsewhere."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


@app.command("export")
def export_command(
    batch: UUID,
    format: str = typer.Option("jsonl", "--format", help="csv or jsonl"),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
) -> None:
    """Every item of a batch with its keys, step statuses and enrichment results."""
    if format not in ("csv", "jsonl"):
        _fail("--format must be csv or jsonl", 2)
    out = open(output, "w", newline="") if output else sys.stdout  # noqa: SIM115
    try:
        with db.connect(config.database_url(), autocommit=False) as conn:
            if db.batch_status(conn, batch) is None:
                _fail(f"unknown batch {batch}")
            records = db.export_batch(conn, batch)
            if format == "jsonl":
                for record in records:
                    out.write(json.dumps(record, default=str) + "\n")
            else:
                writer = csv.DictWriter(
                    out, fieldnames=_csv_columns(db.export_columns(conn, batch))
                )
                writer.writeheader()
                for record in records:  # streamed: constant memory whatever the batch size
                    writer.writerow(_flatten(record))
    finally:
        if output:
            out.close()


def _flatten(record: dict) -> dict:
    flat = {
        "row_number": record["row_number"],
        "item_id": record["item_id"],
        "status": record["status"],
        "company_key": record["company_key"],
        "person_key": record["person_key"],
    }
    flat.update({k: v for k, v in (record["input"] or {}).items() if k not in flat})
    flat.update({f"step.{k}": v for k, v in (record["steps"] or {}).items()})
    flat.update({f"error.{k}": v for k, v in (record["errors"] or {}).items()})
    for entity in ("company", "person"):
        for key, value in (record[entity] or {}).items():
            flat[f"{entity}.{key}"] = (
                json.dumps(value) if isinstance(value, (dict, list)) else value
            )
    return flat


def _csv_columns(keys: dict[str, list[str]]) -> list[str]:
    """The CSV header, known before the first row (export_columns reads every key once)."""
    return [
        "row_number",
        "item_id",
        "status",
        "company_key",
        "person_key",
        *[k for k in keys["input"] if k not in ("row_number", "item_id", "status")],
        *[f"step.{s}" for s in keys["steps"]],
        *[f"error.{s}" for s in keys["steps"]],
        *[f"company.{k}" for k in keys["company"]],
        *[f"person.{k}" for k in keys["person"]],
    ]


@app.command("demo")
def demo_command() -> None:
    """The seed plan's Stage 7 scenario through SQL (Clay played by SQL calls)."""
    demo.run(config.database_url(), Console())


# -- operations -------------------------------------------------------------------------------
pipeline_app = typer.Typer(help="Pipelines: named ordered steps.", no_args_is_help=True)
app.add_typer(pipeline_app, name="pipeline")


@pipeline_app.command("list")
def pipeline_list(as_json: bool = JSON_OPTION) -> None:
    """Every pipeline and its steps."""
    with db.connect(config.database_url()) as conn:
        pipelines = db.list_pipelines(conn)
    if as_json:
        typer.echo(json.dumps(pipelines))
        return
    for pipeline in pipelines:
        typer.echo(f"{pipeline['name']}: {' -> '.join(pipeline['steps'])}")


@pipeline_app.command("set")
def pipeline_set(name: str, steps: list[str] = typer.Argument(..., help="Steps in order.")) -> None:
    """Create or replace a pipeline: normalize_all_core_values split WORKFLOW..."""
    try:
        with db.connect(config.database_url()) as conn:
            db.set_pipeline(conn, name, steps)
    except psycopg.Error as exc:
        _fail(exc.diag.message_primary or str(exc), 2)
    typer.echo(f"{name}: {' -> '.join(steps)}")


@app.command("doctor")
def doctor_command(as_json: bool = JSON_OPTION) -> None:
    """Check connection, migrations, workflow configuration and the invariants; exit 1 on any
    violation."""
    url = config.database_url()
    status = migrate.migration_status(url)
    with db.connect(url) as conn:
        violations = db.check_invariants(conn)
        workflows = db.list_workflows(conn)
        waiting = db.dispatch_wait_reasons(conn)
    problems = [
        {"invariant": "migration_pending", "subject_id": m, "detail": "run enrich db migrate"}
        for m in status.pending
    ]
    problems += violations
    notes = []
    for workflow in workflows:
        live = [w for w in workflow["webhooks"] if not w["retired"]]
        if not workflow["webhooks"]:
            notes.append(
                f"{workflow['slug']}: no webhook configured (enrich run uses the simulator)"
            )
        elif not live:
            notes.append(
                f"{workflow['slug']}: every webhook is full or retired: its work waits until "
                "you add the next Clay webhook (enrich workflow set --webhook-url)"
            )
        else:
            left = sum(w["remaining"] for w in live)
            notes.append(f"{workflow['slug']}: {len(live)} webhook(s), {left} submissions left")
            for hook in live:
                if hook["submissions"] >= 0.9 * hook["max_submissions"]:
                    notes.append(
                        f"{workflow['slug']}: webhook {hook['position']} is over 90% used "
                        f"({hook['remaining']} submissions left): add the next Clay webhook"
                    )
    # notices, not violations: work that waits on purpose (exit 0)
    notices = [
        {
            "workflow": w["workflow_slug"],
            "kind": w["kind"],
            "queued": w["queued"],
            "reason": w["reason"],
        }
        for w in waiting
    ]
    if as_json:
        typer.echo(
            json.dumps(
                {"ok": not problems, "violations": problems, "workflows": notes, "notices": notices}
            )
        )
    else:
        typer.echo(
            f"database: ok; migrations: {len(status.applied)} applied, "
            f"{len(status.pending)} pending"
        )
        for note in notes:
            typer.echo(f"workflow {note}")
        for notice in notices:
            typer.echo(
                f"NOTICE {notice['workflow']}: {notice['queued']} dispatch(es) wait: "
                f"{notice['reason']}"
            )
        for problem in problems:
            typer.echo(
                f"VIOLATION {problem['invariant']} {problem['subject_id']}: {problem['detail']}"
            )
        typer.echo("all invariants hold" if not problems else f"{len(problems)} violation(s)")
    if problems:
        raise typer.Exit(1)


YES_OPTION = typer.Option(
    False, "--yes", "-y", help="Do not ask (needed without a terminal): each entity is paid again."
)


def _confirm_paid(action: str, run, yes: bool, workflow: str | None) -> int:
    """Commands that spend say so first: count what the action would send again (in a
    transaction rolled back), ask on a terminal (or require --yes), then do it, refusing
    if by then it would send more than was confirmed."""
    url = config.database_url()
    with db.connect(url, autocommit=False) as conn:
        try:
            count = run(conn)
        finally:
            conn.rollback()
        resends = max(
            (w["resends"] for w in db.list_workflows(conn) if workflow in (None, w["slug"])),
            default=0,
        )
    if not count:
        return 0
    cost = f"{count:,} paid call(s)" + (
        f", up to {count * (1 + resends):,} with the paid re-sends the workflow allows"
        if resends
        else ""
    )
    if not yes:
        if not sys.stdin.isatty():
            _fail(
                f"{action} would send {count:,} entities to Clay again ({cost}); "
                "re-run with --yes to confirm",
                1,
            )
        typer.confirm(
            f"{action}: {count:,} entit{'y' if count == 1 else 'ies'} will be sent to Clay "
            f"again: {cost}. Go on?",
            abort=True,
            err=True,
        )
    with db.connect(url, autocommit=False) as conn:
        done = run(conn)
        if done > count:
            conn.rollback()
            _fail(
                f"{action}: {done:,} entities are due now, more than the {count:,} confirmed; "
                "nothing was done: run it again",
                1,
            )
        conn.commit()
    return done


@app.command("retry")
def retry_command(
    batch: UUID | None = typer.Option(None, "--batch", help="Only entities of this batch's items."),
    workflow: str | None = typer.Option(None, "--workflow"),
    entity: UUID | None = typer.Option(None, "--entity", help="One company or person id."),
    yes: bool = YES_OPTION,
) -> None:
    """Re-queue FAILED entities (and their items) with attempts reset: a paid re-send each."""

    def run(conn):
        return db.retry_failed(conn, batch, workflow, entity)

    count = _confirm_paid("enrich retry", run, yes, workflow)
    typer.echo(f"re-queued {count} entit{'y' if count == 1 else 'ies'}")


@app.command("refresh")
def refresh_command(
    workflow: str = typer.Option(..., "--workflow"),
    older_than: str | None = typer.Option(None, "--older-than", help="e.g. 30d"),
    entity: UUID | None = typer.Option(None, "--entity"),
    yes: bool = YES_OPTION,
) -> None:
    """Force re-enrichment of stale entities (or one entity): a paid call each."""
    if older_than is None and entity is None:
        _fail("give --older-than or --entity", 2)
    age = _duration(older_than, "--older-than")

    def run(conn):
        return db.refresh_entities(conn, workflow, age, entity)

    try:
        count = _confirm_paid("enrich refresh", run, yes, workflow)
    except psycopg.Error as exc:
        _fail(exc.diag.message_primary or str(exc), 2)
    typer.echo(f"re-enriching {count} entit{'y' if count == 1 else 'ies'}")


@app.command("stats")
def stats_command(
    since: str | None = typer.Option(None, "--since", help="Only the last e.g. 7d."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Per workflow: entities enriched, items served, dedupe ratio, calls made and saved,
    estimated credits saved, failures by reason."""
    from datetime import datetime

    cutoff = datetime.now(UTC) - _duration(since, "--since") if since else None
    with db.connect(config.database_url()) as conn:
        rows = db.workflow_stats(conn, cutoff)
        daily = db.spend_by_day(conn, cutoff.date() if cutoff else None)
    if as_json:
        typer.echo(json.dumps({"workflows": rows, "daily": daily}, default=_json_number))
        return
    columns = {
        "workflow_slug": "workflow",
        "entities_enriched": "enriched",
        "items_served": "rows served",
        "dedupe_ratio": "rows/entity",
        "paid_calls": "paid calls",
        "spend_multiplier": "paid/entity",
        "paid_without_result": "paid, no result",
        "credits_spent": "credits spent",
        "calls_saved": "calls saved",
        "credits_saved": "credits saved",
    }
    table = _table("enrichment stats" + (f" (last {since})" if since else ""), columns, rows)
    _wide_console().print(table)
    for row in rows:
        for reason, count in (row["failures"] or {}).items():
            typer.echo(f"{row['workflow_slug']}: {count} failed: {reason}")


def _json_number(value: object) -> object:
    """Decimals as JSON numbers, dates and the rest as text."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else str(value)


@app.command("prune")
def prune_command(
    older_than: str = typer.Option(..., "--older-than", help="e.g. 90d"),
) -> None:
    """Delete finished batches (rows, states, callback logs) older than this; keep entity
    results for reuse."""
    with db.connect(config.database_url()) as conn:
        batches, callbacks = db.prune_batches(conn, _duration(older_than, "--older-than"))
    typer.echo(f"pruned {batches} batch(es) and {callbacks} callback log entries")
