"""The one module of named queries: runtime code reaches the database only through here.

Every state change is a call to an `enrich.*` SQL function; this module never decides a
transition. Data goes in as parameters, never by string formatting (COPY's data stream is
encoded in pyworker/load/copy_format.py).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyworker import config


def connect(url: str, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=autocommit, **config.connection_options())


def create_batch(conn: psycopg.Connection, pipeline: str, rows: list[dict[str, Any]]) -> UUID:
    return conn.execute("select enrich.create_batch(%s, %s)", (pipeline, Jsonb(rows))).fetchone()[0]


CLAIMED_COLUMNS = (
    "dispatch_id, workflow_slug, entity_type, entity_id, attempt, webhook_url,"
    " webhook_auth_token, payload"
)


def claim_dispatches(
    conn: psycopg.Connection,
    worker: str,
    limit: int,
    include_unconfigured: bool = False,
    workflow: str | None = None,
) -> list[ClaimedDispatch]:
    """Lease due dispatches (of one workflow only, if given)."""
    rows = conn.execute(
        f"select {CLAIMED_COLUMNS} from enrich.claim_dispatches(%s, %s,"
        " p_include_unconfigured => %s, p_workflow => %s)",
        (worker, limit, include_unconfigured, workflow),
    ).fetchall()
    return [ClaimedDispatch(*row) for row in rows]


def mark_dispatch_sent(conn: psycopg.Connection, dispatch_id: int, worker: str) -> bool:
    return conn.execute(
        "select enrich.mark_dispatch_sent(%s, %s)", (dispatch_id, worker)
    ).fetchone()[0]


def receive_result(conn: psycopg.Connection, workflow: str, payload: Any) -> str:
    return conn.execute(
        "select enrich.receive_result(%s, %s)", (workflow, Jsonb(payload))
    ).fetchone()[0]


def batch_step_counts(conn: psycopg.Connection, batch_id: UUID) -> list[dict[str, Any]]:
    """Per step and status: items, and how many of them were served without a Clay call."""
    return _rows(conn, "select * from enrich.batch_step_counts(%s)", (batch_id,))


def batch_summary(conn: psycopg.Connection, batch_id: UUID) -> dict[str, Any] | None:
    rows = _rows(conn, "select * from enrich.batch_summary(%s)", (batch_id,))
    return rows[0] if rows else None


def company_results_for_batch(conn: psycopg.Connection, batch_id: UUID) -> list[dict[str, Any]]:
    return _rows(conn, "select * from enrich.batch_company_results(%s)", (batch_id,))


def _rows(conn: psycopg.Connection, query: str, params: tuple = ()) -> list[dict[str, Any]]:
    """A query's rows as dicts (column name: value)."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchall()


