"""`enrich worker --metrics-port`: each worker's own POSTs by outcome, in Prometheus form."""

from __future__ import annotations

import os
import subprocess

import httpx
from prometheus_client import generate_latest

from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.servers import free_port
from pyworker.testing import ENRICH
from pyworker.testing.stack import batches_done, create_batch, running_stack
from pyworker.testing.wait import answers, wait_for


def test_a_worker_counts_its_posts_by_outcome(db_url: str) -> None:
    rows = [{"email": f"p@company{n}.com"} for n in range(40)]
    with running_stack(db_url, fail_rate=0.2, seed=7) as stack, stack.workers(1) as [worker]:
        create_batch(db_url, "company", rows)
        wait_for(lambda: batches_done(db_url), timeout=60, what="the batch")
        billed = stack.stats()["billed"]
    text = generate_latest(worker.metrics.registry).decode()
    workflow = f'workflow="{COMPANY_WORKFLOW}"'
    assert billed > 0  # every accepted POST, and only those, billed by Clay
    assert f'enrich_worker_posts_total{{outcome="accepted",{workflow}}} {float(billed)}' in text
    assert f'enrich_worker_posts_total{{outcome="server_error",{workflow}}}' in text
    assert "enrich_worker_posts_in_flight 0.0" in text
    assert "/webhooks/" not in text  # a webhook URL is a credential: never a label


def test_the_worker_serves_its_metrics_on_the_port_asked(db_url: str) -> None:
    port = free_port("127.0.0.1")
    worker = subprocess.Popen(
        [ENRICH, "worker", "--metrics-port", str(port)],
        env={**os.environ, "DATABASE_URL": db_url, "ENRICH_PUBLIC_URL": "http://127.0.0.1:9"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        wait_for(answers(url, worker), timeout=30, what="the worker's metrics")
        assert "enrich_worker_posts_in_flight" in httpx.get(url).text
    finally:
        worker.terminate()
        worker.wait(timeout=30)
