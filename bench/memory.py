"""Memory: peak RSS of `enrich load` on the 1,000,000-row file and of a worker draining
20,000 dispatches (wait4() of each process). Targets: loader <= 200 MB and the same at
every file size (it streams), worker <= 150 MB."""

from __future__ import annotations

import sys

from bench import dispatch, ingest
from bench.common import report, scratch_database

LOADER_TARGET_MB, WORKER_TARGET_MB = 200, 150


def main(quick: bool = False) -> None:
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    entities = 2_000 if quick else 20_000
    rows = []
    for size in sizes:
        loaded = ingest.load_with_enrich(ingest.people_file(size), size)
        rows.append(
            {"process": f"enrich load, {size:,} rows", "peak RSS MB": loaded["loader_peak_rss_mb"]}
        )
    with scratch_database() as url:
        drained = dispatch.drain(url, entities)
    rows.append(
        {
            "process": f"enrich worker, {entities:,} dispatches",
            "peak RSS MB": drained["worker_peak_rss_mb"],
        }
    )
    loader = [row["peak RSS MB"] for row in rows[:-1]]
    summary = {
        "loader peak at largest / smallest file": round(loader[-1] / loader[0], 2),
        f"target loader ≤ {LOADER_TARGET_MB} MB": "met"
        if max(loader) <= LOADER_TARGET_MB
        else "MISSED",
        f"target worker ≤ {WORKER_TARGET_MB} MB": "met"
        if drained["worker_peak_rss_mb"] <= WORKER_TARGET_MB
        else "MISSED",
    }
    report("memory", "Peak memory (RSS)", rows, summary)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
