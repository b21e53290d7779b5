"""`enrich ui`: the web dashboard. Server-rendered pages (Jinja2, autoescaped) over the same
SQL functions as the CLI; live progress by Server-Sent Events that read a batch's kept
counts about once a second. Every transaction takes `SET LOCAL ROLE` to the role it needs:
the read-only viewer for pages, the admin for actions (safe behind a transaction pooler)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import jinja2
import psycopg
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from psycopg import sql
from psycopg_pool import ConnectionPool
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pyworker import config, db
from pyworker import load as loader
from pyworker.durations import day_start
from pyworker.export import export_chunks
from pyworker.progress import (
    BATCH_STATUSES,
    NO_WORKER,
    finished_rows,
    status_label,
    steps_finished,
    timing_line,
)
from pyworker.ui.charts import spend_chart
from pyworker.ui.security import Doors, FormGuard

HERE = Path(__file__).resolve().parent
LIVE_SECONDS = 1.0  # how often a live page reads the kept counts
UPLOAD_LIMIT = 2 * 2**30  # bytes
FORM_LIMIT = 64 * 1024  # bytes of a form that is no upload
UPLOAD_KEPT_SECONDS = 3600  # a checked file waits this long for its confirmation
LOOKUP_ROWS = 20  # the newest rows shown of an entity looked up


def when(value: str | None) -> str:
    """A time from the database's JSON (ISO 8601) as people read it, in UTC."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def batch_view(status: dict) -> dict:
    """What the batch pages show of a batch_status, also sent as each live update."""
    rows = status["rows"]
    items = status["items"] or {}
    finished = finished_rows(status)
    failed = items.get("FAILED", 0)
    return {
        "batch_id": status["batch_id"],
        "name": status.get("name"),
        "pipeline": status["pipeline"],
        "status": status["status"],
        "label": status_label(status),
        "tone": "bad" if failed else "good" if status["done"] else "busy",
        "done": status["done"],
        "no_worker": bool(status.get("no_worker")),
        "rows": rows,
        "finished": finished,
        "percent": 100 * finished // rows if rows else 100,
        # the bar's segments, in % of the rows: completed, failed (the rest is still to do)
        "completed_percent": _percent(items.get("COMPLETED", 0), rows),
        "failed_percent": _percent(failed, rows),
        "completed": items.get("COMPLETED", 0),
        "failed": failed,
        "in_progress": items.get("IN_PROGRESS", 0),
        "companies": status.get("companies"),
        "people": status.get("people"),
        "paid_calls": status["paid_calls"],
        "calls_saved": status["calls_saved"],
        # ISO 8601 (a <time>'s datetime: the page shows it in the viewer's zone) and in UTC
        "created_at": status["created_at"],
        "completed_at": status["completed_at"] or "",
        "created_utc": when(status["created_at"]),
        "timing": timing_line(status),
        "completed_utc": when(status["completed_at"]),
        "steps": [
            {
                "step": step["step"],
                "finished": done,
                "completed_percent": _percent(step["counts"].get("COMPLETED", 0), rows),
                # failed here, or before (never reaching it)
                "failed_percent": _percent(
                    step["counts"].get("FAILED", 0) + step.get("not_reached", 0), rows
                ),
                "percent": 100 * done // rows if rows else 100,
                "entities": step.get("entities"),
                "counts": {s: step["counts"].get(s, 0) for s in STEP_STATUSES},
                "not_reached": step.get("not_reached", 0),
            }
            for step, done in steps_finished(status)
        ],
        "failures": status["failures"],
        "waiting": status.get("waiting") or [],
    }


STEP_STATUSES = ("PENDING", "IN_PROGRESS", "WAITING", "COMPLETED", "FAILED")


def _percent(part: int, rows: int) -> float:
    """A bar segment's width: part of the rows, in % (two decimals)."""
    return round(100 * part / rows, 2) if rows else 0.0


# the upload form's encodings: (what the loader takes, what the form says)
UPLOAD_ENCODINGS = (
    ("", "UTF-8 (or UTF-16 with its byte-order mark)"),
    ("cp1252", "Windows-1252 (old Excel exports, Western Europe)"),
    ("latin-1", "ISO-8859-1 (Latin-1)"),
    ("utf-16", "UTF-16"),
    ("mac_roman", "Mac Roman"),
)
# what the loader's messages tell a terminal user to add, and where the form has it
_FORM_CHOICES = {"--encoding": "the Encoding choice", "--map": "the Column choices"}


