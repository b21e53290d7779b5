"""`enrich worker`: LISTEN for claimed work, POST each entity to Clay, report through SQL.

Thin by design: every decision about state is an `enrich.*` function. The worker wakes on
NOTIFY enrich_dispatch and also polls, so a lost notification or a reconnect never strands
work; it reconnects with backoff after a dropped connection or a PostgreSQL restart; it
runs the reaper; on SIGINT/SIGTERM it stops claiming, lets in-flight POSTs finish (or hands
their dispatches back) and exits 0. Killed with -9, it loses nothing: its leases expire.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import psycopg
from psycopg_pool import PoolTimeout

from pyworker import clay, config
from pyworker.db import AsyncDb, ClaimedDispatch
from pyworker.liveness import our_version, process_id
from pyworker.logs import log
from pyworker.servers import single_connection_clients
from pyworker.worker_metrics import WorkerMetrics

T = TypeVar("T")

# While POSTs are in flight, a freed slot or an accepted POST waits at most this long for
# others before the worker records and claims (one transaction for all of them).
BATCH_WINDOW = 0.02


@dataclass
class WorkerSettings:
    database_url: str
    public_url: str
    auth_token: str | None = None
    name: str = ""
    concurrency: int = 16
    poll_interval: float = 2.0
    reap_interval: float = 10.0
    lease_seconds: float = 120.0
    shutdown_grace: float = 20.0
    http_timeout: float = 30.0
    # Base URL for workflows that have no webhook configured (the Clay simulator in
    # `enrich run`); without it such workflows are left alone.
    fallback_webhook_base: str | None = None


class Worker:
    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self.name = settings.name or process_id()
        self.db = AsyncDb(settings.database_url, max_size=4, check=False)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._inflight: dict[asyncio.Task[None], ClaimedDispatch] = {}
        # how far each in-flight POST got: a stop may cancel it only before its body went out
        self._deliveries: dict[int, clay.Delivery] = {}
        self.metrics = WorkerMetrics(lambda: len(self._inflight))
        self._clients: list[httpx.AsyncClient] = []  # idle HTTP clients, one per free slot
        self._sent: list[int] = []  # POSTs accepted (2xx), not yet recorded as SENT
        self._pending_since: float | None = None  # first slot freed since the last round
        self._woken = True  # a NOTIFY or a poll: look for work without waiting to batch
        self.posted = 0
        self.paid = 0  # POSTs Clay accepted or may have: what `enrich run` calls Clay calls

    def stop(self) -> None:
        first = not self._stopping.is_set()
        self._stopping.set()  # before anything that could fail, such as a log line
        self._woken = True
        self._wake.set()
        if first:
            log("worker_stopping", worker=self.name, inflight=len(self._inflight))

    async def run(self, until: Callable[[], Awaitable[bool]] | None = None) -> None:
        """Work until stop() (or a signal), or until `until()` answers True."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # outside the main thread there are no signal handlers: the caller stops us
            with contextlib.suppress(RuntimeError, ValueError):
                loop.add_signal_handler(sig, self.stop)
        await self.db.open()
        log("worker_started", worker=self.name, concurrency=self.settings.concurrency)
        listener = asyncio.create_task(self._listen())
        timeout = httpx.Timeout(self.settings.http_timeout, connect=10.0)
        try:
            async with contextlib.AsyncExitStack() as clients:
                # one client per slot: a slot's task always has its own, no waiting
                self._clients = await single_connection_clients(
                    clients, self.settings.concurrency, timeout
                )
                await self._loop(until)
                await self._drain()
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
            with contextlib.suppress(psycopg.Error, PoolTimeout):  # else its row expires
                await self.db.worker_sign_off(self.name)
            await self.db.close()
            log("worker_stopped", worker=self.name, posted=self.posted, paid_calls=self.paid)

    # -- main loop ------------------------------------------------------------------------
    # A "round" is one transaction: record the POSTs accepted since the last round as SENT
    # and lease work for the free slots. Rounds are batched — while POSTs are in flight, a
    # round waits until half the slots are free or BATCH_WINDOW has passed since the first
    # slot freed — so a busy worker commits once per several entities, not twice per entity.
    # An idle worker (nothing in flight) claims at once when woken.
    async def _loop(self, until: Callable[[], Awaitable[bool]] | None) -> None:
        next_reap = 0.0
        refill_at = max(1, self.settings.concurrency // 2)
        while not self._stopping.is_set():
            if time.monotonic() >= next_reap:
                next_reap = time.monotonic() + self.settings.reap_interval
                await self._housekeeping()
            if until is not None and await self._db(until):
                self.stop()
                break
            # cleared before the round: a NOTIFY arriving during it wakes the next wait
            self._wake.clear()
            woken, self._woken = self._woken, False
            free = self.settings.concurrency - len(self._inflight)
            overdue = (
                self._pending_since is not None
                and time.monotonic() - self._pending_since >= BATCH_WINDOW
            )
            claim = (
                free
                if free > 0 and (not self._inflight or free >= refill_at or woken or overdue)
                else 0
            )
            flush = bool(self._sent) and (claim > 0 or len(self._sent) >= refill_at or overdue)
            claimed: list[ClaimedDispatch] = []
            if claim or flush:
                self._pending_since = None
                claimed = await self._round(claim)
            for dispatch in claimed:
                task = asyncio.create_task(self._post(self._clients.pop(), dispatch))
                self._inflight[task] = dispatch
                task.add_done_callback(self._finished)
            if claim and len(claimed) == claim:
                continue  # there may be more due right now
            if self._pending_since is not None:
                wait = max(0.0, self._pending_since + BATCH_WINDOW - time.monotonic())
            else:
                wait = 0.25 if claimed else self.settings.poll_interval
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
            except TimeoutError:
                self._woken = self._pending_since is None  # a poll: look for work now
        await self._record_sent()

    async def _round(self, claim: int) -> list[ClaimedDispatch]:
        """Record the accepted POSTs and claim up to `claim` dispatches, in one transaction."""
        sent, self._sent = self._sent, []
        claimed = await self._db(
            self.db.record_sent_and_claim,
            self.name,
            sent,
            claim,
            self.settings.lease_seconds,
            self.settings.fallback_webhook_base is not None,
        )
        if claimed is None:  # the database stayed away while stopping: keep them for later
            self._sent[:0] = sent
            return []
        return claimed

    async def _record_sent(self) -> None:
        """Record whatever POSTs were accepted and not recorded yet (on the way out)."""
        while self._sent:
            sent = list(self._sent)
            if (
                await self._db(self.db.record_sent_and_claim, self.name, sent, 0, 1.0, False)
                is None
            ):
                log("unrecorded_sends", worker=self.name, dispatches=sent)
                return  # their leases expire: counted paid, they wait for their callbacks
            del self._sent[: len(sent)]

    async def _housekeeping(self) -> None:
        # alive (enrich doctor lists the workers) for three rounds of housekeeping more
        alive_for = min(600.0, max(60.0, 3 * self.settings.reap_interval))
        await self._db(self.db.worker_heartbeat, self.name, alive_for, our_version())
        reaped = await self._db(self.db.reap_dispatches)
        if reaped and any(reaped):
            log(
                "reaped",
                expired_leases=reaped[0],
                paid_resends=reaped[1],
                failed_no_callback=reaped[2],
            )
        await self._db(self.db.fold_batch_counts)
        merged = await self._db(self.db.perform_queued_merges)
        if merged:
            log("merged", entities=merged, cause="result")
        for level, workflow, position, remaining in await self._db(self.db.webhook_warnings) or []:
            if level == "nearly_full":
                log("webhook_nearly_full", workflow=workflow, webhook=position, remaining=remaining)
            else:
                log(
                    "error_no_webhook_left",
                    workflow=workflow,
                    hint="add a new Clay webhook with `enrich workflow set --webhook-url`",
                )

    def _finished(self, task: asyncio.Task[None]) -> None:
        dispatch = self._inflight.pop(task, None)
        if not task.cancelled() and task.exception() is not None and dispatch is not None:
            # its lease expires: counted possibly paid, it waits for its callback; say why
            log(
                "post_error",
                worker=self.name,
                dispatch=dispatch.dispatch_id,
                error=type(task.exception()).__name__,
            )
        if self._pending_since is None:
            self._pending_since = time.monotonic()
        self._wake.set()

    async def _drain(self) -> None:
        """Graceful stop: in-flight POSTs may finish. Of those still running after the grace,
        the ones whose body had begun to go out count as possibly paid (Clay may have the
        row: never sent again by itself); the others are handed back, free."""
        if self._inflight:
            done, pending = await asyncio.wait(
                list(self._inflight), timeout=self.settings.shutdown_grace
            )
            cut = [self._inflight[t].dispatch_id for t in pending if t in self._inflight]
            maybe_sent = [i for i in cut if self._body_started(i)]
            unsent = [i for i in cut if i not in maybe_sent]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            await self._record_sent()
            for dispatch_id in maybe_sent:
                await self._db(
                    self.db.mark_maybe_sent,
                    dispatch_id,
                    self.name,
                    "cancelled at shutdown after the body was sent",
                )
            if maybe_sent:
                log("cancelled_after_sending", worker=self.name, dispatches=len(maybe_sent))
            if unsent:
                released = await self._db(self.db.release_dispatches, self.name, unsent)
                log("released", worker=self.name, dispatches=released)
        await self._record_sent()

    def _body_started(self, dispatch_id: int) -> bool:
        delivery = self._deliveries.get(dispatch_id)
        return delivery is not None and delivery.body_started

    # -- one entity ---------------------------------------------------------------------------
    async def _post(self, client: httpx.AsyncClient, dispatch: ClaimedDispatch) -> None:
        self._deliveries[dispatch.dispatch_id] = clay.Delivery()
        try:
            await self._post_with(client, dispatch)
        finally:
            self._clients.append(client)  # the slot's client is free again
            if not self._stopping.is_set():  # _drain still reads them
                self._deliveries.pop(dispatch.dispatch_id, None)

    async def _post_with(self, client: httpx.AsyncClient, dispatch: ClaimedDispatch) -> None:
        url = (
            dispatch.webhook_url
            or f"{self.settings.fallback_webhook_base}/{dispatch.workflow_slug}"
        )
        body = clay.encode_payload(
            dispatch.payload, dispatch.workflow_slug, self.settings.public_url
        )
        outcome = await clay.post_entity(
            client,
            url,
            body,
            dispatch.webhook_auth_token or self.settings.auth_token,
            dispatch.attempt,
            self._deliveries[dispatch.dispatch_id],
        )
        self.posted += 1
        self.metrics.record(dispatch.workflow_slug, outcome)
        fields: dict[str, Any] = {
            "worker": self.name,
            "workflow": dispatch.workflow_slug,
            f"{dispatch.entity_type}_id": dispatch.entity_id,
            "attempt": dispatch.attempt,
        }
        if outcome.kind in ("sent", "maybe_sent"):
            self.paid += 1
        if outcome.kind == "sent":
            # recorded as SENT by the next round, with the other POSTs that finished by then
            self._sent.append(dispatch.dispatch_id)
            log("sent", **fields)
        elif outcome.kind == "maybe_sent":
            await self._db(self.db.mark_maybe_sent, dispatch.dispatch_id, self.name, outcome.error)
            log("maybe_sent", error=outcome.error, **fields)
        elif outcome.kind == "retry":
            state = await self._free(
                lambda error: self.db.retry_dispatch(
                    dispatch.dispatch_id,
                    self.name,
                    outcome.delay_seconds,
                    error,
                    outcome.spend_attempt,
                ),
                outcome.error,
            )
            log(
                "retry" if state == "QUEUED" else "failed",
                delay=round(outcome.delay_seconds, 2),
                error=outcome.error,
                **fields,
            )
        else:
            await self._free(
                lambda error: self.db.fail_dispatch(dispatch.dispatch_id, self.name, error),
                outcome.error,
            )
            log("failed", error=outcome.error, **fields)

    async def _free(self, report: Callable[[str], Awaitable[T]], error: str) -> T | None:
        """Record an outcome Clay did not charge for. Should the record fail for a reason
        other than a lost connection (something in the response the database refuses), it
        is made again with a plain error text: left to its lease, the free call would count
        as possibly paid."""
        try:
            return await self._db(report, error)
        except psycopg.Error as exc:
            log("free_outcome_unrecordable", error=type(exc).__name__)
            return await self._db(report, "a response the database could not record")

    # -- database resilience ------------------------------------------------------------------
    async def _db(self, call: Callable[..., Awaitable[T]], *args: Any) -> T | None:
        """Run a query, retrying with backoff while the database is unreachable."""
        delay = 0.5
        while True:
            try:
                return await call(*args)
            except (psycopg.OperationalError, psycopg.errors.DeadlockDetected, PoolTimeout) as exc:
                if self._stopping.is_set() and delay > 4:
                    log("db_unavailable_giving_up", error=type(exc).__name__)
                    return None
                log("db_unavailable", error=type(exc).__name__, retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                # connections are not tested before use: after a restart the idle ones are
                # all dead, and each would fail a retry (0.5 + 1 + 2 + 4 s for four of them)
                await self.db.discard_broken()

    async def _listen(self) -> None:
        url = config.listen_url(self.settings.database_url)
        if url is None:  # behind a transaction pooler a LISTEN would be lost: poll only
            log(
                "listen_off",
                reason="ENRICH_POOLER=transaction without ENRICH_LISTEN_URL",
                poll_every=self.settings.poll_interval,
            )
            return
        delay = 0.5
        while not self._stopping.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                    await conn.execute("listen enrich_dispatch")
                    delay = 0.5
                    self._woken = True
                    self._wake.set()  # catch up on anything queued while we were away
                    async for _ in conn.notifies():
                        self._woken = True
                        self._wake.set()
            except psycopg.ProgrammingError:  # a malformed ENRICH_LISTEN_URL: poll only
                log(
                    "listen_off",
                    reason="ENRICH_LISTEN_URL is not a connection URL",
                    poll_every=self.settings.poll_interval,
                )
                return
            except psycopg.OperationalError as exc:
                log("listen_reconnect", error=type(exc).__name__, retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
