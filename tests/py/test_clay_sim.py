"""`enrich clay-sim` with a backlog of callbacks: it keeps answering and delivers them all.

The simulator runs as its own process (as in `make soak`) and calls back a real HTTP server
that holds every callback for a while (a receiver whose database restarts, or one that is
simply behind) and then answers at once, so callbacks pile up for longer than the
simulator's HTTP timeouts.
"""

from __future__ import annotations

import asyncio
import subprocess
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pyworker.servers import BackgroundServer, free_port
from pyworker.testing import ENRICH
from pyworker.testing.soak import stop
from pyworker.testing.wait import answers, wait_for

ROWS = 1000
STALL = 12.0  # seconds the receiver holds callbacks: past the simulator's 10 s timeouts
RESPONSIVE = 5.0  # seconds an answer may take while callbacks are queued: well under STALL


class StalledReceiver:
    """Holds each callback until `release_at`, then answers 200; counts what it saw."""

    def __init__(self) -> None:
        self.release_at = float("inf")
        self.received = self.inflight = self.most_inflight = 0
        self.app = Starlette(routes=[Route("/callbacks/{slug}", self.callback, methods=["POST"])])

    async def callback(self, request: Request) -> JSONResponse:
        await request.body()
        self.inflight += 1
        self.most_inflight = max(self.most_inflight, self.inflight)
        try:
            while time.monotonic() < self.release_at:
                await asyncio.sleep(0.05)
        finally:
            self.inflight -= 1
        self.received += 1
        return JSONResponse({"status": "completed"})


async def post_rows(sim_url: str, callback_url: str) -> float:
    """POST ROWS rows, 32 at a time; returns the slowest POST's time."""
    slowest = 0.0
    rows = iter(range(ROWS))
    async with httpx.AsyncClient(timeout=60) as client:

        async def poster() -> None:
            nonlocal slowest
            for n in rows:
                started = time.monotonic()
                response = await client.post(
                    f"{sim_url}/webhooks/backlog",
                    json={"company_id": f"c{n}", "callback_url": callback_url},
                )
                slowest = max(slowest, time.monotonic() - started)
                assert response.status_code == 200

        await asyncio.gather(*(poster() for _ in range(32)))
    return slowest


def stats_until(sim_url: str, done, timeout: float) -> tuple[dict, float]:
    """Poll GET /stats until done(stats); returns the last stats and the slowest answer."""
    slowest, deadline = 0.0, time.monotonic() + timeout
    while True:
        started = time.monotonic()
        try:
            stats = httpx.get(f"{sim_url}/stats", timeout=10).json()
        except httpx.TimeoutException:
            raise AssertionError("GET /stats did not answer within 10 s") from None
        slowest = max(slowest, time.monotonic() - started)
        if done(stats) or time.monotonic() > deadline:
            return stats, slowest
        time.sleep(0.25)


@pytest.mark.alone  # times POSTs and GET /stats: not while other tests load the machine
def test_callback_backlog_leaves_the_simulator_responsive_and_loses_nothing() -> None:
    receiver = StalledReceiver()
    port = free_port()
    sim_url = f"http://127.0.0.1:{port}"
    sim = subprocess.Popen(
        [ENRICH, "clay-sim", "--port", str(port), "--rate", "100000", "--burst", "100000",
         "--delay-min", "0", "--delay-max", "0.05"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with BackgroundServer(receiver.app) as server:
            wait_for(answers(f"{sim_url}/stats"), what="the simulator")
            receiver.release_at = time.monotonic() + STALL
            slowest_post = asyncio.run(post_rows(sim_url, f"{server.url}/callbacks/backlog"))
            during, slowest_during = stats_until(
                sim_url, lambda _: time.monotonic() >= receiver.release_at, STALL
            )
            after, slowest_after = stats_until(
                sim_url, lambda s: s["callbacks_sent"] + s["callbacks_failed"] >= ROWS, 30
            )
    finally:
        stop([sim], grace=10)
    assert after["accepted"] == ROWS
    # every callback delivered within 30 s of the receiver answering again, none given up
    assert (after["callbacks_sent"], after["callbacks_failed"]) == (ROWS, 0), after
    assert receiver.received >= ROWS
    # a request queued behind the backlog would wait about STALL (12 s); a busy machine
    # alone can make an answer take a couple of seconds
    assert slowest_post < RESPONSIVE, f"a webhook POST took {slowest_post:.1f} s"
    slowest_stats = max(slowest_during, slowest_after)
    assert slowest_stats < RESPONSIVE, f"GET /stats took {slowest_stats:.1f} s, callbacks queued"
    # 32 delivery slots; a callback the simulator gave up on after its 10 s timeout may still
    # be held here while its slot sends another
    assert receiver.most_inflight <= 64, f"{receiver.most_inflight} callbacks held at once"