# -- worker and receiver (async, pooled) ---------------------------------------------------
class AsyncDb:
    """Named queries for the worker and the receiver over a psycopg_pool pool that
    reconnects by itself (a connection that fails its check is replaced)."""

    def __init__(self, url: str, max_size: int = 4, check: bool = True) -> None:
        """check: test each connection with a round trip when it is taken from the pool.
        The worker turns it off (it retries any query that fails on a dead connection,
        and the round trip is a third of an idle worker's wake-up latency)."""
        from psycopg_pool import AsyncConnectionPool

        self.pool = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            open=False,
            kwargs={"autocommit": True, **config.connection_options()},
            check=AsyncConnectionPool.check_connection if check else None,
            # reconnect_timeout stays psycopg_pool's (minutes): the pool keeps trying, with
            # backoff, to replace connections lost to a PostgreSQL restart, so whoever waits
            # for a connection gets one as soon as the server is back (with 0 it would give
            # up at the first failed attempt and leave them the whole pool timeout to wait).
        )

    async def open(self) -> None:
        await self.pool.open(wait=False)

    async def close(self) -> None:
        await self.pool.close()

    async def discard_broken(self) -> None:
        """Test the idle connections now (a round trip each) and replace the dead ones: after
        a failure, so that a pool without `check` does not hand out, one retry at a time,
        every other connection a PostgreSQL restart killed while it sat idle."""
        await self.pool.check()

    async def _one(self, query: str, params: tuple) -> Any:
        async with self.pool.connection() as conn:
            cur = await conn.execute(query, params)
            row = await cur.fetchone()
            return row[0] if row else None

    async def record_sent_and_claim(
        self,
        worker: str,
        sent: list[int],
        limit: int,
        lease_seconds: float,
        include_unconfigured: bool,
    ) -> list[ClaimedDispatch]:
        """One statement (one round trip, one commit) per worker round: record the
        dispatches whose POST was accepted as SENT, then lease up to `limit` more (none
        when limit is 0)."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                f"select {CLAIMED_COLUMNS} from enrich.claim_dispatches(%s, %s,"
                " make_interval(secs => %s), %s, %s::bigint[])",
                (worker, limit, lease_seconds, include_unconfigured, sent),
            )
            return [ClaimedDispatch(*row) for row in await cur.fetchall()]

    async def retry_dispatch(
        self, dispatch_id: int, worker: str, delay: float, error: str, spend_attempt: bool = True
    ) -> str:
        return await self._one(
            "select enrich.retry_dispatch(%s, %s, make_interval(secs => %s), %s, %s)",
            (dispatch_id, worker, delay, error, spend_attempt),
        )

    async def mark_maybe_sent(self, dispatch_id: int, worker: str, note: str) -> int:
        """Clay may have accepted the row: the call counts as paid; the entity waits for its
        callback (never re-sent by itself unless the workflow allows paid re-sends)."""
        return await self._one(
            "select enrich.mark_dispatch_sent(%s::bigint[], %s, %s)", ([dispatch_id], worker, note)
        )

    async def fail_dispatch(self, dispatch_id: int, worker: str, error: str) -> bool:
        return await self._one(
            "select enrich.fail_dispatch(%s, %s, %s)", (dispatch_id, worker, error)
        )

    async def release_dispatches(self, worker: str, ids: list[int] | None = None) -> int:
        return await self._one("select enrich.release_dispatches(%s, %s)", (worker, ids))

    async def worker_heartbeat(self, process: str, alive_for: float, version: str) -> None:
        """This worker is alive for alive_for seconds more (enrich.processes)."""
        async with self.pool.connection() as conn:
            await conn.execute(
                "select enrich.worker_heartbeat(%s, %s, %s, %s, make_interval(secs => %s))",
                (process, socket.gethostname(), os.getpid(), version, alive_for),
            )

    async def worker_sign_off(self, process: str) -> None:
        async with self.pool.connection() as conn:
            await conn.execute("select enrich.worker_sign_off(%s)", (process,))

    async def reap_dispatches(self) -> tuple[int, int, int]:
        async with self.pool.connection() as conn:
            cur = await conn.execute("select * from enrich.reap_dispatches()")
            return tuple(await cur.fetchone())

    async def fold_batch_counts(self) -> int:
        """Fold the kept batch counts of server processes that are gone (housekeeping)."""
        async with self.pool.connection() as conn:
            cur = await conn.execute("select enrich.fold_batch_counts()")
            return (await cur.fetchone())[0]

    async def perform_queued_merges(self) -> int:
        """Merge the entities results showed to be one (housekeeping)."""
        async with self.pool.connection() as conn:
            cur = await conn.execute("select enrich.perform_queued_merges()")
            return (await cur.fetchone())[0]

    async def webhook_warnings(self) -> list[tuple[str, str, int | None, int]]:
        """(level, workflow, webhook position, remaining): webhooks past 90% of their cap,
        and workflows with queued work but no usable webhook left."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "select level, workflow_slug, webhook_position, remaining"
                " from enrich.webhook_warnings()"
            )
            return await cur.fetchall()

    async def receive_result(self, workflow: str, payload: Any) -> str:
        return await self._one("select enrich.receive_result(%s, %s)", (workflow, Jsonb(payload)))

    async def receive_results(
        self, workflow: str, payloads: list[Any]
    ) -> list[tuple[str | None, str | None, str | None]]:
        """Many callbacks in one transaction: (outcome, None, None) or (None, sqlstate,
        message) per payload, in order."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "select outcome, error_state, error_message"
                " from enrich.receive_results(%s, %s::jsonb[]) order by ord",
                (workflow, [Jsonb(payload) for payload in payloads]),
            )
            return [tuple(row) for row in await cur.fetchall()]

    async def ping(self) -> bool:
        return await self._one("select true", ()) is True


@dataclass(frozen=True)
class ClaimedDispatch:
    dispatch_id: int
    workflow_slug: str
    entity_type: str
    entity_id: UUID
    attempt: int
    webhook_url: str | None
    webhook_auth_token: str | None  # this webhook's own token, else CLAY_WEBHOOK_AUTH_TOKEN
    payload: dict[str, Any]


# -- configuration, loading, reporting ----------------------------------------------------
_WORKFLOW_SETTING_TYPES = {
    "webhook_urls": "text[]",
    "timeout": "interval",
    "max_attempts": "integer",
    "rate_per_second": "numeric",
    "burst": "integer",
    "ttl": "interval",
    "clear_ttl": "boolean",
    "entity_type": "text",
    "credits_per_call": "numeric",
    "max_submissions": "integer",
    "workspace": "text",
    "resends": "integer",
    "daily_budget": "integer",
    "clear_daily_budget": "boolean",
    "webhook_auth_tokens": "text[]",
    "create": "boolean",
    "learn_domain_from": "text[]",
}


def set_workflow(conn: psycopg.Connection, slug: str, **settings: Any) -> dict[str, Any]:
    """enrich.set_workflow with named arguments; keys are fixed names, values parameters."""
    names = ", ".join(f"p_{key} => %({key})s::{_WORKFLOW_SETTING_TYPES[key]}" for key in settings)
    query = f"select enrich.set_workflow(%(slug)s{', ' + names if names else ''})"
    return conn.execute(query, {"slug": slug, **settings}).fetchone()[0]


def identity_notices(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Identity links worth a look (enrich.identity_notices)."""
    cur = conn.cursor(row_factory=dict_row)
    return cur.execute("select * from enrich.identity_notices()").fetchall()


