"""`enrich serve`: the HTTP receiver for Clay's callbacks (Starlette).

Thin: it authenticates the caller and calls enrich.receive_result; the SQL function decides
everything, so a bad request can change nothing. Replies (DESIGN.md §3): 200
{"status": "completed" | "duplicate"}; 400 malformed; 401 missing or wrong secret; 404
unknown workflow or entity; 413 body over 1 MiB. GET /healthz, GET /metrics (Prometheus).
"""

from __future__ import annotations

import hmac
import json
import time
from contextlib import asynccontextmanager

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
_NOT_FOUND = {"EN001", "EN002"}
_BAD_INPUT_CLASSES = ("22",)  # data exceptions: e.g. \u0000 in JSON text
_RETRYABLE = {"40001", "40P01"}


class BodyTooLarge(Exception):
    pass


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


def create_app(database_url: str, callback_secret: str | None) -> Starlette:
    """callback_secret None means no authentication (only with --insecure-no-secret)."""
    db = AsyncDb(database_url, max_size=8)
    registry = CollectorRegistry()
    callbacks = Counter(
        "enrich_callbacks_total", "Callbacks by outcome", ["outcome"], registry=registry
    )
    latency = Histogram("enrich_callback_seconds", "Callback handling time", registry=registry)
    expected = f"Bearer {callback_secret}".encode() if callback_secret else None

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
        slug = request.path_params["slug"]
        if expected is not None:
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                return reply("unauthorized", 401, error="missing or wrong bearer secret")
        try:
            body = await _read_body(request)
        except BodyTooLarge:
            return reply("too_large", 413, error="body over 1 MiB")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return reply("malformed", 400, error="body is not UTF-8 JSON")
        if not isinstance(payload, dict):
            return reply("malformed", 400, error="body must be a JSON object")
        for attempt in range(3):
            try:
                outcome = await db.receive_result(slug, payload)
                return reply(outcome, 200, status=outcome)
            except psycopg.Error as exc:
                state = exc.sqlstate or ""
                if state in _NOT_FOUND:
                    return reply("not_found", 404, error=exc.diag.message_primary or "not found")
                if state == "EN003" or state.startswith(_BAD_INPUT_CLASSES):
                    return reply("malformed", 400, error=exc.diag.message_primary or "malformed")
                if state in _RETRYABLE and attempt < 2:
                    continue
                log("callback_error", workflow=slug, sqlstate=state, error=type(exc).__name__)
                return reply("error", 503, error="database unavailable, retry later")
        return reply("error", 503, error="database busy, retry later")

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
        log("receiver_started", authenticated=expected is not None)
        yield
        await db.close()

    return Starlette(
        routes=[
            Route("/callbacks/{slug}", callback, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
