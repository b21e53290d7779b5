"""`enrich demo`: six people from three companies through the SQL state machine, with Clay
played by SQL calls.

The demo claims its dispatches as a worker would, answers each with `enrich.receive_result`
as Clay's callback would, and prints what each table shows: three calls for six rows. It
runs in one transaction that it rolls back, in a workflow, pipeline and workspace of its
own, claiming only its own dispatches: it never touches real work, a configured webhook or
the ledger, and leaves the database as it found it.
"""

from __future__ import annotations

import psycopg
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pyworker import db

DEMO_ROWS = [  # six people of three companies, written in different ways
    {"email": "ann@alpha-demo.com", "first_name": "Ann", "company_domain": "alpha-demo.com"},
    {
        "email": "al@alpha-demo.com",
        "first_name": "Al",
        "company_website": "https://www.alpha-demo.com/team",
    },
    {"email": "bea@beta-demo.io", "first_name": "Bea", "company_domain": "beta-demo.io"},
    {"email": "bo@beta-demo.io", "first_name": "Bo"},
    {"email": "cy@gamma-demo.co.uk", "first_name": "Cy", "company_domain": "shop.gamma-demo.co.uk"},
    {"email": "cat@gamma-demo.co.uk", "first_name": "Cat", "company_domain": "GAMMA-DEMO.CO.UK"},
]
WORKER = "demo"
DEMO_WORKFLOW = "enrich_demo_company"
DEMO_PIPELINE = "enrich_demo"


def run(url: str, console: Console) -> None:
    with db.connect(url, autocommit=False) as conn:
        try:
            _run(conn, console)
        finally:
            conn.rollback()  # nothing the demo did stays
    console.print("(rolled back: the demo left the database as it found it)")


def _run(conn: psycopg.Connection, console: Console) -> None:
    db.set_workspace(conn, DEMO_PIPELINE, 1000, 1000, None, False)
    db.set_workflow(
        conn, DEMO_WORKFLOW, entity_type="company", workspace=DEMO_PIPELINE, create=True
    )
    db.set_pipeline(conn, DEMO_PIPELINE, ["normalize_all_core_values", "split", DEMO_WORKFLOW])
    batch_id = db.create_batch(conn, DEMO_PIPELINE, DEMO_ROWS)
    console.print(f"created batch [bold]{batch_id}[/]: {len(DEMO_ROWS)} rows")
    calls = 0
    claimed = db.claim_dispatches(
        conn, WORKER, 100, include_unconfigured=True, workflow=DEMO_WORKFLOW
    )
    for dispatch in claimed:
        calls += 1
        db.mark_dispatch_sent(conn, dispatch.dispatch_id, WORKER)
        domain = dispatch.payload["company_domain"]
        outcome = db.receive_result(
            conn,
            dispatch.workflow_slug,
            {
                "company_id": str(dispatch.entity_id),
                "employees": 10 * len(domain),
                "industry": "demo",
            },
        )
        console.print(f"  Clay call {calls}: {domain} -> callback {outcome}", markup=False)

    steps = Table(title="workflow_states for this batch")
    for column in ("step", "status", "items", "skipped (no Clay call)"):
        steps.add_column(column)
    for row in db.batch_step_counts(conn, batch_id):
        steps.add_row(row["step"], row["status"], str(row["items"]), str(row["skipped"]))
    console.print(steps)

    companies = Table(title="companies of this batch")
    for column in ("domain", "status", "items", "result"):
        companies.add_column(column)
    for row in db.company_results_for_batch(conn, batch_id):
        companies.add_row(
            escape(row["domain"]), row["status"], str(row["items"]), escape(str(row["result"]))
        )
    console.print(companies)

    summary = db.batch_summary(conn, batch_id)
    console.print(
        f"batch {summary['status']}: {summary['rows']} rows, {summary['companies']} companies,"
        f" {calls} Clay call(s) this run, {summary['rows'] - calls} saved by dedupe"
    )
    console.print(batch_id)
