"""How commands show things to people: tables of workflows, workspaces, batches, costs."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from pyworker.cli.common import masked_url
from pyworker.durations import format_duration
from pyworker.progress import finished_rows, status_label, steps_finished, timing_line


def masked(described: dict) -> dict:
    """describe_workflow() with its webhook URLs masked."""
    return {
        **described,
        "webhooks": [{**h, "url": masked_url(h["url"])} for h in described["webhooks"]],
    }


def print_workflow(described: dict, as_json: bool, show_secrets: bool = False) -> None:
    """A workflow's settings and webhooks; the webhook URLs masked (they work as
    credentials) unless show_secrets."""
    if not show_secrets:
        described = masked(described)
    if as_json:
        typer.echo(json.dumps(described))
        return
    table = Table(title=f"workflow {described['slug']} ({described['entity_type']})")
    table.add_column("setting")
    table.add_column("value")
    for key in (
        "workspace",
        "timeout",
        "max_attempts",
        "resends",
        "rate_per_second",
        "burst",
        "ttl",
        "credits_per_call",
        "daily_budget",
        "paid_calls_today",
    ):
        if key in ("timeout", "ttl"):  # durations for people: 30m, not 1800
            table.add_row(key, format_duration(described[f"{key}_seconds"]))
        else:
            table.add_row(key, "none" if described[key] is None else str(described[key]))
    if described.get("learn_domain_from") is not None:  # company workflows
        table.add_row(
            "learn_domain_from", escape(", ".join(described["learn_domain_from"]) or "none")
        )
    table.add_row("paused", "yes" if described["paused"] else "no")
    if described["waiting"]:
        table.add_row("waiting", escape(described["waiting"]))
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
            f"{escape(hook['url'])} ({hook['submissions']} sent, {state}{token}){warning}",
        )
    if not described["webhooks"]:
        table.add_row("webhook", "none configured")
    Console().print(table)


def print_workspaces(workspaces: list[dict], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(workspaces, default=float))
        return
    table = Table(title="workspaces")
    for column in ("name", "rate/s", "burst", "credits today", "workflows"):
        table.add_column(column, overflow="fold")  # names wrap whole rather than cut short
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


def table_of(title: str, columns: dict[str, str], rows: list[dict]) -> Table:
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
                else escape(str(row[key]))
                for key in columns
            )
        )
    return table


def print_table(console: Console, title: str, columns: dict[str, str], rows: list[dict]) -> None:
    """table_of, or on a terminal too narrow for it, one small table per row (headed by its
    first column's value) with a line per column: names stay whole and readable."""
    table = table_of(title, columns, rows)
    unbounded = console.options.update(max_width=10_000)
    if console.measure(table, options=unbounded).maximum <= console.width or not rows:
        console.print(table)
        return
    first, *others = columns
    for row in rows:
        card = table_of(
            f"{title}: {row[first]}",
            {"name": "", "value": ""},
            [{"name": columns[key], "value": row[key]} for key in others],
        )
        card.show_header = False
        card.min_width = min(console.width, len(card.title))  # the title on one line
        card.title_justify = "left"
        console.print(card)


def new_calls(estimate: list[dict]) -> int:
    return sum(row["new_calls"] for row in estimate)


def print_estimate(
    rows: int | None, estimate: list[dict], as_json: bool, out: Console | None = None
) -> None:
    if as_json and out is None:
        typer.echo(
            json.dumps({"rows": rows, "new_paid_calls": new_calls(estimate), "workflows": estimate})
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
    console = out or wide_console()
    print_table(console, title, columns, estimate)
    if estimate:
        console.print(
            f"{estimate[0]['failed_at_split']:,} row(s) would fail at split (no company key); "
            f"{new_calls(estimate):,} new paid Clay call(s) in all"
        )


STEP_STATUSES = ("PENDING", "IN_PROGRESS", "WAITING", "COMPLETED", "FAILED")
STATUS_HEADINGS = ("pending", "active", "waiting", "done", "failed")


def print_statuses(statuses: list[dict]) -> None:
    """One table per batch with a progress bar per step. An item is finished with a step once
    it is COMPLETED or FAILED there, or FAILED at an earlier step (it will never reach it)."""
    from rich.progress_bar import ProgressBar

    console = wide_console()
    for status in statuses:
        table = Table(  # (a Text title: a name is data, never markup)
            title=Text(
                f"batch {status['batch_id']}"
                + (f" “{status['name']}”" if status.get("name") else "")
                + f" ({status['pipeline']}): {status_label(status)}, {status['rows']:,} rows"
            )
        )
        # fits 100 columns: on a narrow terminal long step names fold
        narrow = console.width < 120
        bar = 8 if narrow else 12
        table.add_column("step", max_width=26 if narrow else None, overflow="fold")
        table.add_column("finished", width=bar)
        table.add_column("", justify="right", min_width=4)
        for heading in STATUS_HEADINGS:
            table.add_column(heading, justify="right", min_width=6)
        table.add_column("not\nreached", justify="right", min_width=7)
        rows = max(status["rows"], 1)
        for step, finished in steps_finished(status):
            counts = step["counts"]
            table.add_row(
                step["step"],
                ProgressBar(total=rows, completed=finished, width=bar),
                f"{100 * finished // rows}%",
                *(f"{counts.get(n, 0):,}" for n in STEP_STATUSES),
                f"{step.get('not_reached', 0):,}",
            )
        console.print(table)
        console.print(f"  {timing_line(status)}", markup=False)
        if status.get("companies") is not None:
            console.print(
                f"  unique companies: {status['companies']:,}; unique people: {status['people']:,}",
            )
        if "paid_calls" in status:
            console.print(
                f"  paid Clay calls: {status['paid_calls']:,}; rows served without a call of "
                f"their own: {status['calls_saved']:,}",
                markup=False,
            )
        identity = status.get("identity") or {}
        if identity.get("merges") or identity.get("rows_by_second_identifier"):
            console.print(f"  {identity_line(identity)}", markup=False)
        for wait in status.get("waiting") or []:
            console.print(f"  waiting: {wait['workflow']}: {wait['reason']}", markup=False)
        for failure in status["failures"]:
            console.print(
                f"  {failure['items']:,} item(s) FAILED at {failure['step']}: {failure['error']}",
                markup=False,  # a reason holds data (a domain, Clay's reply): never markup
            )


def print_batch_lines(statuses: list[dict]) -> None:
    """One line per batch, newest first: enough to pick one for `enrich status BATCH`."""
    if not statuses:
        typer.echo("no batch yet: load one with `enrich load FILE --pipeline company`")
        return
    table = Table(box=None, pad_edge=False)
    for heading, justify in (
        ("batch", "left"), ("name", "left"), ("pipeline", "left"), ("status", "left"),
        ("finished", "right"),
        ("rows", "right"), ("failed", "right"), ("paid calls", "right"), ("created", "left"),
    ):  # fmt: skip
        table.add_column(heading, justify=justify, no_wrap=heading not in ("name", "pipeline"))
    for status in statuses:
        finished = finished_rows(status)
        table.add_row(
            str(status["batch_id"])[:8],
            Text(status.get("name") or "-"),
            status["pipeline"],
            status_label(status),
            f"{100 * finished // max(status['rows'], 1)}%",
            f"{status['rows']:,}",
            f"{status.get('failed', 0):,}",
            f"{status['paid_calls']:,}",
            local_time(status["created_at"]),
        )
    wide_console().print(table)


def local_time(value: str | datetime | None) -> str:
    """A time (ISO text or datetime) in this machine's zone, to the second."""
    if value is None:
        return "-"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def identity_line(identity: dict) -> str:
    """What identities did: rows served by a second identifier, merges, calls paid twice."""
    line = (
        f"rows served by a second identifier: {identity['rows_by_second_identifier']:,}; "
        f"merges: {identity['merges']:,}"
    )
    if identity.get("calls_paid_twice_linked_late"):
        line += f"; paid twice (linked late): {identity['calls_paid_twice_linked_late']:,}"
    return line


def wide_console() -> Console:
    """The terminal's width on a terminal; wide enough for whole workflow names elsewhere."""
    console = Console()
    return console if console.is_terminal else Console(width=160)
