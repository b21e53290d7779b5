"""`enrich workflow …`, `enrich workspace …`, `enrich pipeline …`: configuration."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import psycopg
import typer

from pyworker import config, db
from pyworker.cli.common import (
    DATABASE_ENV,
    INT_MAX,
    JSON_OPTION,
    SHOW_SECRETS_OPTION,
    WEBHOOK_TOKEN_ENV,
    ask_first,
    duration,
    fail,
    masked_url,
    parse_webhook_token,
    rolled_back,
)
from pyworker.cli.render import (
    masked,
    print_workflow,
    print_workspaces,
)

workflow_app = typer.Typer(help="Enrichment workflows (one Clay table each).", no_args_is_help=True)
workspace_app = typer.Typer(
    help="Clay workspaces: the rate limit and credits their workflows share.",
    no_args_is_help=True,
)
pipeline_app = typer.Typer(help="Pipelines: named ordered steps.", no_args_is_help=True)


# -- workflows --------------------------------------------------------------------------------
@workflow_app.command("set", epilog=WEBHOOK_TOKEN_ENV)
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
    learn_domain_from: str | None = typer.Option(
        None,
        help="Company results' fields a company known without a domain learns it from, "
        "comma-separated, first present wins (default company_domain,domain,website); "
        "'none' learns nothing. A domain another company has merges the two.",
    ),
    clear_webhooks: bool = typer.Option(
        False, "--clear-webhooks", help="Retire every webhook (their counts are kept)."
    ),
    create: bool = typer.Option(
        False, "--create", help="Create the workflow if it does not exist (a typo never does)."
    ),
    show_secrets: bool = SHOW_SECRETS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Configure an enrichment workflow (a new one needs --create)."""
    for url in webhook_url or []:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            fail(f"--webhook-url {masked_url(url)}: not an http(s) URL with a host", 2)
    if entity_type not in (None, "company", "person"):
        fail("--entity-type must be company or person", 2)
    if clear_webhooks and webhook_url:
        fail("give --clear-webhooks or --webhook-url, not both", 2)
    if webhook_token and len(webhook_token) != len(webhook_url or []):
        fail("give one --webhook-token per --webhook-url, in the same order ('-' for none)", 2)
    settings = {
        "webhook_urls": webhook_url or None,
        "timeout": duration(timeout, "--timeout"),
        "max_attempts": max_attempts,
        "rate_per_second": rate,
        "burst": burst,
        "entity_type": entity_type,
        "credits_per_call": credits_per_call,
        "max_submissions": max_submissions,
        "workspace": workspace,
        "resends": resends,
        "webhook_auth_tokens": (
            [parse_webhook_token(t) for t in webhook_token] if webhook_token else None
        ),
        "create": create or None,
    }
    if clear_webhooks:
        settings["webhook_urls"] = []
    if daily_budget is not None and daily_budget.lower() == "none":
        settings["clear_daily_budget"] = True
    elif daily_budget is not None:
        if not daily_budget.isdigit() or int(daily_budget) > INT_MAX:
            fail("--daily-budget must be a whole number of paid calls (or 'none')", 2)
        settings["daily_budget"] = int(daily_budget)
    if learn_domain_from is not None:
        fields = [] if learn_domain_from.strip().lower() == "none" else learn_domain_from.split(",")
        if any(not field.strip() for field in fields):
            fail("--learn-domain-from: comma-separated result field names, or 'none'", 2)
        settings["learn_domain_from"] = [field.strip() for field in fields]
    if ttl is not None and ttl.lower() == "none":
        settings["clear_ttl"] = True
    else:
        settings["ttl"] = duration(ttl, "--ttl")
    try:
        with db.connect(config.database_url()) as conn:
            described = db.set_workflow(
                conn, slug, **{k: v for k, v in settings.items() if v is not None}
            )
    except psycopg.Error as exc:
        fail(exc.diag.message_primary or str(exc), 2)
    print_workflow(described, as_json, show_secrets)


