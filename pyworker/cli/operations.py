"""`enrich doctor`, `enrich retry`, `enrich refresh`, `enrich stats`, `enrich prune`:
operating it."""

from __future__ import annotations

import json
from datetime import UTC
from uuid import UUID

import psycopg
import typer

from pyworker import config, db, migrate
from pyworker.cli.common import (
    DATABASE_ENV,
    JSON_OPTION,
    YES_OPTION,
    ask_first,
    duration,
    fail,
    json_number,
    rolled_back,
)
from pyworker.cli.render import (
    identity_line,
    print_table,
    wide_console,
)
from pyworker.cli.root import app


@app.command("doctor", epilog=DATABASE_ENV)
def doctor_command(as_json: bool = JSON_OPTION) -> None:
    """Check connection, migrations, workflow configuration and the invariants; exit 1 on any
    violation."""
    url = config.database_url()
    status = migrate.migration_status(url)
    with db.connect(url, autocommit=False) as conn:  # one read-only transaction
        settings = db.server_settings_advice(conn)  # (the session's timeout, before...)
        db.without_statement_timeout(conn)  # ...the checks, which read everything, lift it
        typer.echo(  # on stderr: --json's output stays one document
            "checking every invariant over every row (on a big database this takes a while)…",
            err=True,
        )
        violations = db.check_invariants(conn) + db.stalled_work(conn)
        workflows = db.list_workflows(conn)
        waiting = db.dispatch_wait_reasons(conn)
        alive = db.live_processes(conn)
        identity = db.identity_notices(conn)
        conn.rollback()
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
                {
                    "ok": not problems,
                    "violations": problems,
                    "workflows": notes,
                    "notices": notices,
                    "identity_notices": identity,
                    "processes": alive,
                    "settings": settings,
                },
                default=str,
            )
        )
    else:
        typer.echo(
            f"database: ok; migrations: {len(status.applied)} applied, "
            f"{len(status.pending)} pending"
        )
        for process in alive:  # who is alive (those with a heartbeat: loaders)
            batch = f", loading batch {process['batch_id']}" if process["batch_id"] else ""
            typer.echo(
                f"alive: {process['kind']} {process['id']} (pid {process['pid']} on "
                f"{process['host']}, version {process['version']}, since "
                f"{process['started_at']:%Y-%m-%d %H:%M:%S}{batch})"
            )
        for note in notes:
            typer.echo(f"workflow {note}")
        for notice in notices:
            typer.echo(
                f"NOTICE {notice['workflow']}: {notice['queued']} dispatch(es) wait: "
                f"{notice['reason']}"
            )
        for notice in identity:
            typer.echo(f"NOTICE {notice['notice']}: {notice['detail']}")
        for advice in settings:  # a managed server may not let them change: notices
            typer.echo(
                f"NOTICE setting {advice['setting']} = {advice['current_value']} (we recommend "
                f"{advice['recommended']}: {advice['why']})"
            )
        for problem in problems:
            typer.echo(
                f"VIOLATION {problem['invariant']} {problem['subject_id']}: {problem['detail']}"
            )
        typer.echo("all invariants hold" if not problems else f"{len(problems)} violation(s)")
    if problems:
        raise typer.Exit(1)


def confirm_paid(action: str, run, yes: bool, workflow: str | None) -> int:
    """Commands that spend say so first: count what the action would send again (in a
    transaction rolled back), ask on a terminal (or require --yes), then do it, refusing
    if by then it would send more than was confirmed."""
    url = config.database_url()
    count = rolled_back(run)
    if not count:
        return 0
    with db.connect(url) as conn:
        resends = max(
            (w["resends"] for w in db.list_workflows(conn) if workflow in (None, w["slug"])),
            default=0,
        )
    cost = f"{count:,} paid call(s)" + (
        f", up to {count * (1 + resends):,} with the paid re-sends the workflow allows"
        if resends
        else ""
    )
    ask_first(
        f"{action}: {count:,} entit{'y' if count == 1 else 'ies'} will be sent to Clay "
        f"again: {cost}. Go on?",
        f"{action} would send {count:,} entities to Clay again ({cost})",
        yes,
    )
    with db.connect(url, autocommit=False) as conn:
        done = run(conn)
        if done > count:
            conn.rollback()
            fail(
                f"{action}: {done:,} entities are due now, more than the {count:,} confirmed; "
                "nothing was done: run it again",
                1,
            )
        conn.commit()
    return done


