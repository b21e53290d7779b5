"""The `enrich` command itself; its commands and groups are registered in __init__.py."""

from importlib.metadata import PackageNotFoundError, version

import typer

ENVIRONMENT = (
    "Environment: DATABASE_URL (unset: a private cluster under the project folder, in "
    "ENRICH_LOCAL_DB_DIR if set, with PostgreSQL's programs from ENRICH_PG_BIN), "
    "ENRICH_PUBLIC_URL, ENRICH_CALLBACK_SECRET, ENRICH_CALLBACK_SECRET_PREVIOUS, "
    "CLAY_WEBHOOK_AUTH_TOKEN, ENRICH_POOLER, ENRICH_LISTEN_URL, ENRICH_ROLE_PREFIX: see "
    "README.md, Configuration."
)

app = typer.Typer(
    help="enrich-once: enrich every company and person once.",
    epilog=ENVIRONMENT,
    no_args_is_help=True,
)


def _version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"enrich-once {version('enrich-once')}")
        except PackageNotFoundError:  # run from a checkout without installing
            typer.echo("enrich-once (not installed)")
        raise typer.Exit()


@app.callback()
def main(
    show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """enrich-once: enrich every company and person once."""
