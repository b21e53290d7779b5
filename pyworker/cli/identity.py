"""`enrich lookup`, `enrich merges`: who a company or person is, by any identifier, and the
merges identities caused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pyworker import config, db
from pyworker.cli.common import BATCH_HELP, DATABASE_ENV, JSON_OPTION, batch_argument, err, fail
from pyworker.cli.render import local_time, wide_console
from pyworker.cli.root import app

RESULT_CHARS = 300  # of a result shown in a block (--json has it whole)

NOT_AN_IDENTIFIER = (
    "give a domain or website, an email address, a LinkedIn profile, Sales Navigator lead or "
    "company page (or its numeric id), a company name, or a company or person id"
)


@app.command("lookup", epilog=DATABASE_ENV)
def lookup_command(
    value: str = typer.Argument(
        ...,
        metavar="VALUE",
        help="Any identifier as you would paste it: acme.com, https://www.acme.com/about, "
        "ann@acme.com, a LinkedIn profile, Sales Navigator lead or company page URL, a "
        "numeric LinkedIn company id, a company name, or a company or person id.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """The companies and people a value names: their identifiers, workflows (state, paid
    calls, newest result), merges and batches. Exit 1 when nothing is known by it."""
    with db.connect(config.database_url()) as conn:
        found = db.lookup_entity(conn, value.replace("\x00", ""))
    if not found["read_as"]:
        fail(f"{value!r} is no identifier: {NOT_AN_IDENTIFIER}", 2)
    if as_json:
        typer.echo(json.dumps(found))
    else:
        console = wide_console()
        for entity in found["entities"]:
            console.print(entity_block(entity))
    if not found["entities"]:
        readings = " or ".join(_reading(r) for r in found["read_as"])
        err.print(f"nothing is known by {value!r} (read as {readings})", markup=False)
        raise typer.Exit(1)


def entity_block(entity: dict[str, Any]) -> Table:
    """One entity as a compact block: a title line, then a line per fact (long ones fold in
    their column)."""
    if entity["entity_type"] == "company":
        label = entity["domain"] or entity["name"] or _first_identifier(entity)
    else:
        label = entity["full_name"] or entity["person_key"]
    block = Table.grid(padding=(0, 2))
    block.title = f"{entity['entity_type']} {entity['id']}" + (f" ({label})" if label else "")
    block.title_justify = "left"
    block.title_style = "bold"
    block.add_column(style="dim", no_wrap=True)
    block.add_column(overflow="fold")
    for name, text in _facts(entity):
        block.add_row(name, escape(text) if text else "-")
    block.add_row("", "")  # a blank line between blocks
    return block


def _facts(entity: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """(label, text) lines of an entity's block, in the order people read them."""
    company = entity["entity_type"] == "company"
    for found in entity["found_by"]:
        yield "found by", _found_by(found)
    if company:
        yield "name", entity["name"]
        if entity["website"]:
            yield "website", entity["website"]
    else:
        yield "person", ", ".join(a for a in (entity["full_name"], entity["title"]) if a)
        c = entity["company"]
        yield "company", f"{c['id']} ({c['domain'] or c['name'] or 'no domain'})" if c else None
    width = max((len(i["kind"]) for i in entity["identifiers"]), default=0)
    for n, ident in enumerate(entity["identifiers"]):
        yield "" if n else "identifiers", f"{ident['kind']:<{width}}  {ident['value']}"
    if company:
        yield "names seen", ", ".join(entity["names"])
        yield "people", f"{entity['people']:,}"
    for state in entity["workflows"]:
        yield from _workflow(state)
    if not entity["workflows"]:
        yield "workflows", "none yet"
    for merge in entity["merges"]:
        yield from _merge(merge, entity["id"])
    for batch in entity["batches"]:
        yield (
            "batch",
            f"{batch['batch_id']} ({batch['pipeline']}, {batch['status']}): "
            f"{_rows(batch['items'])}, created {local_time(batch['created_at'])}",
        )
    if not entity["batches"]:
        yield "batches", "none"


def _reading(reading: dict[str, str]) -> str:
    """How the value was read: "domain acme.com", "company name 'acme'", "person email ..."."""
    if reading["kind"] == "name":
        return f"company name {reading['value'].removeprefix('name:')!r}"
    kind = reading["kind"].replace("_", " ")
    return f"{kind} {reading['value']}" if reading["kind"] != "id" else f"id {reading['value']}"


def _first_identifier(entity: dict[str, Any]) -> str | None:
    return entity["identifiers"][0]["value"] if entity["identifiers"] else None


