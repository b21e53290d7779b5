"""`enrich`: the admin CLI (typer)."""

from __future__ import annotations

import json

import typer
from rich.console import Console

from pyworker import config, demo, migrate
from pyworker.localdb import default_cluster

app = typer.Typer(help="enrich-once: enrich every company and person once.", no_args_is_help=True)
db_app = typer.Typer(
    help="Database: migrations and the private default cluster.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply pending migrations and (re)apply sql/; running it twice changes nothing."""
    applied = migrate.migrate(config.database_url())
    typer.echo(f"applied {len(applied)} migration(s){': ' + ', '.join(applied) if applied else ''}")
    typer.echo(f"re-applied {len(migrate.sql_files())} file(s) from sql/")


@db_app.command("status")
def db_status(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
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
    typer.echo(default_cluster().ensure_running())


@db_app.command("down")
def db_down() -> None:
    """Stop the private cluster."""
    stopped = default_cluster().stop()
    typer.echo("stopped" if stopped else "not running")


@db_app.command("url")
def db_url() -> None:
    """Print the database URL in use (DATABASE_URL, else the private cluster's)."""
    typer.echo(config.database_url())


@app.command("demo")
def demo_command() -> None:
    """The seed plan's Stage 7 scenario through SQL (Clay played by SQL calls)."""
    demo.run(config.database_url(), Console())
