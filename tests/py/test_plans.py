"""Plans a long-lived session keeps must stay linear whatever the data they meet later.

A receiver's connection records thousands of callbacks; PostgreSQL keeps the plan of a
parameterless statement for the session, made on whatever the first call saw. The advance
trigger joins its transition tables: planned on a one-item cascade (a nested loop), it
would rescan the old rows for every new one when an entity with thousands of waiting items
completes later (measured: 20,000 items 27 s instead of 0.4 s). auto_explain, with its
output sent to the client as notices, shows which plan the trigger really used.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pyworker.builtins import COMPANY_WORKFLOW

COMPANY = COMPANY_WORKFLOW


def test_a_warmed_session_cascades_a_big_entity_without_nested_loops(db_url: str) -> None:
    rows = [{"email": f"p{n}@bigco.com"} for n in range(300)]
    rows += [{"email": f"p@smallco{n}.com"} for n in range(8)]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("select enrich.create_batch('company', %s)", (Jsonb(rows),))
        ids = dict(conn.execute("select domain, id from enrich.normalized_companies").fetchall())
        for n in range(8):  # one-item cascades: the trigger's plans are made on these
            conn.execute(
                "select enrich.receive_result(%s, jsonb_build_object('company_id', %s::uuid))",
                (COMPANY, ids[f"smallco{n}.com"]),
            )

        plans: list[str] = []
        conn.add_notice_handler(lambda notice: plans.append(notice.message_primary or ""))
        try:
            conn.execute("load 'auto_explain'")
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("loading auto_explain needs a superuser (the private cluster has one)")
        conn.execute(
            "set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on;"
            " set auto_explain.log_level = notice"
        )
        outcome = conn.execute(
            "select enrich.receive_result(%s, jsonb_build_object('company_id', %s::uuid))",
            (COMPANY, ids["bigco.com"]),
        ).fetchone()[0]
        assert outcome == "completed"
        finished = conn.execute(
            "select count(*) from enrich.batch_items where status = 'COMPLETED'"
        ).fetchone()[0]
        assert finished == 308

    joins = [plan for plan in plans if "Named Tuplestore Scan" in plan]
    assert joins, "auto_explain showed the trigger's transition-table query"
    nested = [plan for plan in joins if "Nested Loop" in plan]
    assert not nested, f"the 300-item cascade used a plan made for one item:\n{nested[0]}"