def identity_stats(conn: psycopg.Connection, batch_id: str | None = None) -> dict[str, Any]:
    """Merges, rows served by a second identifier, calls paid twice (linked late)."""
    return conn.execute("select enrich.identity_stats(%s)", (batch_id,)).fetchone()[0]


def describe_workflow(conn: psycopg.Connection, slug: str) -> dict[str, Any] | None:
    return conn.execute("select enrich.describe_workflow(%s)", (slug,)).fetchone()[0]


def list_workflows(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return [row[0] for row in conn.execute("select * from enrich.list_workflows()")]


def workflows_overview(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Every workflow, without its webhooks' URLs (what a read-only viewer may see)."""
    return [row[0] for row in conn.execute("select * from enrich.workflows_overview()")]


def delete_workflow(conn: psycopg.Connection, slug: str) -> dict[str, Any]:
    return conn.execute("select enrich.delete_workflow(%s)", (slug,)).fetchone()[0]


def pause_workflow(conn: psycopg.Connection, slug: str, paused: bool) -> dict[str, Any]:
    return conn.execute("select enrich.pause_workflow(%s, %s)", (slug, paused)).fetchone()[0]


def set_workspace(
    conn: psycopg.Connection,
    name: str,
    rate: float | None,
    burst: int | None,
    daily_credits: float | None,
    clear_daily_credits: bool,
) -> dict[str, Any]:
    return conn.execute(
        "select enrich.set_workspace(%s, %s::numeric, %s, %s::numeric, %s)",
        (name, rate, burst, daily_credits, clear_daily_credits),
    ).fetchone()[0]


def list_workspaces(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return [row[0] for row in conn.execute("select * from enrich.list_workspaces()")]


def dispatch_counts(conn: psycopg.Connection) -> dict[str, dict[str, int]]:
    """Dispatches per workflow and status."""
    counts: dict[str, dict[str, int]] = {}
    for row in _rows(conn, "select * from enrich.dispatch_counts()"):
        counts.setdefault(row["workflow_slug"], {})[row["status"]] = row["dispatches"]
    return counts


def failure_examples(
    conn: psycopg.Connection, batch_id: UUID, step: str, error: str, limit: int = 5
) -> list[dict[str, Any]]:
    """A few items of a batch that failed at a step with this error, with their input."""
    return _rows(
        conn,
        "select * from enrich.failure_examples(%s, %s, %s, %s)",
        (batch_id, step, error, limit),
    )


def lookup_entity(conn: psycopg.Connection, value: str, rows: int = 0) -> dict[str, Any]:
    """The companies and people any identifier names (enrich.lookup_entity): {value,
    read_as, entities}, each entity with its identifiers, workflows, merges, batches and up to
    `rows` of its rows. read_as is empty when the value is no identifier at all."""
    return conn.execute("select enrich.lookup_entity(%s, %s)", (value, rows)).fetchone()[0]


def list_merges(
    conn: psycopg.Connection, batch_id: UUID | None = None, limit: int | None = 100
) -> list[dict[str, Any]]:
    """Merges of entities found to be one, newest first (of one batch, if given)."""
    return _rows(conn, "select * from enrich.list_merges(%s, %s)", (batch_id, limit))


def batch_ids(
    conn: psycopg.Connection, prefix: str | None = "", limit: int = 10, name: str | None = None
) -> list[tuple[UUID, str | None]]:
    """(id, name) of the batches whose id starts with prefix (hex digits and dashes; None:
    none) or whose name is name, newest first: a BATCH argument, or `latest` (prefix "",
    limit 1)."""
    pattern = None
    if prefix is not None:
        pattern = prefix.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
    return [
        (row[0], row[1])
        for row in conn.execute(
            "select b.id, b.name from enrich.batches b"
            " where b.id::text like %(pattern)s or b.name = %(name)s"
            " order by b.created_at desc, b.id desc limit %(limit)s",
            {"pattern": pattern, "name": name, "limit": limit},
        )
    ]


def dispatch_wait_reasons(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Workflows whose queued work cannot be sent now, and why (paused, budget spent...)."""
    return _rows(conn, "select * from enrich.dispatch_wait_reasons()")


def movable_dispatches(conn: psycopg.Connection, workflows: list[str]) -> int:
    """Dispatches of these workflows that can still move: any not QUEUED in a workflow whose
    work waits (paused, over budget, no webhook left)."""
    return conn.execute("select enrich.movable_dispatches(%s)", (workflows,)).fetchone()[0]


def estimate_batch_calls(conn: psycopg.Connection, batch_id: UUID) -> list[dict[str, Any]]:
    """Per workflow of the batch: rows, unique entities, free ones and new paid calls."""
    return _rows(conn, "select * from enrich.estimate_batch_calls(%s)", (batch_id,))


def spend_by_day(conn: psycopg.Connection, since: Any) -> list[dict[str, Any]]:
    return _rows(conn, "select * from enrich.spend_by_day(%s)", (since,))


def column_aliases(conn: psycopg.Connection) -> dict[str, str]:
    """enrich.column_aliases: normalised alias -> input field."""
    return conn.execute("select enrich.column_aliases_map()").fetchone()[0]


def pipeline_steps(conn: psycopg.Connection, pipeline: str) -> list[str] | None:
    row = conn.execute(
        "select steps from enrich.list_pipelines() where name = %s", (pipeline,)
    ).fetchone()
    return row[0] if row else None


def open_batch(
    conn: psycopg.Connection,
    pipeline: str,
    loading: bool = False,
    loader: str | None = None,
    max_new_calls: int | None = None,
) -> UUID:
    """max_new_calls (a load in parts): its claims are held until finish_loading checks it."""
    return conn.execute(
        "select enrich.open_batch(%s, %s, %s, %s)", (pipeline, loading, loader, max_new_calls)
    ).fetchone()[0]


def heartbeat(
    conn: psycopg.Connection, process: str, kind: str, alive_for: Any, version: str
) -> None:
    conn.execute(
        "select enrich.heartbeat(%s, %s, %s, %s, %s, %s)",
        (process, kind, socket.gethostname(), os.getpid(), version, alive_for),
    )


def sign_off(conn: psycopg.Connection, process: str) -> None:
    conn.execute("select enrich.sign_off(%s)", (process,))


def stalled_work(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """What keeps work from progressing, shaped like check_invariants' rows."""
    return _rows(
        conn,
        "select problem as invariant, subject_id, detail from enrich.stalled_work()",
    )


def server_settings_advice(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return _rows(conn, "select * from enrich.server_settings_advice()")


def live_processes(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return _rows(conn, "select * from enrich.live_processes()")


def without_statement_timeout(conn: psycopg.Connection) -> None:
    """This transaction (a load's) may run a statement of minutes: the split step of a
    million rows is one. A managed server's default statement_timeout would stop it;
    LOCAL, so nothing else is affected."""
    conn.execute("set local statement_timeout = 0")


def without_parallel_workers(conn: psycopg.Connection) -> None:
    """This transaction's statements run on one core each (no parallel workers). SET LOCAL:
    behind a transaction pooler a session setting would reach other clients."""
    conn.execute("set local max_parallel_workers_per_gather = 0")


def finish_loading(
    conn: psycopg.Connection,
    batch_id: UUID,
    loader: str | None = None,
    max_new_calls: int | None = None,
) -> bool:
    """False: the load needs more new paid calls than max_new_calls (or the limit it was
    opened with) and was discarded, its held claims taken back (commit to make it so)."""
    return conn.execute(
        "select enrich.finish_loading(%s, %s, %s)", (batch_id, loader, max_new_calls)
    ).fetchone()[0]


def discard_loading_batch(
    conn: psycopg.Connection, batch_id: UUID, loader: str | None = None
) -> bool:
    return conn.execute(
        "select enrich.discard_loading_batch(%s, %s)", (batch_id, loader)
    ).fetchone()[0]


def set_batch_columns(conn: psycopg.Connection, batch_id: UUID, columns: list[dict]) -> None:
    conn.execute("select enrich.set_batch_columns(%s, %s)", (batch_id, Jsonb(columns)))


def set_batch_source(
    conn: psycopg.Connection, batch_id: UUID, name: str | None, delimiter: str | None
) -> None:
    conn.execute("select enrich.set_batch_source(%s, %s, %s)", (batch_id, name, delimiter))


def start_batch(conn: psycopg.Connection, batch_id: UUID) -> None:
    conn.execute("select enrich.start_batch(%s)", (batch_id,))


def batch_status(conn: psycopg.Connection, batch_id: UUID) -> dict[str, Any] | None:
    return conn.execute("select enrich.batch_status(%s)", (batch_id,)).fetchone()[0]


def recent_batches(conn: psycopg.Connection, limit: int = 20) -> list[dict[str, Any]]:
    return [row[0] for row in conn.execute("select * from enrich.recent_batches(%s)", (limit,))]


def find_batches(
    conn: psycopg.Connection,
    status: str | None = None,
    pipeline: str | None = None,
    search: str | None = None,
    since: Any = None,
    until: Any = None,
    after: dict | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """A page of batches, newest first (enrich.find_batches); after: the previous page's
    last batch ({"created_at", "batch_id"})."""
    return [
        row[0]
        for row in conn.execute(
            "select * from enrich.find_batches(%s, %s, %s, %s, %s, %s, %s)",
            (status, pipeline, search, since, until, Jsonb(after) if after else None, limit),
        )
    ]


def export_batch(conn: psycopg.Connection, batch_id: UUID) -> Iterator[bytes]:
    """The batch's JSONL export, streamed by COPY: one JSON record per line, in row order."""
    # CSV format with quote and delimiter characters JSON text never holds unescaped: COPY
    # writes each record as it is (its text format would double every backslash)
    yield from _copy_out(
        conn,
        sql.SQL(
            "copy (select e.record::text from enrich.export_batch({}) e) to stdout "
            "(format csv, quote e'\\x01', delimiter e'\\x02')"
        ).format(batch_id),
    )


def _copy_out(conn: psycopg.Connection, query: Any) -> Iterator[bytes]:
    """A COPY ... TO STDOUT in chunks, without JIT in its transaction."""
    without_jit(conn)
    with conn.cursor().copy(query) as copy:
        yield from copy


def without_jit(conn: psycopg.Connection) -> None:
    """No JIT compilation in this transaction (an export's): its per-row expressions are
    cheap, and compiling them costs seconds that a million rows never win back."""
    conn.execute("set local jit = off")


def export_csv(
    conn: psycopg.Connection,
    batch_id: UUID,
    columns: list[dict[str, str]],
    raw: bool,
    delimiter: str = ",",
) -> Iterator[bytes]:
    """The batch's CSV rows (no header), streamed by COPY from the query
    enrich.export_csv_query builds for these columns."""
    query = conn.execute(
        "select enrich.export_csv_query(%s, %s, %s)", (batch_id, Jsonb(columns), raw)
    ).fetchone()[0]
    yield from _copy_out(
        conn,
        sql.SQL("copy ({}) to stdout (format csv, delimiter {})").format(
            sql.SQL(query), sql.Literal(delimiter)
        ),
    )


def spreadsheet_safe(conn: psycopg.Connection, cells: list[str]) -> list[str]:
    """Cells as enrich._spreadsheet_safe writes them (the export's header)."""
    return conn.execute(
        "select coalesce(array_agg(enrich._spreadsheet_safe(c) order by n), '{}')"
        " from unnest(%s::text[]) with ordinality as u(c, n)",
        (cells,),
    ).fetchone()[0]


def batch_savings(conn: psycopg.Connection, batch_id: UUID) -> list[dict[str, Any]]:
    """Per entity step: items served, entities, and the items that made a Clay call."""
    return _rows(conn, "select * from enrich.batch_savings(%s)", (batch_id,))


# -- operations ----------------------------------------------------------------------------
def check_invariants(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return _rows(conn, "select * from enrich.check_invariants()")


def retry_failed(
    conn: psycopg.Connection, batch_id: UUID | None, workflow: str | None, entity_id: UUID | None
) -> int:
    return conn.execute(
        "select enrich.retry_failed(%s, %s, %s)", (batch_id, workflow, entity_id)
    ).fetchone()[0]


def refresh_entities(
    conn: psycopg.Connection, workflow: str, older_than: Any, entity_id: UUID | None
) -> int:
    return conn.execute(
        "select enrich.refresh_entities(%s, %s, %s)", (workflow, older_than, entity_id)
    ).fetchone()[0]


def workflow_stats(conn: psycopg.Connection, since: Any) -> list[dict[str, Any]]:
    return _rows(conn, "select * from enrich.workflow_stats(%s)", (since,))


def list_pipelines(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return _rows(conn, "select * from enrich.list_pipelines()")


def set_pipeline(conn: psycopg.Connection, name: str, steps: list[str]) -> list[str]:
    return conn.execute("select enrich.set_pipeline(%s, %s::text[])", (name, steps)).fetchone()[0]


def prune_batches(conn: psycopg.Connection, older_than: Any) -> tuple[int, int]:
    return tuple(conn.execute("select * from enrich.prune_batches(%s)", (older_than,)).fetchone())


def export_columns(conn: psycopg.Connection, batch_id: UUID) -> dict[str, Any]:
    """A batch's input columns, steps, steps with errors and result fields per workflow
    (the CSV export's header)."""
    return _rows(conn, "select * from enrich.export_columns(%s)", (batch_id,))[0]
