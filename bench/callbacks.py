"""Callbacks: Clay's results arriving over HTTP at `enrich serve`, against a one-insert floor.

State: one `company` batch of 5 rows per company, loaded through our own SQL path (COPY +
enrich.start_batch), so every company is IN_PROGRESS with 5 linked items (1 IN_PROGRESS, 4
WAITING). That database is the template; every round gets a fresh copy of it.

Per round, alternating:
- **enrich**: `enrich serve` as a subprocess; one callback per company, each completing the
  entity, cascading COMPLETED to its 5 items and finishing them (and, with the last one, the
  batch). Afterwards every entity must be COMPLETED and every item finished.
- **floor**: a minimal Starlette endpoint on the same stack (uvicorn, one process, the same
  psycopg pool as the receiver, the same bearer check and JSON parsing) that inserts one row
  per request into a table.

The load generator is a separate process (`python -m bench.callbacks load ...`): httpx async
clients at a fixed concurrency, keep-alive, one latency sample per request. Any non-200
reply fails the benchmark. Reported: callbacks/s, p50/p99 latency (medians over rounds) and
the ratio enrich / floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg

from bench import common
from pyworker import db as enrich_db
from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.load.copy_format import copy_items
from pyworker.servers import free_port
from pyworker.testing.scratch_db import create_database, drop_database, url_for
from pyworker.testing.wait import answers, wait_for

SLUG = COMPANY_WORKFLOW
SECRET = "bench-callback-secret"
ITEMS_PER_COMPANY = 5
CONCURRENCY = 16
FLOOR_TABLE = "create table if not exists public.bench_floor (id bigint generated always as identity primary key, entity_id uuid not null, payload jsonb not null, received_at timestamptz not null default now())"  # noqa: E501
ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

TARGET_RATE = 1000.0
TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0


# -- state ---------------------------------------------------------------------------------
def prepare(url: str, companies: int) -> list[str]:
    """A `company` batch of ITEMS_PER_COMPANY rows per company, COPYed and started; returns
    the company ids (all IN_PROGRESS)."""
    common.unlimited_workflows(url, "http://127.0.0.1:9")  # a webhook is configured
    rows = (
        (
            company * ITEMS_PER_COMPANY + k + 1,
            {
                "email": f"person{k}.c{company}@acme{company}.com",
                "first_name": f"P{k}",
                "company_domain": f"acme{company}.com",
                "company_name": f"Acme {company}",
            },
        )
        for company in range(companies)
        for k in range(ITEMS_PER_COMPANY)
    )
    with enrich_db.connect(url, autocommit=False) as conn:
        batch_id = enrich_db.open_batch(conn, "company")
        copy_items(conn, batch_id, rows)
        enrich_db.start_batch(conn, batch_id)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze")
        conn.execute(FLOOR_TABLE)
        ids = [
            str(row[0])
            for row in conn.execute(
                "select company_id from enrich.company_workflow_states"
                " where workflow_slug = %s and status = 'IN_PROGRESS' order by company_id",
                (SLUG,),
            )
        ]
        waiting = conn.execute(
            "select count(*) from enrich.workflow_states"
            " where step_name = %s and status in ('IN_PROGRESS', 'WAITING')",
            (SLUG,),
        ).fetchone()[0]
    if len(ids) != companies or waiting != companies * ITEMS_PER_COMPANY:
        raise RuntimeError(f"prepared {len(ids)} companies and {waiting} open items")
    return ids


def verify_enrich(url: str, companies: int) -> None:
    with psycopg.connect(url) as conn:
        entities, items, open_states, results, batches, completed_logs = conn.execute(
            "select (select count(*) from enrich.company_workflow_states"
            "         where workflow_slug = %(s)s and status = 'COMPLETED'),"
            " (select count(*) from enrich.batch_items"
            "   where status = 'COMPLETED' and finished_at is not null),"
            " (select count(*) from enrich.workflow_states where status <> 'COMPLETED'),"
            " (select count(*) from enrich.company_enrichment_results),"
            " (select count(*) from enrich.batches where status <> 'COMPLETED'),"
            " (select count(*) from enrich.callback_log where outcome = 'completed')",
            {"s": SLUG},
        ).fetchone()
    expected = (companies, companies * ITEMS_PER_COMPANY, 0, companies, 0, companies)
    got = (entities, items, open_states, results, batches, completed_logs)
    if got != expected:
        raise RuntimeError(
            "enrich round did not finish its work: (completed entities, finished items,"
            f" unfinished item steps, results, open batches, completed callbacks) = {got},"
            f" expected {expected}"
        )


def verify_floor(url: str, companies: int) -> None:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select count(*) from public.bench_floor").fetchone()[0]
    if rows != companies:
        raise RuntimeError(f"floor round inserted {rows} rows, expected {companies}")


# -- the floor server ----------------------------------------------------------------------
def floor_app(database_url: str, callback_secret: str):
    """The least a callback endpoint on our stack can do: check the bearer secret, parse the
    JSON body, insert one row through the same kind of pool as the receiver, reply 200."""
    import hmac
    from contextlib import asynccontextmanager

    from psycopg.types.json import Jsonb
    from psycopg_pool import AsyncConnectionPool
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    pool = AsyncConnectionPool(
        database_url,
        min_size=1,
        max_size=8,
        open=False,
        kwargs={"autocommit": True},
        check=AsyncConnectionPool.check_connection,
        reconnect_timeout=0,
    )
    expected = f"Bearer {callback_secret}".encode()

    async def callback(request: Request) -> JSONResponse:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        payload = json.loads((await request.body()).decode("utf-8"))
        async with pool.connection() as conn:
            await conn.execute(
                "insert into public.bench_floor (entity_id, payload) values (%s, %s)",
                (payload["company_id"], Jsonb(payload)),
            )
        return JSONResponse({"status": "completed"})

    async def healthz(request: Request) -> JSONResponse:
        async with pool.connection() as conn:
            await conn.execute("select true")
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette):
        await pool.open(wait=False)
        yield
        await pool.close()

    return Starlette(
        routes=[
            Route("/callbacks/{slug}", callback, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def serve_floor(port: int) -> None:
    import uvicorn

    app = floor_app(os.environ["DATABASE_URL"], os.environ["ENRICH_CALLBACK_SECRET"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# -- the load generator (its own process) ---------------------------------------------------
async def _load(base: str, ids: list[str], concurrency: int) -> dict:
    """`concurrency` keep-alive HTTP/1.1 connections, each sending its next callback as soon
    as the previous reply is read. A few lines of asyncio streams rather than an HTTP client
    library: on a 2-core machine the load generator shares the CPU with the server and
    PostgreSQL, and httpx spends ~2 ms of CPU per request (more than the floor server)."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    queue = iter(ids)

    async def request(reader, writer, method: str, path: str, body: bytes = b"") -> int:
        head = (
            f"{method} {path} HTTP/1.1\r\nhost: {host}:{port}\r\n"
            f"authorization: Bearer {SECRET}\r\n"
            f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode() + body)
        header = await reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            key, _, value = line.partition(":")
            if key.lower() == "content-length":
                length = int(value)
        if length:
            await reader.readexactly(length)
        return int(lines[0].split(" ", 2)[1])

    async def one_client(connected: asyncio.Event, go: asyncio.Event) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        for _ in range(2):  # warm-up: the connection and the server's pool
            await request(reader, writer, "GET", "/healthz")
        connected.set()
        await go.wait()
        for entity_id in queue:
            body = json.dumps(
                {
                    "company_id": entity_id,
                    "industry": "Software",
                    "employees": 120,
                    "country": "GB",
                    "linkedin": f"https://www.linkedin.com/company/{entity_id[:8]}",
                }
            ).encode()
            started = time.perf_counter()
            try:
                statuses[await request(reader, writer, "POST", f"/callbacks/{SLUG}", body)] += 1
            except (OSError, asyncio.IncompleteReadError, ValueError):
                statuses[-1] += 1
                reader, writer = await asyncio.open_connection(host, int(port))
            latencies.append(time.perf_counter() - started)
        writer.close()

    ready = [asyncio.Event() for _ in range(concurrency)]
    go = asyncio.Event()
    clients = [asyncio.create_task(one_client(event, go)) for event in ready]
    await asyncio.gather(*(event.wait() for event in ready))
    started = time.perf_counter()
    go.set()
    await asyncio.gather(*clients)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "requests": len(latencies),
        "statuses": {str(code): count for code, count in statuses.items()},
        "p50_ms": common.percentile(latencies, 0.50) * 1000,
        "p99_ms": common.percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies) * 1000,
    }


