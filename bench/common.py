"""What every benchmark shares: scratch databases, alternating rounds, medians, the report.

Each benchmark runs the compared systems in the same run, on the same PostgreSQL,
alternating, for several rounds; the ratio of medians is the result (absolute times on a
shared machine are noisy). Reports print as a table and are written as JSON under
bench/results/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table

from pyworker import config
from pyworker.testing.scratch_db import migrated_database, url_for
from pyworker.testing.workflows import every_workflow_to

RESULTS_DIR = Path(__file__).resolve().parent / "results"
console = Console()


@contextmanager
def scratch_database() -> Iterator[str]:
    """A freshly migrated database on the server in use (private cluster or DATABASE_URL),
    dropped afterwards; yields its URL."""
    with migrated_database() as name:
        yield url_for(name)


def unlimited_workflows(url: str, webhook_base: str) -> None:
    """Point every workflow at webhook_base/webhooks/<slug>, with no rate limit (nor one on
    their workspace) and no practical cap on a webhook's submissions."""
    every_workflow_to(url, webhook_base, max_submissions=1_000_000_000)


def alternate(systems: dict[str, Callable[[], dict]], rounds: int) -> dict[str, list[dict]]:
    """Run each system once per round, in alternating order; each returns its measurements."""
    measured: dict[str, list[dict]] = {name: [] for name in systems}
    names = list(systems)
    for round_number in range(rounds):
        order = names if round_number % 2 == 0 else names[::-1]
        for name in order:
            figures = systems[name]()
            measured[name].append(figures)
            console.print(f"  round {round_number + 1}/{rounds} {name}: {figures}")
    return measured


def medians(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def machine() -> dict:
    with psycopg.connect(config.database_url()) as conn:
        server = conn.execute("show server_version").fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": server,
        "platform": platform.platform(),
    }


def report(name: str, title: str, rows: list[dict], summary: dict) -> dict:
    """Print a table of rows (one per system/size) and the summary; write both as JSON."""
    table = Table(title=title)
    for column in rows[0]:
        table.add_column(column, justify="left" if column == "system" else "right")
    for row in rows:
        table.add_row(*(_shown(value) for value in row.values()))
    console.print(table)
    for key, value in summary.items():
        console.print(f"  {key}: {_shown(value)}")
    document = {
        "benchmark": name,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "rows": rows,
        "summary": summary,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(document, indent=2, default=str))
    console.print(
        f"  written to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
    )
    return document


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def peak_rss_mb(pid: int) -> int:
    """VmHWM: the process's peak RSS since it exec'd, 0 once it is gone. (wait4's ru_maxrss
    is not used: on Linux it also counts the parent's RSS at fork time, i.e. this harness.)"""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def run_measured(command: list[str], env: dict | None = None) -> tuple[float, int]:
    """Run a command to completion; (wall seconds, peak RSS in MB of the process), the peak
    read every 20 ms while it runs."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    peak = 0
    while True:
        pid, status, _ = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, peak_rss_mb(process.pid))
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited with {process.returncode}")
    return seconds, peak
