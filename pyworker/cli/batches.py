"""`enrich load`, `enrich status`, `enrich export`, `enrich demo`: the batches."""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from uuid import UUID

import psycopg
import typer
from rich.console import Console

from pyworker import config, db, demo, progress
from pyworker import load as loader
from pyworker.cli.common import (
    BATCH_HELP,
    DATABASE_ENV,
    JSON_OPTION,
    batch_argument,
    err,
    fail,
)
from pyworker.cli.render import (
    new_calls,
    print_batch_lines,
    print_estimate,
    print_statuses,
)
from pyworker.cli.root import app
from pyworker.durations import day_start, parse_duration
from pyworker.export import export_chunks


# -- the job ----------------------------------------------------------------------------------
@app.command("load", epilog=DATABASE_ENV)
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
        "calls than this. A load in parts holds its claims (nothing is sent) until every "
        "part is in and the total is checked.",
    ),
    encoding: str | None = typer.Option(
        None,
        help="The file's text encoding (e.g. cp1252 or latin-1 for old Excel exports); "
        "default: UTF-8, or UTF-16 when the file starts with its byte-order mark.",
    ),
    map_: list[str] | None = typer.Option(
        None,
        "--map",
        help="'Their Column=field': which column feeds a field (repeat for several); decides "
        "when two columns name one field. Several may name email: the chosen one feeds it "
        "and the others are stored as email_2, email_3, ...",
    ),
    name: str | None = typer.Option(
        None,
        "--name",
        help="What to call the batch (default: the file's name): shown beside its id, and "
        "accepted wherever a BATCH is asked for.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Load a file as one batch; the last stdout line is the batch id. Prints on stderr which
    column feeds each field."""
    columns = loader.Columns(chosen=_chosen_columns(map_ or []), on_mapping=_print_mapping)
    if name is not None and (loader.batch_name(name) != name or name == "latest"):
        fail("--name: 1 to 200 characters, no control characters, no spaces around it, "
             "not latest", 2)  # fmt: skip
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            fail(f"--encoding {encoding!r}: no such encoding (e.g. utf-8, cp1252, latin-1)", 2)
    try:
        if dry_run:
            with progress.loading(err) as on_progress:
                rows, estimate = loader.estimate(
                    config.database_url(),
                    file,
                    pipeline,
                    on_progress,
                    encoding=encoding,
                    columns=columns,
                )
            print_estimate(rows, estimate, as_json)
            if max_new_calls is not None and new_calls(estimate) > max_new_calls:
                fail(f"it needs {new_calls(estimate):,} new paid calls, over --max-new-calls")
            return
        with progress.loading(err) as on_progress:
            batch_id, rows = loader.load(
                config.database_url(),
                file,
                pipeline,
                on_progress,
                parts=parts,
                max_new_calls=max_new_calls,
                encoding=encoding,
                columns=columns,
                name=name,
            )
    except loader.OverCallLimit as exc:
        print_estimate(None, exc.estimate, as_json, out=err)
        fail(f"{file}: {exc} (nothing was loaded)")
    except loader.LoadError as exc:
        fail(f"{file}: {exc} (nothing was loaded)")
    except psycopg.errors.InsufficientPrivilege:
        raise  # the role and the grant it needs: said once, for every command (cli.main)
    except psycopg.Error as exc:
        if exc.sqlstate == "EN004":
            fail(f"unknown pipeline {pipeline!r} (nothing was loaded)", 2)
        fail(f"{file}: {_load_failure(exc)}")
    err.print(f"loaded {rows} rows")
    if as_json:
        typer.echo(json.dumps({"batch_id": str(batch_id), "rows": rows}))
    typer.echo(str(batch_id))


def _load_failure(exc: psycopg.Error) -> str:
    """Why a load stopped (the database went away, or refused something), and what it left:
    nothing, or a LOADING batch of a load in parts that could not be deleted."""
    gone = isinstance(exc, psycopg.OperationalError) or (exc.sqlstate or "").startswith(
        ("08", "57P")
    )
    reason = (exc.diag.message_primary or str(exc)).strip().splitlines()[0]
    why = f"the database went away ({reason})" if gone else f"the database refused it ({reason})"
    batch = getattr(exc, "loading_batch_left", None)  # set by the loader (load/batch.py)
    if exc.sqlstate == "EN002":  # finish_loading: its LOADING batch is gone
        return (
            f"{reason}: someone else finished or discarded this load's batch while it was "
            "loading (enrich.finish_loading / discard_loading_batch); see `enrich status` "
            "before loading the file again"
        )
    if batch is None:
        return f"{why}: nothing was loaded; load the file again"
    return (
        f"{why}; the parts that had committed stay as LOADING batch {batch}, which `enrich "
        f"doctor` reports once this loader's heartbeat has run out (a minute): keep them with "
        f"select enrich.finish_loading('{batch}'), or delete them with "
        f"select enrich.discard_loading_batch('{batch}'), then load the file again"
    )


def _chosen_columns(maps: list[str]) -> dict[str, str]:
    """--map 'Their Column=field' options as {their column (lower case): field}."""
    try:
        return loader.chosen_columns(maps)
    except loader.LoadError as exc:
        fail(f"--map: {exc}", 2)


def _print_mapping(mapping: dict[str, str | None]) -> None:
    fed = [f"{column!r} -> {key}" for column, key in mapping.items() if loader.field_of(key)]
    kept = [column for column, key in mapping.items() if not loader.field_of(key)]
    err.print(
        f"columns: {', '.join(fed) or 'none feeds a field'}"
        + (f"; kept as data: {', '.join(kept)}" if kept else ""),
        markup=False,
        soft_wrap=True,
    )


@app.command("status", epilog=DATABASE_ENV)
def status_command(
    batch: str | None = typer.Argument(
        None, help=BATCH_HELP + " Without one: a line per recent batch."
    ),
    as_json: bool = JSON_OPTION,
    watch: bool = typer.Option(False, "--watch", help="Redraw every 2 s until the batch is done."),
) -> None:
    """Progress per step; --json has "done": true once the batch is COMPLETED, its failed
    rows, and "no_worker": true while work is unfinished and no worker is alive."""
    import time

    while True:
        with db.connect(config.database_url()) as conn:
            if batch is None:
                statuses = db.recent_batches(conn)
            else:
                batch_id = batch_argument(conn, batch)
                statuses = [db.batch_status(conn, batch_id)]
                if statuses[0] is None:  # deleted since it was named
                    fail(f"unknown batch {batch}", 2)
        if as_json:
            typer.echo(json.dumps(statuses[0] if batch else statuses, default=str))
        else:
            if watch:
                Console().clear()
            if any(s.get("no_worker") for s in statuses):
                Console().print(progress.NO_WORKER, style="bold yellow", markup=False)
            if batch is None:
                print_batch_lines(statuses)
            else:
                print_statuses(statuses)
        if not watch or all(s["done"] for s in statuses):
            return
        time.sleep(2)


@app.command("batches", epilog=DATABASE_ENV)
def batches_command(
    status: str | None = typer.Option(
        None, "--status", help="LOADING, IN_PROGRESS, COMPLETED, or failed (some row failed)."
    ),
    pipeline: str | None = typer.Option(None, "--pipeline", help="Only this pipeline's."),
    search: str | None = typer.Option(
        None, "--search", help="Part of the name (any case), or the start of the id."
    ),
    since: str | None = typer.Option(
        None, "--since", help="Created in the last e.g. 7d, or on or after a date (2026-12-01)."
    ),
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help="At most this many."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Batches, newest first, one line each: name, id, pipeline, status with its failed
    rows, progress, paid calls, when created."""
    if status is not None and status not in progress.BATCH_STATUSES:
        fail(f"--status must be one of {', '.join(progress.BATCH_STATUSES)}", 2)
    cutoff = _since(since) if since else None
    with db.connect(config.database_url()) as conn:
        found = db.find_batches(conn, status, pipeline, search, cutoff, limit=limit)
    if as_json:
        typer.echo(json.dumps(found, default=str))
        return
    print_batch_lines(found)
    if len(found) == limit:
        err.print(f"the newest {limit}: --limit for more", markup=False)


def _since(value: str):
    """--since: a duration back from now (7d), or a date (its start, in UTC)."""
    from datetime import UTC, datetime

    with contextlib.suppress(ValueError):
        return day_start(value)
    with contextlib.suppress(ValueError):
        return datetime.now(UTC) - parse_duration(value)
    fail(f"--since {value!r}: give a duration back from now (7d, 12h) or a date (2026-12-01)", 2)


@app.command("export", epilog=DATABASE_ENV)
def export_command(
    batch: str = typer.Argument(..., help=BATCH_HELP),
    format: str | None = typer.Option(
        None, "--format", help="csv or jsonl (default: -o's extension; jsonl on stdout)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File (default: stdout); written whole or not at all."
    ),
    raw: bool = typer.Option(
        False,
        "--raw",
        help="CSV: write cells as they are (by default a cell starting with = + - @ is "
        "written so that spreadsheets show it as text, not run it as a formula).",
    ),
    excel: bool = typer.Option(
        False,
        "--excel",
        help="CSV that Excel opens right by a double click: UTF-8 with a byte-order mark, "
        "CRLF line ends and the input file's delimiter (; for a semicolon file).",
    ),
) -> None:
    """Every item of a batch with its keys, step statuses and enrichment results."""
    format, delimiter = _export_format(format, output, excel)
    with db.connect(config.database_url(), autocommit=False) as conn:
        batch_id = batch_argument(conn, batch)  # before any file is made
        if output is None:
            _write_export(conn, batch_id, format, raw, excel, delimiter, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        target = output.resolve()  # through a symbolic link, to the file it names
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        # a stop by signal (not only Ctrl-C) ends the export through the cleanup below
        stopped = signal.signal(signal.SIGTERM, _stop_export)
        try:
            with open(partial, "wb") as out:
                if target.exists():  # the new file keeps the old one's permissions
                    os.chmod(partial, target.stat().st_mode & 0o7777)
                _write_export(conn, batch_id, format, raw, excel, delimiter, out)
            partial.replace(target)  # complete, then in place: never a half-written file
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
        finally:
            signal.signal(signal.SIGTERM, stopped)
            partial.unlink(missing_ok=True)


EXPORT_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl",
                     ".ndjson": "jsonl"}  # fmt: skip


def _export_format(format: str | None, output: Path | None, excel: bool) -> tuple[str, str | None]:
    """(format, delimiter): --format, else what the extension of the file written says
    (.tsv: tab-separated), else jsonl (csv with --excel); the delimiter None is the
    default (comma; --excel: the input file's)."""
    target = output.resolve() if output is not None else None  # (a link: the file it names)
    if target is not None and target.is_dir():
        fail(f"{output} is a folder: give a file name", 2)
    extension = target.suffix.lower() if target is not None else ""
    if format is not None:
        format = format.lower()
        if format not in ("csv", "jsonl"):
            fail("--format must be csv or jsonl", 2)
    elif target is not None:
        if extension in (".xlsx", ".xls"):
            fail(f"-o {output}: workbooks are not written; use .csv (with --excel for Excel)", 2)
        format = EXPORT_EXTENSIONS.get(extension)
        if format is None and not excel:
            fail(f"-o {output}: cannot tell the format from {extension or 'no extension'}:"
                 " name a .csv, .tsv or .jsonl file, or give --format", 2)  # fmt: skip
    format = format or ("csv" if excel else "jsonl")
    if excel and format != "csv":
        fail("--excel writes CSV: not JSONL (--format or the file's extension)", 2)
    return format, "\t" if format == "csv" and extension == ".tsv" else None


def _stop_export(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _write_export(
    conn: psycopg.Connection,
    batch: UUID,
    format: str,
    raw: bool,
    excel: bool,
    delimiter: str | None,
    out,
) -> None:
    """Stream the export to a binary file: the database writes the rows (COPY)."""
    for chunk in export_chunks(conn, batch, format, raw, excel, delimiter):
        out.write(chunk)


@app.command("demo", epilog=DATABASE_ENV)
def demo_command() -> None:
    """Six rows, three companies, three calls: the state machine in SQL, rolled back."""
    demo.run(config.database_url(), Console())