@workflow_app.command("delete", epilog=DATABASE_ENV)
def workflow_delete(
    slug: str,
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Do not ask when paid-for results would go out of use."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a workflow with its entity states and dispatches. Refused while a pipeline
    names it or a batch can still reach it; asks first when paid-for results go with it."""
    url = config.database_url()
    try:
        completed = rolled_back(lambda conn: db.delete_workflow(conn, slug))["completed_entities"]
        if completed:
            ask_first(
                f"{slug}: {completed:,} paid-for result(s) go out of use. Delete it?",
                f"deleting {slug} takes {completed:,} paid-for result(s) out of use",
                yes,
            )
        with db.connect(url) as conn:
            deleted = db.delete_workflow(conn, slug)
    except psycopg.Error as exc:
        fail(exc.diag.message_primary or str(exc), 2 if exc.sqlstate == "EN001" else 1)
    typer.echo(json.dumps(deleted) if as_json else f"deleted {slug}")


@workflow_app.command("pause", epilog=DATABASE_ENV)
def workflow_pause(slug: str, as_json: bool = JSON_OPTION) -> None:
    """Stop dispatching at once (in-flight POSTs finish; callbacks are still received)."""
    _pause(slug, True, as_json)


@workflow_app.command("resume", epilog=DATABASE_ENV)
def workflow_resume(slug: str, as_json: bool = JSON_OPTION) -> None:
    """Dispatch again after `enrich workflow pause`."""
    _pause(slug, False, as_json)


def _pause(slug: str, paused: bool, as_json: bool) -> None:
    try:
        with db.connect(config.database_url()) as conn:
            described = db.pause_workflow(conn, slug, paused)
    except psycopg.Error as exc:
        fail(exc.diag.message_primary or str(exc), 2)
    if as_json:
        typer.echo(json.dumps(described))
    else:
        typer.echo(f"{slug}: {'paused' if paused else 'resumed'}")


@workflow_app.command("show", epilog=DATABASE_ENV)
def workflow_show(
    slug: str, as_json: bool = JSON_OPTION, show_secrets: bool = SHOW_SECRETS_OPTION
) -> None:
    """One workflow: settings and webhooks with their remaining submissions."""
    with db.connect(config.database_url()) as conn:
        described = db.describe_workflow(conn, slug)
    if described is None:
        fail(f"unknown workflow {slug!r}", 2)
    print_workflow(described, as_json, show_secrets)


@workflow_app.command("list", epilog=DATABASE_ENV)
def workflow_list(as_json: bool = JSON_OPTION, show_secrets: bool = SHOW_SECRETS_OPTION) -> None:
    """Every workflow."""
    with db.connect(config.database_url()) as conn:
        workflows = db.list_workflows(conn)
    if not show_secrets:
        workflows = [masked(w) for w in workflows]
    if as_json:
        typer.echo(json.dumps(workflows))
        return
    for described in workflows:
        print_workflow(described, False, show_secrets=True)  # masked above


# -- workspaces -------------------------------------------------------------------------------
@workspace_app.command("set", epilog=DATABASE_ENV)
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
            fail("--daily-credits must be a number or 'none'", 2)
        if credits < 0:
            fail("--daily-credits must not be negative", 2)
    try:
        with db.connect(config.database_url()) as conn:
            described = db.set_workspace(conn, name, rate, burst, credits, clear)
    except psycopg.Error as exc:
        fail(exc.diag.message_primary or str(exc), 2)
    print_workspaces([described], as_json)


@workspace_app.command("list", epilog=DATABASE_ENV)
def workspace_list(as_json: bool = JSON_OPTION) -> None:
    """Every workspace: rate limit, daily credits and what was spent today, its workflows."""
    with db.connect(config.database_url()) as conn:
        print_workspaces(db.list_workspaces(conn), as_json)


@pipeline_app.command("list", epilog=DATABASE_ENV)
def pipeline_list(as_json: bool = JSON_OPTION) -> None:
    """Every pipeline and its steps."""
    with db.connect(config.database_url()) as conn:
        pipelines = db.list_pipelines(conn)
    if as_json:
        typer.echo(json.dumps(pipelines))
        return
    for pipeline in pipelines:
        typer.echo(f"{pipeline['name']}: {' -> '.join(pipeline['steps'])}")


@pipeline_app.command("set", epilog=DATABASE_ENV)
def pipeline_set(
    name: str,
    steps: list[str] = typer.Argument(..., help="Steps in order."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create or replace a pipeline: normalize_all_core_values split WORKFLOW..."""
    try:
        with db.connect(config.database_url()) as conn:
            db.set_pipeline(conn, name, steps)
    except psycopg.Error as exc:
        fail(exc.diag.message_primary or str(exc), 2)
    if as_json:
        typer.echo(json.dumps({"name": name, "steps": steps}))
    else:
        typer.echo(f"{name}: {' -> '.join(steps)}")
