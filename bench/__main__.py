"""`python -m bench [--only ingest,dispatch,...] [--quick]`: run the benchmarks in order."""

from __future__ import annotations

import argparse
import importlib

BENCHMARKS = ("ingest", "dispatch", "callbacks", "reads", "wakeup", "memory", "scaling")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated names")
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer rounds")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    for name in chosen:
        importlib.import_module(f"bench.{name}").main(quick=args.quick)


if __name__ == "__main__":
    main()