def _for_the_form(message: str) -> str:
    """A loader message with its command-line options named as the upload form's fields."""
    for option, choice in _FORM_CHOICES.items():
        message = re.sub(rf"{option}\b", choice, message)
    return message


BATCH_PAGE = 50  # batches a page of the list shows


@dataclass(frozen=True)
class BatchFilter:
    """The batch list's choices (its query string): status, pipeline, a search, created on
    or after a date, and the page (after the batch created_at|id shown last)."""

    status: str = ""
    pipeline: str = ""
    q: str = ""
    since: str = ""
    after: str = ""

    @classmethod
    def of(cls, request: Request) -> BatchFilter:
        params = request.query_params
        chosen = cls(**{f: params.get(f, "").strip()[:200] for f in cls.__dataclass_fields__})
        if chosen.status and chosen.status not in BATCH_STATUSES:
            raise HTTPException(400, f"status: one of {', '.join(BATCH_STATUSES)}")
        return chosen

    def read(self, conn: psycopg.Connection) -> list[dict]:
        since = after = None
        if self.since:
            try:
                since = day_start(self.since)
            except ValueError:
                raise HTTPException(400, "since: a date, e.g. 2026-12-01") from None
        if self.after:
            at, _, batch_id = self.after.partition("|")
            after = {"created_at": at, "batch_id": batch_id}
        try:
            return db.find_batches(
                conn,
                self.status or None,
                self.pipeline or None,
                self.q or None,
                since,
                after=after,
                limit=BATCH_PAGE,
            )
        except psycopg.Error as exc:
            if exc.sqlstate == "EN003":  # a page mark made by hand
                raise HTTPException(400, "after: not a page of this list") from None
            raise

    def query(self, **changes: str) -> str:
        """The query string of these choices with some changed (empty ones left out)."""
        values = {**dataclasses.asdict(self), **changes}
        return urlencode({k: v for k, v in values.items() if v})


@dataclass
class Upload:
    """A file uploaded for a batch: dry-run first, loaded once confirmed."""

    path: Path
    name: str
    pipeline: str
    encoding: str | None = None  # None: UTF-8, or UTF-16 by its byte-order mark
    chosen: dict[str, str] = field(default_factory=dict)  # column (lower case) -> field
    mapping: dict[str, str | None] = field(default_factory=dict)
    rows: int = 0
    estimate: list[dict] = field(default_factory=list)
    state: str = "checked"  # checked, loading, loaded, failed
    batch_id: UUID | None = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)


