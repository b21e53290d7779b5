"""Every workflow pointed at one Clay (a simulator or a placeholder), as fast as it will go:
the set-up the soak, the benchmarks and the test suite's template database share."""

from __future__ import annotations

from typing import Any

from pyworker import db


def every_workflow_to(url: str, clay_url: str, rate: int = 1_000_000, **settings: Any) -> None:
    """In the database at url, point every workflow at `clay_url`/webhooks/<slug> with a rate
    limit of `rate` calls a second (and as many in a burst), the same on the default
    workspace, their buckets full. `settings`: more of set_workflow's, for every workflow
    (db.set_workflow's names: timeout, max_attempts, resends, ...)."""
    with db.connect(url) as conn:
        for workflow in db.list_workflows(conn):
            slug = workflow["slug"]
            webhook = f"{clay_url}/webhooks/{slug}"
            db.set_workflow(
                conn, slug, webhook_urls=[webhook], rate_per_second=rate, burst=rate, **settings
            )
        conn.execute("update enrich.workflows set rate_tokens = burst")
        db.set_workspace(conn, "default", rate, rate, None, False)
        conn.execute("update enrich.workspaces set rate_tokens = burst")
