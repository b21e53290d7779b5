"""`python -m bench.parts [--rows N] [--parts K] [--rounds R]`: K batches loaded at once
against one batch, the yardstick the load in parts (`enrich load --parts`) was built on.

Not one of the issue's comparisons. The generated people file is cut into K files by
company (a row goes to the part its email's domain hashes to: in the generated file that is
always the company's domain), and each round, alternating, times

- **parts**: K `enrich load` processes started together into one fresh database, one per
  part (K batches), until the last exits;
- **one batch**: `enrich load` of the whole file into another fresh database (in parts
  itself when the file is big enough: loader.default_parts).

Every item must end at the company step (or failed before it) and every company must be
claimed once, as bench.ingest checks. With the one batch loaded in as many parts, the gap
is what coordinating the parts of one batch costs (the loader's routing by a guessed
company, the LOADING batch and its last transaction).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import time
import zlib
from pathlib import Path

from bench.common import alternate, medians, report, scratch_database
from bench.ingest import ENRICH, PIPELINE, check_all_claimed, load_with_enrich, people_file


def part_files(path: Path, parts: int) -> list[Path]:
    """The file cut into `parts` CSV files by company (made once, next to the file)."""
    paths = [path.with_name(f"{path.stem}-part{k + 1}of{parts}.csv") for k in range(parts)]
    if all(p.exists() for p in paths):
        return paths
    with open(path, newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        email = header.index("email")
        outs = [open(p.with_suffix(".tmp"), "w", newline="") for p in paths]  # noqa: SIM115
        try:
            writers = [csv.writer(out) for out in outs]
            for writer in writers:
                writer.writerow(header)
            for row in reader:
                domain = row[email].rpartition("@")[2].lower()
                writers[zlib.crc32(domain.encode()) % parts].writerow(row)
        finally:
            for out in outs:
                out.close()
    for p in paths:
        p.with_suffix(".tmp").rename(p)
    return paths


def load_parts(paths: list[Path], rows: int) -> dict:
    with scratch_database() as url:
        env = {**os.environ, "DATABASE_URL": url}
        started = time.perf_counter()
        loads = [
            subprocess.Popen(
                [ENRICH, "load", str(p), "--pipeline", PIPELINE], env=env, stdout=subprocess.DEVNULL
            )
            for p in paths
        ]
        codes = [load.wait() for load in loads]
        seconds = time.perf_counter() - started
        if any(codes):
            raise RuntimeError(f"a part's load failed: exit codes {codes}")
        check_all_claimed(url, rows)
    return {"seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.parts")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--parts", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    path = people_file(args.rows)
    paths = part_files(path, args.parts)
    measured = alternate(
        {
            f"{args.parts} parts at once": lambda: load_parts(paths, args.rows),
            "one batch": lambda: load_with_enrich(path, args.rows),
        },
        args.rounds,
    )
    parts = medians(measured[f"{args.parts} parts at once"])["seconds"]
    whole = medians(measured["one batch"])["seconds"]
    report(
        "parts",
        f"{args.rows:,} rows: {args.parts} parts by company at once vs one batch",
        [
            {"system": f"{args.parts} parts at once", "seconds": parts},
            {"system": "one batch", "seconds": whole},
        ],
        {"speed-up": round(whole / parts, 2), "parts ≤ 60 s": "yes" if parts <= 60 else "no"},
    )


if __name__ == "__main__":
    main()
