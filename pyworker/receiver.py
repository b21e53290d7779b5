"""`enrich serve`: the HTTP receiver for Clay's callbacks (Starlette).

Thin: it authenticates the caller and hands the payload to SQL, which decides everything, so
a bad request can change nothing. Callbacks that arrive while earlier ones are being
recorded are recorded together: one enrich.receive_results call (one transaction, one
cascade) for the lot, each with its own outcome or error, the same as
enrich.receive_result would give it alone (group commit: under load, fewer and larger
transactions; alone, a callback goes straight through). Replies (README.md, "CLI"): 200
{"status": "completed" | "duplicate"}; 400 malformed; 401 missing or wrong secret; 404
unknown workflow or entity; 413 body over 1 MiB. A body must be a JSON object nested at most
MAX_JSON_DEPTH levels. GET /healthz, GET /metrics (Prometheus).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import time
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pyworker.db import AsyncDb
from pyworker.logs import log

MAX_BODY_BYTES = 1024 * 1024
# A slow client (or one that stops half-way) holds a body and a task: its body must arrive
# within BODY_SECONDS, and at most BODIES_AT_ONCE are read at a time (so bodies held in
# memory stay under BODIES_AT_ONCE x MAX_BODY_BYTES); one that cannot start within
# BODY_SECONDS is told to retry (503). Header timeouts are the proxy's (README, Deployment).
BODY_SECONDS = 5.0
BODIES_AT_ONCE = 64
# what enrich.workflows allows (slug_is_identifier): anything else is no workflow, 404
WORKFLOW_SLUG = re.compile(r"[a-z][a-z0-9_]*")
MAX_JSON_DEPTH = 32  # nested objects/arrays in a callback; Clay's results use a few
_NOT_FOUND = {"EN001", "EN002"}
_BAD_INPUT_CLASSES = ("22",)  # data exceptions: e.g. \u0000 in JSON text
_RETRYABLE = {"40001", "40P01"}


MAX_GROUP = 64  # callbacks recorded in one transaction, at most
# Groups recorded at once (each holds one pooled connection). Two: results for one batch
# queue for its row at the end of every cascade (enrich._refresh_batch_status), so more
# concurrent groups mostly wait there, and make smaller groups (more PostgreSQL CPU per
# callback).
RECORDERS = 2


class BodyTooLarge(Exception):
    pass


class Recorder:
    """Records callbacks through SQL, grouping those that wait at the same time.

    RECORDERS tasks each take every queued callback (up to MAX_GROUP), and record them with
    one enrich.receive_results call per workflow. Each caller gets its own (outcome,
    sqlstate, message). If the group's call fails as a whole (a payload PostgreSQL refuses
    as jsonb, a deadlock, a lost connection), each callback of the group is recorded alone
    through enrich.receive_result, so a failure stays with its own callback."""

    def __init__(self, db: AsyncDb) -> None:
        self.db = db
        self.queue: asyncio.Queue = asyncio.Queue()
        self.tasks: list[asyncio.Task] = []

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self._run()) for _ in range(RECORDERS)]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def record(self, slug: str, payload: dict) -> tuple[str | None, str | None, str | None]:
        """(outcome, None, None), or (None, sqlstate, message) for a refused callback; raises
        psycopg.Error when the database fails."""
        future = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((slug, payload, future))
        return await future

    async def _run(self) -> None:
        while True:
            group = [await self.queue.get()]
            while len(group) < MAX_GROUP and not self.queue.empty():
                group.append(self.queue.get_nowait())
            by_slug: dict[str, list] = {}
            for entry in group:
                by_slug.setdefault(entry[0], []).append(entry)
            for slug, entries in by_slug.items():
                await self._record(slug, entries)

    async def _record(self, slug: str, entries: list) -> None:
        entries = [entry for entry in entries if not entry[2].done()]  # caller gone
        if not entries:
            return
        try:
            results = await self.db.receive_results(slug, [payload for _, payload, _ in entries])
        except psycopg.Error:
            unreachable: psycopg.Error | None = None
            for _, payload, future in entries:
                if unreachable is not None:  # the rest would each wait out the pool timeout
                    _settle(future, error=unreachable)
                    continue
                try:
                    outcome = await self.db.receive_result(slug, payload)
                except psycopg.Error as exc:
                    _settle(future, error=exc)
                    if _database_unreachable(exc):
                        unreachable = exc
                else:
                    _settle(future, (outcome, None, None))
            return
        except Exception as exc:  # a bug: its callers get a 500, the recorder goes on
            log("callback_error", workflow=slug, error=type(exc).__name__)
            for _, _, future in entries:
                _settle(future, error=exc)
            return
        except BaseException as exc:  # cancelled: no caller waits for ever
            for _, _, future in entries:
                _settle(future, error=exc)
            raise
        for (_, _, future), result in zip(entries, results, strict=True):
            _settle(future, result)


def _database_unreachable(exc: psycopg.Error) -> bool:
    """No connection (pool timeout, connection lost or refused, server shutting down), as
    opposed to a refusal of this callback or a conflict: the callers get 503 and retry."""
    state = exc.sqlstate
    return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03")


def _settle(future: asyncio.Future, result: Any = None, error: BaseException | None = None):
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _nested_deeper_than(value: object, limit: int) -> bool:
    """Whether objects/arrays nest more than `limit` levels (iterative: no recursion)."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict | list):
            if depth > limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            pending.extend((child, depth + 1) for child in children)
    return False


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge
    return bytes(body)