def run_load(base: str, ids_file: Path, concurrency: int) -> dict:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.callbacks",
            "load",
            base,
            str(ids_file),
            "--concurrency",
            str(concurrency),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# -- one round -------------------------------------------------------------------------------
def round_of(
    system: str, template: str, ids_file: Path, companies: int, workdir: Path, concurrency: int
) -> dict:
    name = create_database(template=template)
    url = url_for(name)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "ENRICH_CALLBACK_SECRET": SECRET}
    if system == "enrich":
        command = [str(VENV_BIN / "enrich"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    else:
        command = [sys.executable, "-m", "bench.callbacks", "serve-floor", str(port)]
    log_path = workdir / f"{system}-server.log"
    try:
        with open(log_path, "w") as log:
            server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            wait_for(answers(f"{base}/healthz", server, log_path), 30, f"{system} server")
            figures = run_load(base, ids_file, concurrency)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        bad = {code: n for code, n in figures["statuses"].items() if code != "200"}
        if bad or figures["requests"] != companies:
            raise RuntimeError(
                f"{system}: {figures['requests']} requests, non-200 replies {bad}; server log:\n"
                + log_path.read_text()[-4000:]
            )
        if system == "enrich":
            verify_enrich(url, companies)
        else:
            verify_floor(url, companies)
    finally:
        drop_database(name)
    return {
        "callbacks_per_s": companies / figures["seconds"],
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["p99_ms"],
        "seconds": figures["seconds"],
    }


def main(quick: bool) -> None:
    companies = 2_000 if quick else 20_000
    rounds = 1 if quick else 3
    common.console.rule(
        f"callbacks: {companies:,} callbacks x {ITEMS_PER_COMPANY} items, concurrency"
        f" {CONCURRENCY}, {rounds} round(s)"
    )
    with common.scratch_database() as template_url, tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        ids = prepare(template_url, companies)
        common.console.print(
            f"  prepared {companies:,} companies / {companies * ITEMS_PER_COMPANY:,} rows"
            f" in {time.perf_counter() - started:.1f} s"
        )
        ids_file = workdir / "ids.txt"
        ids_file.write_text("\n".join(ids))
        template = psycopg.conninfo.conninfo_to_dict(template_url)["dbname"]
        measured = common.alternate(
            {
                name: (
                    lambda name=name: round_of(
                        name, template, ids_file, companies, workdir, CONCURRENCY
                    )
                )
                for name in ("enrich", "floor")
            },
            rounds,
        )
    ours, floor = common.medians(measured["enrich"]), common.medians(measured["floor"])
    ratio = ours["callbacks_per_s"] / floor["callbacks_per_s"]
    rows = [
        {
            "system": name,
            "callbacks/s": figures["callbacks_per_s"],
            "p50 ms": figures["p50_ms"],
            "p99 ms": figures["p99_ms"],
            "rounds": len(measured[key]),
        }
        for key, name, figures in (
            ("enrich", "enrich serve (result + cascade)", ours),
            ("floor", "floor (one insert)", floor),
        )
    ]
    summary = {
        "callbacks": companies,
        "items per callback": ITEMS_PER_COMPANY,
        "concurrency": CONCURRENCY,
        "ratio enrich/floor": ratio,
        f"target >= {TARGET_RATE:,.0f} callbacks/s": _met(ours["callbacks_per_s"] >= TARGET_RATE),
        f"target ratio >= {TARGET_RATIO}": _met(ratio >= TARGET_RATIO),
        f"target p99 <= {TARGET_P99_MS:.0f} ms": _met(ours["p99_ms"] <= TARGET_P99_MS),
        "raw": measured,
    }
    common.report("callbacks", "Callbacks over HTTP (medians of rounds)", rows, summary)


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.callbacks")
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="the load generator (prints one JSON line)")
    load.add_argument("base")
    load.add_argument("ids_file", type=Path)
    load.add_argument("--concurrency", type=int, default=CONCURRENCY)
    floor = sub.add_parser("serve-floor", help="the one-insert floor server")
    floor.add_argument("port", type=int)
    args = parser.parse_args()
    if args.command == "load":
        import uvloop

        ids = args.ids_file.read_text().split()
        print(json.dumps(uvloop.run(_load(args.base, ids, args.concurrency))))
    else:
        serve_floor(args.port)


if __name__ == "__main__":
    _cli()
