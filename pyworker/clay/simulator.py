"""`enrich clay-sim`: a local look-alike of Clay for demos, tests and trying the tool for free.

POST /webhooks/{name} accepts one JSON row like a Clay webhook: checks x-clay-webhook-auth,
enforces the workspace rate limit (429 + Retry-After), 100 KB payloads (413) and the
50,000-submission cap per webhook (403), then calls the row's callback_url back with a
Bearer secret and a plausible, deterministic enrichment after a delay — as a Clay HTTP API
column would.

It bills like Clay, so tests can count money. Clay charges for every row it accepts (2xx)
and adds to its table, whether or not the row's callback ever comes; rows it refuses (401,
400, 403, 413, 429, 500) cost nothing and are not submissions, so they count towards neither
the webhook's submission cap nor its table's row cap. Each webhook name is one Clay table:
with `table_cap` set, a table holds at most that many rows (Clay's real cap is 50,000), and
past it the webhook still answers 200 but Clay silently adds no row — not billed, no
callback (`rows_over_table_cap`). Such a row is still a submission.

Faults, which combine: `fail_rate` answers a share of POSTs 500 before acceptance;
`no_callback_rate` accepts and bills a share of rows but never calls them back, like an HTTP
API column whose "only run if" condition failed (`callbacks_withheld`); `drop_rate` loses a
share of the remaining callbacks, like an errored HTTP API cell (`callbacks_dropped`, billed
too); `duplicate_rate` sends a share of the callbacks twice (Clay's callbacks are
at-least-once).

GET /stats tells what it saw (tests assert on it): `accepted`, `per_webhook` and
`per_entity` count 2xx answers (submissions); `billed`, `billed_per_webhook` (the rows in each
table) and `billed_per_entity` count what Clay would charge for; `rejected` counts refusals
by reason; `callbacks_*` count callbacks sent, dropped, withheld, given up and pending.

Callbacks go out through a fixed number of delivery slots (callback_concurrency), each with
its own HTTP client and keep-alive connection; the others wait their turn. Without the bound,
a backlog of callbacks (a burst of accepted rows, a slow or stalled receiver) would queue
inside one shared httpx pool, whose bookkeeping walks every queued request at each request's
start and end: the event loop would spend itself there, and webhooks and GET /stats would
stop answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import random
import re
import time
from collections import Counter
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pyworker.logs import log
from pyworker.servers import single_connection_clients

INDUSTRIES = ["Software", "Retail", "Finance", "Healthcare", "Manufacturing", "Media"]
SENIORITIES = ["Entry", "Senior", "Manager", "Director", "VP", "C-Level"]


@dataclass
class SimSettings:
    auth_token: str | None = None
    callback_secret: str | None = None
    rate_per_second: float = 10.0
    burst: int = 20
    max_payload_bytes: int = 100 * 1024
    max_submissions: int = 50_000
    delay_min: float = 0.05
    delay_max: float = 0.3
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    duplicate_rate: float = 0.0
    no_callback_rate: float = 0.0  # accepted and billed, never called back
    table_cap: int | None = None  # rows per webhook's table; None: no cap
    seed: int | None = None
    callback_concurrency: int = 32  # callbacks in flight at once, at most
    # a company result names the company's domain: the one sent, else one made from its name
    # (Acme Corp -> acmecorp.com), as a real find-company enrichment would find it
    echo_domain: bool = False


@dataclass
class SimStats:
    accepted: int = 0
    rejected: Counter = field(default_factory=Counter)
    per_entity: Counter = field(default_factory=Counter)
    per_webhook: Counter = field(default_factory=Counter)
    billed: int = 0
    billed_per_entity: Counter = field(default_factory=Counter)
    billed_per_webhook: Counter = field(default_factory=Counter)
    rows_over_table_cap: int = 0
    callbacks_sent: int = 0
    callbacks_dropped: int = 0
    callbacks_withheld: int = 0
    callbacks_failed: int = 0
    accepted_times: list = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "accepted": self.accepted,
            "rejected": dict(self.rejected),
            "per_entity": dict(self.per_entity),
            "per_webhook": dict(self.per_webhook),
            "billed": self.billed,
            "billed_per_entity": dict(self.billed_per_entity),
            "billed_per_webhook": dict(self.billed_per_webhook),
            "rows_over_table_cap": self.rows_over_table_cap,
            "callbacks_sent": self.callbacks_sent,
            "callbacks_dropped": self.callbacks_dropped,
            "callbacks_withheld": self.callbacks_withheld,
            "callbacks_failed": self.callbacks_failed,
            "accepted_times": self.accepted_times,
        }


def enrichment(row: dict, echo_domain: bool = False) -> dict:
    """Deterministic fake enrichment: the same entity always gets the same answer."""
    key = row.get("company_domain") or row.get("email") or row.get("person_id") or ""
    digest = int(hashlib.sha256(str(key).encode()).hexdigest(), 16)
    if "person_id" in row:
        return {
            "person_id": row["person_id"],
            "seniority": SENIORITIES[digest % len(SENIORITIES)],
            "verified_email": row.get("email"),
            "job_title": row.get("title") or "Engineer",
        }
    found = {}
    if echo_domain and (row.get("company_domain") or row.get("company_name")):
        name = re.sub("[^a-z0-9]", "", str(row.get("company_name", "")).lower())
        found["company_domain"] = row.get("company_domain") or f"{name}.com"
    return found | {
        "company_id": row.get("company_id"),
        "industry": INDUSTRIES[digest % len(INDUSTRIES)],
        "employee_count": 10 + digest % 5000,
        "hq_country": ["US", "GB", "DE", "FR"][digest % 4],
        "description": f"{row.get('company_domain', 'unknown')} (simulated by enrich clay-sim)",
    }


class Simulator:
    """One simulated Clay workspace: its webhooks, rate limit, bill and callbacks."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.stats = SimStats()
        self.rng = random.Random(settings.seed)
        self.bucket = {"tokens": float(settings.burst), "at": time.monotonic()}
        self.tasks: set[asyncio.Task] = set()
        self.idle: asyncio.Queue = asyncio.Queue()  # the delivery clients not in use

    def take_token(self) -> float:
        """0 if a token was taken, else seconds until one is available."""
        settings, bucket = self.settings, self.bucket
        now = time.monotonic()
        bucket["tokens"] = min(
            settings.burst, bucket["tokens"] + (now - bucket["at"]) * settings.rate_per_second
        )
        bucket["at"] = now
        if bucket["tokens"] >= 1:
            bucket["tokens"] -= 1
            return 0.0
        return (1 - bucket["tokens"]) / settings.rate_per_second

    async def deliver(self, url: str, body: dict, delay: float) -> None:
        await asyncio.sleep(delay)
        secret = self.settings.callback_secret
        headers = {"authorization": f"Bearer {secret}"} if secret else {}
        for attempt in range(5):
            http = await self.idle.get()  # a free delivery slot (waiting costs nothing)
            try:
                response = await http.post(url, json=body, headers=headers)
            except httpx.HTTPError:
                response = None
            finally:
                self.idle.put_nowait(http)
            if response is not None and response.status_code < 500:
                self.stats.callbacks_sent += 1
                return
            await asyncio.sleep(0.2 * 2**attempt)  # the slot serves others meanwhile
        self.stats.callbacks_failed += 1

    def schedule(self, url: str, body: dict) -> None:
        delay = self.rng.uniform(self.settings.delay_min, self.settings.delay_max)
        task = asyncio.create_task(self.deliver(url, body, delay))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def refused(self, name: str, headers, body: bytes) -> JSONResponse | dict:
        """Clay's answers that take no row (401, 413, 403, 429, 500, 400), or the row."""
        settings, stats = self.settings, self.stats
        if settings.auth_token and headers.get("x-clay-webhook-auth") != settings.auth_token:
            stats.rejected["unauthorized"] += 1
            return JSONResponse({"error": "invalid x-clay-webhook-auth"}, status_code=401)
        if len(body) > settings.max_payload_bytes:
            stats.rejected["too_large"] += 1
            return JSONResponse({"error": "payload over 100 KB"}, status_code=413)
        if stats.per_webhook[name] >= settings.max_submissions:
            stats.rejected["webhook_full"] += 1
            return JSONResponse(
                {"error": "this webhook has reached its submission limit"}, status_code=403
            )
        wait = self.take_token()
        if wait > 0:
            stats.rejected["rate_limited"] += 1
            return JSONResponse(
                {"error": "rate limited"},
                status_code=429,
                headers={"retry-after": str(max(1, math.ceil(wait)))},
            )
        if self.rng.random() < settings.fail_rate:
            stats.rejected["server_error"] += 1
            return JSONResponse({"error": "simulated server error"}, status_code=500)
        try:
            row = json.loads(body)
        except ValueError:
            row = None
        if not isinstance(row, dict):
            stats.rejected["malformed"] += 1
            return JSONResponse({"error": "one JSON object per row"}, status_code=400)
        return row

    async def webhook(self, request: Request) -> JSONResponse:
        name = request.path_params["name"]
        row = self.refused(name, request.headers, await request.body())
        if isinstance(row, JSONResponse):
            return row
        settings, stats = self.settings, self.stats
        # accepted: a submission from here on (only these count towards max_submissions)
        entity = str(row.get("company_id") or row.get("person_id"))
        stats.accepted += 1
        stats.accepted_times.append(time.time())
        stats.per_webhook[name] += 1
        stats.per_entity[entity] += 1
        if settings.table_cap is not None and stats.billed_per_webhook[name] >= settings.table_cap:
            # the table is full: Clay answers 200 and silently adds no row (no charge, no callback)
            stats.rows_over_table_cap += 1
            return JSONResponse({"status": "accepted"})
        stats.billed += 1
        stats.billed_per_webhook[name] += 1
        stats.billed_per_entity[entity] += 1
        if row.get("callback_url"):
            self.call_back(row)
        return JSONResponse({"status": "accepted"})

    def call_back(self, row: dict) -> None:
        """What the table's HTTP API column does with a billed row: no callback (its
        condition failed), a dropped one, or the result, sometimes twice."""
        settings, stats, rng = self.settings, self.stats, self.rng
        # drawn only when set, so a seed gives the same other faults as without it
        if settings.no_callback_rate > 0 and rng.random() < settings.no_callback_rate:
            stats.callbacks_withheld += 1
        elif rng.random() < settings.drop_rate:
            stats.callbacks_dropped += 1
        else:
            result = enrichment(row, self.settings.echo_domain)
            self.schedule(row["callback_url"], result)
            if rng.random() < settings.duplicate_rate:
                self.schedule(row["callback_url"], result)

    async def get_stats(self, request: Request) -> JSONResponse:
        # callbacks_pending: scheduled (waiting out their delay, a slot or a retry), not yet
        # delivered nor given up
        return JSONResponse({**self.stats.as_json(), "callbacks_pending": len(self.tasks)})

    @asynccontextmanager
    async def lifespan(self, app: Starlette):
        settings = self.settings
        async with contextlib.AsyncExitStack() as clients:
            for client in await single_connection_clients(
                clients, max(1, settings.callback_concurrency), 10.0
            ):
                self.idle.put_nowait(client)
            log(
                "clay_sim_started",
                rate=settings.rate_per_second,
                burst=settings.burst,
                callback_concurrency=settings.callback_concurrency,
            )
            yield
            for task in list(self.tasks):
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)


def create_app(settings: SimSettings) -> Starlette:
    sim = Simulator(settings)
    return Starlette(
        routes=[
            Route("/webhooks/{name}", sim.webhook, methods=["POST"]),
            Route("/stats", sim.get_stats, methods=["GET"]),
        ],
        lifespan=sim.lifespan,
    )
