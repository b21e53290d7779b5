"""Scaling: the dispatch benchmark's drain with 1, 2 and 4 `enrich worker` processes.

Same job as bench/dispatch.py (N company dispatches queued by one `create_batch` commit,
the simulator in its own process, entities/s from that commit to the last recorded send),
on one machine: with 2 cores shared by PostgreSQL, the simulator and the workers, the
speed-up measures how far the claim path lets workers add up before the CPU runs out — it
is not a multi-machine figure. Sizes run in alternating order, fresh database each.
"""

from __future__ import annotations

import os

from bench.common import medians, report, scratch_database
from bench.dispatch import drain

WORKER_COUNTS = (1, 2, 4)


def main(quick: bool) -> None:
    entities = 2_000 if quick else 20_000
    rounds = 1 if quick else 2
    measured: dict[int, list[dict]] = {n: [] for n in WORKER_COUNTS}
    for round_number in range(rounds):
        order = WORKER_COUNTS if round_number % 2 == 0 else WORKER_COUNTS[::-1]
        for workers in order:
            with scratch_database() as url:
                figures = drain(url, entities, workers)
            measured[workers].append(figures)
            print(f"  round {round_number + 1}/{rounds}, {workers} worker(s): {figures}")
    base = medians(measured[1])["entities_per_second"]
    rows = []
    for workers in WORKER_COUNTS:
        figures = medians(measured[workers])
        rows.append(
            {
                "workers": workers,
                "entities": entities,
                "entities/s (median)": figures["entities_per_second"],
                "speed-up vs 1": figures["entities_per_second"] / base,
                "peak RSS/worker MB": figures["worker_peak_rss_mb"],
                "worker CPU s (all)": figures["worker_cpu_seconds"],
            }
        )
    report(
        "scaling",
        f"Scaling on one machine ({os.cpu_count()} CPUs): {entities:,} entities, {rounds} round(s)",
        rows,
        {"note": "one machine: workers, simulator and PostgreSQL share the same CPUs"},
    )