class Refused(Exception):
    """A callback refused before it reaches the database: (outcome, HTTP code, error)."""

    def __init__(self, outcome: str, code: int, error: str) -> None:
        super().__init__(error)
        self.outcome, self.code, self.error = outcome, code, error


def _authorized(request: Request, expected: list[bytes]) -> bool:
    given = request.headers.get("authorization", "").encode()
    # every candidate compared in constant time, none skipped: the reply time does not tell
    # which secret (if any) matched
    matches = [hmac.compare_digest(given, secret) for secret in expected]
    return any(matches)


class BodyReader:
    """Reads callback bodies: at most BODIES_AT_ONCE at a time, each within body_seconds."""

    def __init__(self, body_seconds: float = BODY_SECONDS) -> None:
        self.body_seconds = body_seconds
        self.slots = asyncio.Semaphore(BODIES_AT_ONCE)

    async def read(self, request: Request) -> bytes:
        try:
            async with asyncio.timeout(self.body_seconds):
                await self.slots.acquire()
        except TimeoutError:
            raise Refused("busy", 503, "too many callbacks being read: retry later") from None
        try:
            async with asyncio.timeout(self.body_seconds):
                return await _read_body(request)
        except TimeoutError:
            raise Refused(
                "slow", 408, f"body not received within {self.body_seconds:g} s"
            ) from None
        finally:
            self.slots.release()


async def _payload_of(request: Request, reader: BodyReader) -> dict:
    """The callback's JSON object, or Refused (413 too large, 408 too slow, 400 malformed)."""
    try:
        body = await reader.read(request)
    except BodyTooLarge:
        raise Refused("too_large", 413, "body over 1 MiB") from None
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refused("malformed", 400, "body is not UTF-8 JSON") from None
    if not isinstance(payload, dict):
        raise Refused("malformed", 400, "body must be a JSON object")
    if _nested_deeper_than(payload, MAX_JSON_DEPTH):
        raise Refused("malformed", 400, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return payload


async def _record(recorder: Recorder, slug: str, payload: dict) -> tuple[str, int, dict]:
    """Record one callback (retried on a serialization failure or deadlock): its metric
    outcome, HTTP code and reply body. The one place SQLSTATEs become HTTP replies."""
    for attempt in range(3):
        try:
            outcome, state, message = await recorder.record(slug, payload)
        except psycopg.Error as exc:
            outcome, state = None, exc.sqlstate or ""
            message = exc.diag.message_primary
            if state in _RETRYABLE and attempt < 2:
                continue
        if outcome is not None:
            return outcome, 200, {"status": outcome}
        if state in _NOT_FOUND:
            return "not_found", 404, {"error": message or "not found"}
        if state == "EN003" or state.startswith(_BAD_INPUT_CLASSES):
            return "malformed", 400, {"error": message or "malformed"}
        log("callback_error", workflow=slug, sqlstate=state, error="database error")
        return "error", 503, {"error": "database unavailable, retry later"}
    return "error", 503, {"error": "database busy, retry later"}


def create_app(
    database_url: str,
    callback_secret: str | None,
    previous_secret: str | None = None,
    body_seconds: float = BODY_SECONDS,
) -> Starlette:
    """callback_secret None means no authentication (only with --insecure-no-secret).
    previous_secret, while set, is accepted too: rotate a secret without downtime.
    body_seconds: how long a callback's body may take to arrive."""
    bodies = BodyReader(body_seconds)
    db = AsyncDb(database_url, max_size=8)
    recorder = Recorder(db)
    registry = CollectorRegistry()
    callbacks = Counter(
        "enrich_callbacks_total", "Callbacks by outcome", ["outcome"], registry=registry
    )
    latency = Histogram("enrich_callback_seconds", "Callback handling time", registry=registry)
    expected = (
        [f"Bearer {secret}".encode() for secret in (callback_secret, previous_secret) if secret]
        if callback_secret
        else None
    )

    def reply(outcome: str, code: int, **body: str) -> JSONResponse:
        callbacks.labels(outcome=outcome).inc()
        return JSONResponse(body, status_code=code)

    async def callback(request: Request) -> JSONResponse:
        started = time.perf_counter()
        try:
            return await _callback(request)
        finally:
            latency.observe(time.perf_counter() - started)

    async def _callback(request: Request) -> JSONResponse:
        if expected is not None and not _authorized(request, expected):
            return reply("unauthorized", 401, error="missing or wrong bearer secret")
        try:
            payload = await _payload_of(request, bodies)
        except Refused as refused:
            return reply(refused.outcome, refused.code, error=refused.error)
        slug = request.path_params["slug"]
        if not WORKFLOW_SLUG.fullmatch(slug):  # (a NUL would not even reach PostgreSQL)
            return reply("not_found", 404, error="unknown workflow")
        outcome, code, body = await _record(recorder, slug, payload)
        return reply(outcome, code, **body)

    async def healthz(request: Request) -> JSONResponse:
        try:
            await db.ping()
        except Exception:  # any failure to answer is unhealthy
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        await db.open()
        recorder.start()
        log("receiver_started", authenticated=expected is not None)
        yield
        await recorder.stop()
        await db.close()

    app = Starlette(
        routes=[
            Route("/callbacks/{slug}", callback, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    # a slug with a slash in it (/callbacks/a%2F) is no workflow: 404, not a redirect that
    # a caller might follow with its body and secret
    app.router.redirect_slashes = False
    return app