@app.command("retry", epilog=DATABASE_ENV)
def retry_command(
    batch: UUID | None = typer.Option(None, "--batch", help="Only entities of this batch's items."),
    workflow: str | None = typer.Option(None, "--workflow"),
    entity: UUID | None = typer.Option(None, "--entity", help="One company or person id."),
    yes: bool = YES_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Re-queue FAILED entities (and their items) with attempts reset: a paid re-send each."""

    def run(conn):
        return db.retry_failed(conn, batch, workflow, entity)

    count = confirm_paid("enrich retry", run, yes, workflow)
    if as_json:
        typer.echo(json.dumps({"requeued": count}))
    else:
        typer.echo(f"re-queued {count} entit{'y' if count == 1 else 'ies'}")


@app.command("refresh", epilog=DATABASE_ENV)
def refresh_command(
    workflow: str = typer.Option(..., "--workflow"),
    older_than: str | None = typer.Option(None, "--older-than", help="e.g. 30d"),
    entity: UUID | None = typer.Option(None, "--entity"),
    yes: bool = YES_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Force re-enrichment of stale entities (or one entity): a paid call each."""
    if older_than is None and entity is None:
        fail("give --older-than or --entity", 2)
    age = duration(older_than, "--older-than")

    def run(conn):
        return db.refresh_entities(conn, workflow, age, entity)

    try:
        count = confirm_paid("enrich refresh", run, yes, workflow)
    except psycopg.Error as exc:
        fail(exc.diag.message_primary or str(exc), 2)
    if as_json:
        typer.echo(json.dumps({"refreshing": count}))
    else:
        typer.echo(f"re-enriching {count} entit{'y' if count == 1 else 'ies'}")


@app.command("stats", epilog=DATABASE_ENV)
def stats_command(
    since: str | None = typer.Option(None, "--since", help="Only the last e.g. 7d."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Per workflow: entities enriched, items served, dedupe ratio, calls made and saved,
    estimated credits saved, failures by reason."""
    from datetime import datetime

    cutoff = datetime.now(UTC) - duration(since, "--since") if since else None
    with db.connect(config.database_url()) as conn:
        rows = db.workflow_stats(conn, cutoff)
        daily = db.spend_by_day(conn, cutoff.date() if cutoff else None)
        identity = db.identity_stats(conn)
    if as_json:
        typer.echo(
            json.dumps(
                {"workflows": rows, "daily": daily, "identity": identity}, default=json_number
            )
        )
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
    title = "enrichment stats" + (f" (last {since})" if since else "")
    print_table(wide_console(), title, columns, rows)
    for row in rows:
        for reason, count in (row["failures"] or {}).items():
            typer.echo(f"{row['workflow_slug']}: {count} failed: {reason}")
    typer.echo(f"identities (all time): {identity_line(identity)}")


@app.command("prune", epilog=DATABASE_ENV)
def prune_command(
    older_than: str = typer.Option(..., "--older-than", help="e.g. 90d"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete finished batches (rows, states, callback logs) older than this; keep entity
    results for reuse."""
    with db.connect(config.database_url()) as conn:
        batches, callbacks = db.prune_batches(conn, duration(older_than, "--older-than"))
    if as_json:
        typer.echo(json.dumps({"batches": batches, "callback_log_entries": callbacks}))
    else:
        typer.echo(f"pruned {batches} batch(es) and {callbacks} callback log entries")
