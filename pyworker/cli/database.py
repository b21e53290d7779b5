"""`enrich db …`: migrations and the private default cluster."""

from __future__ import annotations

import json

import typer

from pyworker import config, migrate
from pyworker.cli.common import (
    DATABASE_ENV,
    JSON_OPTION,
    MIGRATE_ENV,
    fail,
    masked_database_url,
)

app = typer.Typer(
    help="Database: migrations and the private default cluster.", no_args_is_help=True
)


# -- db ---------------------------------------------------------------------------------------
@app.command("migrate", epilog=MIGRATE_ENV)
def db_migrate() -> None:
    """Apply pending migrations and (re)apply sql/; running it twice changes nothing."""
    if config.pooler() == "transaction":
        fail(
            "enrich db migrate needs a session of its own (its lock, and yoyo's): with "
            "ENRICH_POOLER=transaction, run it with DATABASE_URL set to the database itself "
            "or to a session-mode pooler (Supabase: the direct host, or Supavisor on port "
            "5432) and ENRICH_POOLER unset",
            2,
        )
    applied = migrate.migrate(config.database_url(), on_keys=_print_key_changes)
    typer.echo(f"applied {len(applied)} migration(s){': ' + ', '.join(applied) if applied else ''}")
    typer.echo(f"re-applied {len(migrate.sql_files())} file(s) from sql/")


def _print_key_changes(changes: list[tuple[str, int, int, int]]) -> None:
    for entity_type, rekeyed, merged, left in changes:
        typer.echo(
            f"{entity_type} keys in canonical form: {rekeyed} re-keyed, {merged} merged into "
            f"them"
            + (f", {left} left as they are (enriching right now: migrate again)" if left else "")
        )


@app.command("status", epilog=DATABASE_ENV)
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


@app.command("up", epilog=DATABASE_ENV)
def db_up() -> None:
    """Start the private cluster under the project folder (initdb on first use)."""
    from pyworker.localdb import default_cluster

    typer.echo(default_cluster().ensure_running())


@app.command("down", epilog=DATABASE_ENV)
def db_down() -> None:
    """Stop the private cluster."""
    from pyworker.localdb import default_cluster

    typer.echo("stopped" if default_cluster().stop() else "not running")


@app.command("url", epilog=DATABASE_ENV)
def db_url(
    show_secrets: bool = typer.Option(False, "--show-secrets", help="Show the password too."),
) -> None:
    """Print the database URL in use (DATABASE_URL, else the private cluster's); its
    password masked unless --show-secrets."""
    url = config.database_url()
    typer.echo(url if show_secrets else masked_database_url(url))