class Dashboard:
    """The database side: a small pool, each transaction in the role it needs."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.pool = ConnectionPool(
            database_url,
            min_size=1,
            max_size=8,
            open=False,
            kwargs={"autocommit": True, **config.connection_options()},
            check=ConnectionPool.check_connection,  # none of a restart's dead ones handed out
        )
        self.viewer = self.admin = ""
        # exports hold a connection while the browser downloads: at most half the pool, so
        # pages always find one
        self.exports = asyncio.Semaphore(4)

    def open(self) -> None:
        self.pool.open(wait=True, timeout=30)
        with self.pool.connection() as conn:
            prefix = conn.execute(
                "select coalesce((select role_prefix from enrich.installation), '')"
            ).fetchone()[0]
        self.viewer, self.admin = f"{prefix}enrich_viewer", f"{prefix}enrich_admin"

    @contextmanager
    def _as(self, role: str, rolled_back: bool = False) -> Iterator[psycopg.Connection]:
        """A transaction of a pooled connection in `role` (SET LOCAL: pooler-safe)."""
        with self.pool.connection() as conn, conn.transaction(force_rollback=rolled_back):
            conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
            yield conn

    def reading(self):
        return self._as(self.viewer)

    def acting(self):
        return self._as(self.admin)

    def would(self, action) -> Any:
        """What an action would do, run as the admin in a transaction rolled back."""
        try:
            with self._as(self.admin, rolled_back=True) as conn:
                return action(conn)
        except psycopg.Error as exc:
            raise HTTPException(400, exc.diag.message_primary or str(exc)) from exc


class Pages:
    """The dashboard's pages and actions, over one Dashboard."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.dash = Dashboard(database_url)
        self.guard = FormGuard()
        self.uploads: dict[str, Upload] = {}
        self.folder = Path(tempfile.mkdtemp(prefix="enrich-ui-"))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,  # every value shown comes from files and Clay: never markup
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["number"] = lambda n: "" if n is None else f"{n:,}"
        self.env.filters["when"] = when
        self.env.globals["no_worker"] = NO_WORKER
        self.gauges = _database_gauges(self.dash)

    def page(self, request: Request, template: str, code: int = 200, **values) -> HTMLResponse:
        html = self.env.get_template(template).render(
            request=request, csrf=self.guard.token, **values
        )
        return HTMLResponse(html, status_code=code)

    async def checked_form(self, request: Request) -> Any:
        """A small form posted from one of our pages (its origin checked before the body is
        read, then its token), or 403."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        host = request.headers.get("host", "")
        if not self.guard.from_here(headers, host):
            raise HTTPException(403, "this form was not posted from the dashboard")
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > FORM_LIMIT:
            raise HTTPException(413, "a form of the dashboard is small")
        form = await request.form(max_files=0, max_fields=10)
        if not self.guard.allows(headers, host, form.get("csrf")):
            raise HTTPException(403, "this form was not posted from the dashboard")
        return form

    # -- batches -------------------------------------------------------------------------
    def batches(self, request: Request) -> HTMLResponse:
        chosen = BatchFilter.of(request)
        with self.dash.reading() as conn:
            views = [batch_view(s) for s in chosen.read(conn)]
            pipelines = [p["name"] for p in db.list_pipelines(conn)]
        older = None
        if len(views) == BATCH_PAGE:  # (the next page starts after the last one shown)
            last = views[-1]
            older = chosen.query(after=f"{last['created_at']}|{last['batch_id']}")
        return self.page(
            request,
            "batches.html",
            batches=views,
            chosen=chosen,
            pipelines=pipelines,
            statuses=BATCH_STATUSES,
            older=older,
        )

    def batch(self, request: Request) -> HTMLResponse:
        batch_id = request.path_params["batch"]
        with self.dash.reading() as conn:
            view = batch_view(_batch_or_404(conn, batch_id))
            for failure in view["failures"][:10]:
                failure["examples"] = db.failure_examples(
                    conn, UUID(batch_id), failure["step"], failure["error"], 3
                )
        return self.page(request, "batch.html", batch=view)

    def export(self, request: Request) -> StreamingResponse:
        batch_id, format = request.path_params["batch"], request.path_params["format"]
        if format not in ("csv", "jsonl", "excel.csv"):
            raise HTTPException(404, "csv, excel.csv or jsonl")
        excel = format == "excel.csv"
        with self.dash.reading() as conn:
            _batch_or_404(conn, batch_id)

        def chunks() -> Iterator[bytes]:  # one transaction from the header to the last row
            with self.dash.reading() as conn:
                yield from export_chunks(
                    conn, UUID(batch_id), "csv" if excel else format, raw=False, excel=excel
                )

        async def streamed():
            """Each chunk read on a thread; the transaction ends when the download does,
            finished or not (a browser that goes away closes the generator here)."""
            async with self.dash.exports:
                source = chunks()
                try:
                    while (chunk := await run_in_threadpool(next, source, None)) is not None:
                        yield chunk
                finally:
                    await run_in_threadpool(source.close)

        media = "application/x-ndjson" if format == "jsonl" else "text/csv"
        return StreamingResponse(
            streamed(),
            media_type=f"{media}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}.{format}"'},
        )

    async def live(self, request: Request) -> StreamingResponse:
        """Server-Sent Events: the batch list, or one batch until it is done."""
        batch_id = request.path_params.get("batch")
        if batch_id is not None:  # an unknown batch: 404, not a stream a browser retries
            await run_in_threadpool(self._check_batch, batch_id)
        chosen = BatchFilter.of(request)  # (the list's: bad choices are a 400 here too)

        def read() -> Any:
            with self.dash.reading() as conn:
                if batch_id is None:  # the list page, as filtered
                    return [batch_view(s) for s in chosen.read(conn)]
                return batch_view(_batch_or_404(conn, batch_id))

        async def events():
            last = None
            while not await request.is_disconnected():
                view = await run_in_threadpool(read)
                data = json.dumps(view, default=str)
                if data != last:
                    yield f"data: {data}\n\n"
                    last = data
                if batch_id is not None and view["done"]:
                    return
                await asyncio.sleep(LIVE_SECONDS)

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    def _check_batch(self, batch_id: str) -> None:
        with self.dash.reading() as conn:
            _batch_or_404(conn, batch_id)

    # -- workflows -----------------------------------------------------------------------
    def workflows(self, request: Request) -> HTMLResponse:
        with self.dash.reading() as conn:
            rows = db.workflows_overview(conn)
            dispatches = db.dispatch_counts(conn)
        return self.page(request, "workflows.html", workflows=rows, dispatches=dispatches)

    def confirm(self, request: Request) -> HTMLResponse:
        """What an action will do (and the paid calls it may cause), before it is done."""
        slug, action = request.path_params["slug"], request.path_params["action"]
        budget = request.query_params.get("daily_budget")
        if action not in ACTIONS:
            raise HTTPException(404, "no such action")
        with self.dash.reading() as conn:
            workflow = next((w for w in db.workflows_overview(conn) if w["slug"] == slug), None)
            queued = db.dispatch_counts(conn).get(slug, {}).get("QUEUED", 0)
        if workflow is None:
            raise HTTPException(404, "no such workflow")
        if action == "budget":
            _budget(budget)  # refused before asking
        paid = {  # a retry is a paid re-send per entity; a resume lets what waits be sent
            "retry": lambda: self.dash.would(_workflow_action(slug, "retry")),
            "resume": lambda: queued,
        }.get(action, lambda: 0)()
        return self.page(
            request, "confirm.html", workflow=workflow, action=action, paid=paid, budget=budget
        )

    async def act(self, request: Request) -> RedirectResponse:
        slug, action = request.path_params["slug"], request.path_params["action"]
        if action not in ACTIONS:
            raise HTTPException(404, "no such action")
        form = await self.checked_form(request)

        def run() -> None:
            try:
                with self.dash.acting() as conn:
                    _workflow_action(slug, action, form.get("daily_budget"))(conn)
            except psycopg.Error as exc:
                raise HTTPException(400, exc.diag.message_primary or str(exc)) from exc

        await run_in_threadpool(run)
        return RedirectResponse("/workflows", status_code=303)

    # -- lookup and spend ----------------------------------------------------------------
    def entities(self, request: Request) -> HTMLResponse:
        query = request.query_params.get("q", "").replace("\x00", "").strip()[:500]
        found: dict[str, Any] = {"read_as": [], "entities": []}
        if query:
            with self.dash.reading() as conn:
                found = db.lookup_entity(conn, query, LOOKUP_ROWS)
        return self.page(request, "entities.html", query=query, lookup=found)

    def spend(self, request: Request) -> HTMLResponse:
        with self.dash.reading() as conn:
            rows = db.spend_by_day(conn, None)
        days: dict[str, dict] = {}
        for row in rows:
            day = days.setdefault(str(row["day"]), {"day": str(row["day"]), "paid": 0, "saved": 0})
            day["paid"] += row["paid_calls"]
            day["saved"] += row["calls_saved"]
        shown = [days[d] for d in sorted(days)][-60:]  # the last 60 days with any
        return self.page(
            request, "spend.html", chart=spend_chart(shown), days=shown[::-1], rows=rows
        )

    def metrics(self, request: Request) -> Response:
        return Response(generate_latest(self.gauges()), media_type=CONTENT_TYPE_LATEST)

    # -- upload: dry run, confirmation, load ---------------------------------------------
    def upload_form(
        self,
        request: Request,
        error: str | None = None,
        code: int = 200,
        chosen: dict[str, str] | None = None,
    ):
        with self.dash.reading() as conn:
            pipelines = db.list_pipelines(conn)
        return self.page(
            request,
            "upload.html",
            code,
            pipelines=pipelines,
            error=error,
            encodings=UPLOAD_ENCODINGS,
            chosen={"pipeline": "", "encoding": "", "columns": "", **(chosen or {})},
        )

    async def upload(self, request: Request) -> HTMLResponse:
        # checked before the body is read: a cross-site or oversized post writes nothing
        headers = {k.lower(): v for k, v in request.headers.items()}
        host = request.headers.get("host", "")
        if not self.guard.from_here(headers, host):
            raise HTTPException(403, "this form was not posted from the dashboard")
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > UPLOAD_LIMIT:
            raise HTTPException(413, f"files up to {UPLOAD_LIMIT // 2**30} GB")
        self._forget_stale_uploads()
        form = await request.form(max_files=1, max_fields=8)
        if not self.guard.allows(headers, host, form.get("csrf")):  # (before the file is kept)
            raise HTTPException(403, "this form was not posted from the dashboard")
        file, pipeline = form.get("file"), str(form.get("pipeline") or "")
        encoding = str(form.get("encoding") or "")
        chosen = {
            "pipeline": pipeline,
            "encoding": encoding,
            "columns": str(form.get("columns") or ""),
        }
        if encoding not in dict(UPLOAD_ENCODINGS):
            return self.upload_form(request, "choose an encoding of the list", 400, chosen)
        try:
            choices = loader.chosen_columns(
                [line for line in chosen["columns"].splitlines() if line.strip()]
            )
        except loader.LoadError as exc:
            return self.upload_form(request, f"{exc} (in Column choices)", 400, chosen)
        if not isinstance(file, UploadFile) or not file.filename:
            return self.upload_form(request, "choose a CSV or JSONL file", 400, chosen)
        token = secrets.token_urlsafe(16)
        suffix = "".join(Path(file.filename).suffixes[-2:])
        path = self.folder / (token + (suffix if suffix.isascii() and len(suffix) < 16 else ""))
        await _save(file, path)
        entry = Upload(path, file.filename.replace("\x00", ""), pipeline, encoding or None, choices)

        def dry_run() -> None:
            columns = loader.Columns(chosen=choices, on_mapping=entry.mapping.update)
            entry.rows, entry.estimate = loader.estimate(
                self.database_url, str(path), pipeline, columns=columns, encoding=entry.encoding
            )

        try:
            await run_in_threadpool(dry_run)
        except (loader.LoadError, psycopg.Error) as exc:
            path.unlink(missing_ok=True)
            message = str(exc)
            if isinstance(exc, psycopg.Error):
                message = exc.diag.message_primary or message
            return self.upload_form(
                request, f"{file.filename}: {_for_the_form(message)} (nothing loaded)", 400, chosen
            )
        self.uploads[token] = entry
        return self.page(
            request,
            "upload_check.html",
            token=token,
            upload=entry,
            fields={key for key in entry.mapping.values() if loader.field_of(key)},
        )

    def _forget_stale_uploads(self) -> None:
        """Checked files nobody confirmed within UPLOAD_KEPT_SECONDS are deleted."""
        for token, entry in list(self.uploads.items()):
            if entry.state == "checked" and time.monotonic() - entry.at > UPLOAD_KEPT_SECONDS:
                entry.path.unlink(missing_ok=True)
                del self.uploads[token]

    async def upload_start(self, request: Request) -> RedirectResponse:
        await self.checked_form(request)
        token = request.path_params["token"]
        entry = self.uploads.get(token)
        if entry is None:
            raise HTTPException(404, "no such upload")
        if entry.state == "checked":  # once, however often the form is posted
            entry.state = "loading"
            threading.Thread(
                target=self._load, args=(entry,), name="enrich-ui-load", daemon=True
            ).start()
        return RedirectResponse(f"/uploads/{token}", status_code=303)

    def _load(self, entry: Upload) -> None:
        try:
            entry.batch_id, entry.rows = loader.load(
                self.database_url,
                str(entry.path),
                entry.pipeline,
                encoding=entry.encoding,
                columns=loader.Columns(chosen=entry.chosen),
                name=loader.batch_name(entry.name),
            )
            entry.state = "loaded"
        except Exception as exc:  # shown on the upload's page
            entry.error, entry.state = str(exc), "failed"
        finally:
            entry.path.unlink(missing_ok=True)

    def upload_status(self, request: Request) -> Response:
        entry = self.uploads.get(request.path_params["token"])
        if entry is None:
            raise HTTPException(404, "no such upload")
        if entry.state == "loaded":
            return RedirectResponse(f"/batches/{entry.batch_id}", status_code=303)
        return self.page(request, "upload_status.html", upload=entry)

    async def error(self, request: Request, exc: HTTPException) -> HTMLResponse:
        return self.page(request, "error.html", exc.status_code, message=exc.detail)


ACTIONS = ("pause", "resume", "retry", "budget")


def create_app(database_url: str, user: str = "admin", password: str | None = None):
    """The dashboard as an ASGI app (HTTP Basic in front when a password is given; without
    one it answers only to a loopback host name)."""
    pages = Pages(database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        await run_in_threadpool(pages.dash.open)
        try:
            yield
        finally:
            await run_in_threadpool(pages.dash.pool.close)
            shutil.rmtree(pages.folder, ignore_errors=True)

    app = Starlette(
        routes=[
            Route("/", pages.batches),
            Route("/batches/{batch}", pages.batch),
            Route("/batches/{batch}/export.{format}", pages.export),
            Route("/live/batches", pages.live),
            Route("/live/batches/{batch}", pages.live),
            Route("/upload", pages.upload_form),
            Route("/upload", pages.upload, methods=["POST"]),
            Route("/uploads/{token}/start", pages.upload_start, methods=["POST"]),
            Route("/uploads/{token}", pages.upload_status),
            Route("/workflows", pages.workflows),
            Route("/workflows/{slug}/{action}", pages.confirm),
            Route("/workflows/{slug}/{action}", pages.act, methods=["POST"]),
            Route("/entities", pages.entities),
            Route("/spend", pages.spend),
            Route("/metrics", pages.metrics),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        exception_handlers={HTTPException: pages.error},
        lifespan=lifespan,
    )
    return Doors(app, user, password)


def _batch_or_404(conn: psycopg.Connection, batch: str) -> dict:
    try:
        status = db.batch_status(conn, UUID(batch))
    except ValueError:
        status = None
    if status is None:
        raise HTTPException(404, "no such batch")
    return status


def _workflow_action(slug: str, action: str, budget: str | None = None):
    """The action as a function of a connection (the admin's transaction)."""

    def run(conn: psycopg.Connection) -> Any:
        if action in ("pause", "resume"):
            return db.pause_workflow(conn, slug, action == "pause")
        if action == "retry":
            return db.retry_failed(conn, None, slug, None)
        limit = _budget(budget)
        if limit is None:
            return db.set_workflow(conn, slug, clear_daily_budget=True)
        return db.set_workflow(conn, slug, daily_budget=limit)

    return run


async def _save(file: UploadFile, path: Path) -> None:
    size = 0
    with path.open("wb") as out:
        while chunk := await file.read(2**20):
            size += len(chunk)
            if size > UPLOAD_LIMIT:
                out.close()
                path.unlink()
                raise HTTPException(413, f"files up to {UPLOAD_LIMIT // 2**30} GB")
            out.write(chunk)


def _budget(value: str | None) -> int | None:
    """A daily budget from a form: a whole number of paid calls, or none (unlimited)."""
    text = (value or "").strip().lower()
    if text in ("", "none"):
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > 2**31 - 1:
        raise HTTPException(400, "a daily budget is a whole number of paid calls, or none")
    return int(text)


def _database_gauges(dash: Dashboard):
    """The database-wide figures for Prometheus, read at each scrape (from this one place:
    workers export only their own work, so sums never count twice)."""

    def collect() -> CollectorRegistry:
        registry = CollectorRegistry()
        queued = Gauge(
            "enrich_dispatches_queued", "Dispatches waiting to be sent", ["workflow"],
            registry=registry,
        )  # fmt: skip
        left = Gauge(
            "enrich_webhook_submissions_left", "Submissions a webhook has left",
            ["workflow", "webhook"], registry=registry,
        )  # fmt: skip
        paid = Gauge(
            "enrich_paid_calls_today", "Paid Clay calls booked today (UTC)", ["workflow"],
            registry=registry,
        )  # fmt: skip
        alive = Gauge("enrich_workers_alive", "Workers with a current heartbeat", registry=registry)
        waiting = Gauge(
            "enrich_dispatches_waiting",
            "Queued dispatches that cannot be sent now, by why (paused, daily_budget, ...)",
            ["workflow", "kind"],
            registry=registry,
        )
        with dash.reading() as conn:
            dispatches = db.dispatch_counts(conn)
            for workflow in db.workflows_overview(conn):
                slug = workflow["slug"]
                queued.labels(slug).set(dispatches.get(slug, {}).get("QUEUED", 0))
                paid.labels(slug).set(workflow.get("paid_calls_today") or 0)
                for hook in workflow["webhooks"]:  # by position: a webhook URL is a credential
                    if not hook["retired"]:
                        left.labels(workflow["slug"], str(hook["position"])).set(hook["remaining"])
            alive.set(sum(1 for p in db.live_processes(conn) if p["kind"] == "worker"))
            for reason in db.dispatch_wait_reasons(conn):
                waiting.labels(reason["workflow_slug"], reason["kind"]).set(reason["queued"])
        return registry

    return collect
