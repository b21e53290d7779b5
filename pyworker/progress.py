"""Progress displays for a terminal (rich); plain lines when the output is not a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from pyworker.durations import format_duration


@contextmanager
def loading(console: Console) -> Iterator[Callable[[str], None] | None]:
    """A spinner with the loader's progress text; None (no display) off a terminal."""
    if not console.is_terminal:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("reading rows", total=None)
        yield lambda text: progress.update(task, description=text)


@contextmanager
def finishing(console: Console, rows: int) -> Iterator[Callable[[dict], None]]:
    """Show a batch's finished items (COMPLETED + FAILED) out of its rows, given batch_status
    dicts: a progress bar on a terminal, else one line whenever the counts change."""
    last = {"line": ""}
    if console.is_terminal:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("items finished", total=rows)

            def update(status: dict) -> None:
                items = status["items"] or {}
                progress.update(
                    task,
                    completed=finished_rows(status),
                    description=f"{items.get('FAILED', 0):,} failed",
                )

            yield update
        return

    def print_line(status: dict) -> None:
        items = status["items"] or {}
        line = (
            f"{status['status']}: {items.get('COMPLETED', 0)} completed, "
            f"{items.get('FAILED', 0)} failed, {items.get('IN_PROGRESS', 0)} in progress"
        )
        if line != last["line"]:
            console.print(line)
            last["line"] = line

    yield print_line


NO_WORKER = "no worker running: start one with `enrich worker`"
# what a batch list can be filtered by (enrich.find_batches): a status, or some row failed
BATCH_STATUSES = ("LOADING", "IN_PROGRESS", "COMPLETED", "failed")


def finished_rows(status: dict) -> int:
    """A batch_status's rows that are done with: COMPLETED or FAILED."""
    items = status.get("items") or {}
    return items.get("COMPLETED", 0) + items.get("FAILED", 0)


def status_label(status: dict) -> str:
    """A batch's status as people read it: never a bare COMPLETED when rows failed."""
    failed = status.get("failed") or 0
    return f"{status['status']} with {failed:,} failed" if failed else status["status"]


def timing(status: dict, now: datetime | None = None) -> dict[str, float | None]:
    """How long a batch has taken (to its end, or so far) and, while it runs, how long it
    should still take at the pace seen so far (its finished rows over its time), in
    seconds; None when there is nothing to tell by yet."""
    now = now or datetime.now(UTC)
    started = _moment(status["created_at"])
    ended = _moment(status.get("completed_at")) if status.get("completed_at") else None
    took = ((ended or now) - started).total_seconds()
    finished = finished_rows(status)
    left = status["rows"] - finished
    eta = None
    if ended is None and status["status"] != "LOADING" and finished and left > 0:
        eta = left * took / finished
    return {"seconds": max(took, 0.0), "eta_seconds": eta}


def timing_line(status: dict) -> str:
    """`took 4m10s` for a finished batch; `running 2m, about 5m left` for one that runs."""
    spent = timing(status)
    if status.get("completed_at"):
        return f"took {format_duration(spent['seconds'])}"
    line = f"running {format_duration(spent['seconds'])}"
    if spent["eta_seconds"] is not None and not status.get("no_worker"):  # (nothing moves)
        line += f", about {format_duration(spent['eta_seconds'])} left at this pace"
    return line


def _moment(value: str | datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def steps_finished(status: dict) -> list[tuple[dict, int]]:
    """Each step of a batch_status with how many of the batch's items are finished with it:
    COMPLETED or FAILED there, or FAILED at an earlier step (they will never reach it)."""
    finished, active_so_far = [], 0
    for step in status["steps"] or []:
        counts = step["counts"]
        active_so_far += sum(counts.get(n, 0) for n in ("PENDING", "IN_PROGRESS", "WAITING"))
        finished.append((step, status["rows"] - active_so_far))
    return finished
