"""The one module of named queries: runtime code reaches the database only through here.

Every state change is a call to an `enrich.*` SQL function; this module never decides a
transition. Data goes in as parameters, never by string formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb


@dataclass(frozen=True)
class Dispatch:
    dispatch_id: int
    workflow_slug: str
    entity_type: str
    entity_id: UUID
    attempt: int
    payload: dict[str, Any]


def connect(url: str, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=autocommit)


def create_batch(conn: psycopg.Connection, pipeline: str, rows: list[dict[str, Any]]) -> UUID:
    return conn.execute("select enrich.create_batch(%s, %s)", (pipeline, Jsonb(rows))).fetchone()[0]


def claim_dispatches(conn: psycopg.Connection, worker: str, limit: int) -> list[Dispatch]:
    rows = conn.execute(
        "select dispatch_id, workflow_slug, entity_type, entity_id, attempt, payload"
        " from enrich.claim_dispatches(%s, %s)",
        (worker, limit),
    ).fetchall()
    return [Dispatch(*row) for row in rows]


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
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select ws.step_name as step, ws.status, count(*) as items,"
            "       count(*) filter (where ws.meta ? 'skipped') as skipped"
            "  from enrich.workflow_states ws join enrich.batch_items i on i.id = ws.item_id"
            "  join enrich.batches b on b.id = i.batch_id"
            " where i.batch_id = %s"
            " group by 1, 2, b.steps order by array_position(b.steps, ws.step_name), 2",
            (batch_id,),
        ).fetchall()


def batch_summary(conn: psycopg.Connection, batch_id: UUID) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select b.id, b.pipeline, b.status, b.item_count as rows, b.created_at, b.completed_at,"
            "       count(distinct i.company_id) as companies,"
            "       count(distinct i.person_id) as people"
            "  from enrich.batches b left join enrich.batch_items i on i.batch_id = b.id"
            " where b.id = %s group by b.id",
            (batch_id,),
        ).fetchone()


def company_results_for_batch(conn: psycopg.Connection, batch_id: UUID) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "select c.domain, s.status, count(distinct i.id) as items, r.data as result"
            "  from enrich.batch_items i"
            "  join enrich.normalized_companies c on c.id = i.company_id"
            "  join enrich.company_workflow_states s on s.company_id = c.id"
            "  left join lateral (select data from enrich.company_enrichment_results cr"
            "       where cr.company_id = c.id and cr.workflow_slug = s.workflow_slug"
            "       order by cr.created_at desc limit 1) r on true"
            " where i.batch_id = %s group by c.domain, s.status, r.data order by c.domain",
            (batch_id,),
        ).fetchall()
