"""The README stays in sync with the CLI: every command is documented."""

from __future__ import annotations

from pathlib import Path

import click
import typer.main

from pyworker.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):  # a group (typer's click may be its own copy)
            paths += command_paths(command, f"{path} ")
        else:
            paths.append(path)
    return paths


def test_every_cli_command_is_in_the_readme() -> None:
    paths = command_paths(typer.main.get_command(app))
    assert len(paths) > 15
    missing = [p for p in paths if f"`enrich {p}" not in README]
    assert missing == [], f"document these commands in README.md: {missing}"


def test_readme_first_commands_are_make_run_and_make_test() -> None:
    block = README.split("```sh", 1)[1].split("```", 1)[0].split()
    assert block[:2] == ["make", "run"] and "make" in block[3:] and "test" in block[3:]


def test_every_command_names_the_environment_it_reads_in_its_help() -> None:
    from typer.testing import CliRunner

    runner = CliRunner()
    for path in command_paths(typer.main.get_command(app)):
        expected = "CLAY_WEBHOOK_AUTH_TOKEN" if path == "clay-sim" else "DATABASE_URL"
        shown = runner.invoke(app, [*path.split(), "--help"], terminal_width=200)
        assert shown.exit_code == 0 and expected in shown.output, path
    for path, names in (
        ("worker", ["ENRICH_PUBLIC_URL", "CLAY_WEBHOOK_AUTH_TOKEN", "ENRICH_LISTEN_URL"]),
        ("db migrate", ["ENRICH_ROLE_PREFIX", "ENRICH_POOLER"]),
        ("status", ["ENRICH_POOLER"]),
        ("serve", ["ENRICH_CALLBACK_SECRET", "ENRICH_CALLBACK_SECRET_PREVIOUS"]),
        ("run", ["ENRICH_PUBLIC_URL", "ENRICH_CALLBACK_SECRET"]),
    ):
        shown = runner.invoke(app, [*path.split(), "--help"], terminal_width=200).output
        assert all(name in shown for name in names), path
