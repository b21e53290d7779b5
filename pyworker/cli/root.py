"""The `enrich` command itself; its commands and groups are registered in __init__.py."""

import typer

app = typer.Typer(help="enrich-once: enrich every company and person once.", no_args_is_help=True)