def _found_by(found: dict[str, str]) -> str:
    if found["kind"] == "merged_id":
        return f"id {found['value']}, merged into this one"
    return _reading(found)


def _workflow(state: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    calls = f"{state['paid_calls']:,} paid call{'' if state['paid_calls'] == 1 else 's'}"
    tries = f"{state['attempts']:,} attempt{'' if state['attempts'] == 1 else 's'}"
    line = f"{state['workflow']}: {state['status']}, {calls}, {tries}"
    if state["completed_at"]:
        line += f", completed {local_time(state['completed_at'])}"
    yield "workflow", line
    if state["last_error"]:
        yield "  last error", state["last_error"]
    if state["result"] is not None:
        result = json.dumps(state["result"], ensure_ascii=False)
        if len(result) > RESULT_CHARS:
            result = result[: RESULT_CHARS - 1] + "…"
        yield "  result", result


def _merge(merge: dict[str, Any], entity_id: str) -> Iterator[tuple[str, str | None]]:
    into = "this one" if merge["survivor_id"] == entity_id else merge["survivor_id"]
    yield "merged", f"{merge['loser_id']} into {into}, {local_time(merge['merged_at'])}"
    yield "  linked by", f"{merge['linked_by']} ({_cause(merge, short=False)})"


def _cause(merge: dict[str, Any], short: bool = True) -> str:
    """Why two entities merged: a batch's rows (its id, or the start of it that --batch
    takes), a result, or the upgrade."""
    if merge["cause"] == "batch" and merge["batch_id"]:
        return f"batch {merge['batch_id'][:8] if short else merge['batch_id']}"
    return {"result": "a result", "upgrade": "the upgrade"}.get(merge["cause"], merge["cause"])


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


@app.command("merges", epilog=DATABASE_ENV)
def merges_command(
    batch: str | None = typer.Option(
        None, "--batch", help="Only the merges this batch's rows caused. " + BATCH_HELP
    ),
    limit: int = typer.Option(100, "--limit", min=1, help="At most this many, newest first."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Companies and people found to be one (a row, or a result, brought identifiers of
    both), newest first: the survivor, the merged-away loser (its id still finds the
    survivor), the identifier that linked them, and the batch that did."""
    with db.connect(config.database_url()) as conn:
        batch_id = batch_argument(conn, batch, "--batch") if batch is not None else None
        merges = db.list_merges(conn, batch_id, limit)
    if as_json:
        typer.echo(json.dumps([_plain(m) for m in merges]))
        return
    console = wide_console()
    if not merges:
        console.print(f"no merges{f' caused by batch {batch_id}' if batch_id else ''}")
        return
    title = f"merges caused by batch {batch_id}" if batch_id else "merges, newest first"
    print_merges(console, title, [_plain(m) for m in merges], show_batch=batch_id is None)
    if len(merges) == limit:
        console.print(f"the newest {limit:,}: --limit for more")


MERGE_COLUMNS = {
    "merged_at": "when",
    "entity_type": "type",
    "survivor_id": "survivor (kept)",
    "loser_id": "loser (merged into it)",
    "linked_by": "linked by",
    "cause": "cause",
}


def print_merges(console: Console, title: str, merges: list[dict], show_batch: bool) -> None:
    """A table of merges, or on a terminal too narrow for it a short block per merge (ids
    stay whole: they are what `enrich lookup` takes)."""
    rows = [
        {
            **m,
            "merged_at": local_time(m["merged_at"]),
            "cause": _cause(m) if show_batch else m["cause"],
        }
        for m in merges
    ]
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for heading in MERGE_COLUMNS.values():
        table.add_column(heading)
    for m in rows:
        table.add_row(*(escape(m[key]) for key in MERGE_COLUMNS))
    unbounded = console.options.update(max_width=10_000)
    if console.measure(table, options=unbounded).maximum <= console.width:
        console.print(table)
        return
    console.print(title, style="bold", markup=False)
    for m in rows:
        block = Table.grid(padding=(0, 2))
        block.add_column(style="dim", no_wrap=True)
        block.add_column(overflow="fold")
        for key, heading in MERGE_COLUMNS.items():
            block.add_row(heading, escape(m[key]))
        block.add_row("", "")
        console.print(block)


def _plain(merge: dict[str, Any]) -> dict[str, Any]:
    """A merge as JSON shows it: ids as text, the time in ISO 8601."""
    return {
        key: value.isoformat()
        if isinstance(value, datetime)
        else str(value)
        if isinstance(value, UUID)
        else value
        for key, value in merge.items()
    }
