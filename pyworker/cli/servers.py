"""`enrich worker`, `enrich serve`, `enrich clay-sim`, `enrich run`: the long-running processes."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

import typer
from rich.console import Console

from pyworker import config
from pyworker import load as loader
from pyworker.cli.common import (
    LOG_FORMAT_OPTION,
    LOG_LEVEL_OPTION,
    RUN_ENV,
    SERVE_ENV,
    SIM_ENV,
    UI_ENV,
    WORKER_ENV,
    fail,
    setup_logs,
    webhook_auth_token,
)
from pyworker.cli.root import app


@app.command("worker", epilog=WORKER_ENV)
def worker_command(
    concurrency: int = typer.Option(16, min=1, help="POSTs in flight at once."),
    poll_interval: float = typer.Option(2.0, min=0.1, help="Seconds between polls when idle."),
    use_simulator: str | None = typer.Option(
        None, help="Base URL of a clay-sim for workflows with no webhook configured."
    ),
    lease: float = typer.Option(
        120.0, min=1, max=3600, help="Seconds a claim is held before another worker may take it."
    ),
    shutdown_grace: float = typer.Option(
        20.0, min=0, help="Seconds in-flight POSTs may finish after SIGINT/SIGTERM."
    ),
    metrics_port: int | None = typer.Option(
        None, min=1, max=65535, help="Serve this worker's Prometheus metrics on this port."
    ),
    metrics_host: str = typer.Option("127.0.0.1", help="Interface for --metrics-port."),
    log_level: str = LOG_LEVEL_OPTION,
    log_format: str = LOG_FORMAT_OPTION,
) -> None:
    """Run a worker until SIGINT/SIGTERM (graceful: in-flight work finishes or is handed back)."""
    setup_logs(log_level, log_format)
    from pyworker.worker import Worker, WorkerSettings

    public_url = config.public_url()
    if not public_url:
        fail("ENRICH_PUBLIC_URL is not set: Clay needs the receiver's public base URL", 2)
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fail("ENRICH_PUBLIC_URL is not an http(s) URL with a host: Clay could never call back", 2)
    settings = WorkerSettings(
        database_url=config.database_url(),
        public_url=public_url,
        auth_token=webhook_auth_token(),
        concurrency=concurrency,
        poll_interval=poll_interval,
        lease_seconds=lease,
        shutdown_grace=shutdown_grace,
        fallback_webhook_base=f"{use_simulator.rstrip('/')}/webhooks" if use_simulator else None,
    )
    worker = Worker(settings)
    if metrics_port is not None:
        try:
            worker.metrics.serve(metrics_port, metrics_host)
        except OSError as exc:
            fail(f"--metrics-port {metrics_port}: {exc.strerror or exc}", 2)
    asyncio.run(worker.run())


@app.command("serve", epilog=SERVE_ENV)
def serve_command(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="Port to bind."),
    insecure_no_secret: bool = typer.Option(
        False, "--insecure-no-secret", help="Accept callbacks without a secret (local use only)."
    ),
    log_level: str = LOG_LEVEL_OPTION,
    log_format: str = LOG_FORMAT_OPTION,
) -> None:
    """Run the callback receiver (POST /callbacks/{workflow}, GET /healthz, GET /metrics)."""
    setup_logs(log_level, log_format)

    from pyworker import receiver

    secret, previous = config.callback_secrets()
    if not secret and not insecure_no_secret:
        fail(
            "ENRICH_CALLBACK_SECRET is not set; refusing to accept unauthenticated callbacks "
            "(use --insecure-no-secret for local experiments)",
            2,
        )
    _serve(
        receiver.create_app(config.database_url(), secret or None, previous),
        "callback receiver",
        host,
        port,
    )


@app.command("ui", epilog=UI_ENV)
def ui_command(
    host: str = typer.Option("127.0.0.1", help="Interface to bind (not the internet's)."),
    port: int = typer.Option(8080, help="Port to bind."),
    log_level: str = LOG_LEVEL_OPTION,
    log_format: str = LOG_FORMAT_OPTION,
) -> None:
    """Run the web dashboard: batches live, uploads, workflows, lookup, spend, /metrics.
    HTTP Basic auth with ENRICH_UI_PASSWORD (user ENRICH_UI_USER, default admin); without a
    password it only listens on a loopback address."""
    setup_logs(log_level, log_format)

    from pyworker.ui import create_app
    from pyworker.ui.security import is_loopback

    user, password = config.ui_credentials()
    if password is None and not is_loopback(host):
        fail(
            f"--host {host} is not a loopback address: set ENRICH_UI_PASSWORD first (the "
            "dashboard can start loads and spend Clay credits)",
            2,
        )
    _serve(create_app(config.database_url(), user, password), "dashboard", host, port)


@app.command("clay-sim", epilog=SIM_ENV)
def clay_sim_command(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8100),
    rate: float = typer.Option(10.0, help="Accepted rows per second (workspace limit)."),
    burst: int = typer.Option(20),
    max_submissions: int = typer.Option(50_000, help="Submissions per webhook URL."),
    delay_min: float = typer.Option(0.05, help="Seconds before the callback, at least."),
    delay_max: float = typer.Option(0.3, help="Seconds before the callback, at most."),
    fail_rate: float = typer.Option(0.0, min=0, max=1, help="Share of POSTs answered 500."),
    drop_rate: float = typer.Option(0.0, min=0, max=1, help="Share of callbacks never sent."),
    duplicate_rate: float = typer.Option(0.0, min=0, max=1, help="Share of callbacks sent twice."),
    no_callback_rate: float = typer.Option(
        0.0, min=0, max=1, help="Share of rows accepted and billed but never called back."
    ),
    table_cap: int | None = typer.Option(
        None, min=0, help="Rows per webhook's table; past it: 200, not billed, no callback."
    ),
    seed: int | None = typer.Option(None, help="Random seed for reproducible faults."),
    callback_concurrency: int = typer.Option(
        32, min=1, help="Callbacks in flight at once, at most (the others wait their turn)."
    ),
    echo_domain: bool = typer.Option(
        False,
        "--echo-domain",
        help="Company results name the company's domain (the one sent, else one made from "
        "its name), so a company known by its page or name learns one.",
    ),
    log_level: str = LOG_LEVEL_OPTION,
    log_format: str = LOG_FORMAT_OPTION,
) -> None:
    """Run a local Clay look-alike: webhooks at /webhooks/{name}, stats at /stats."""
    setup_logs(log_level, log_format)

    from pyworker.clay import simulator as clay_sim

    settings = clay_sim.SimSettings(
        auth_token=webhook_auth_token(),
        callback_secret=config.callback_secrets()[0],
        rate_per_second=rate,
        burst=burst,
        max_submissions=max_submissions,
        delay_min=delay_min,
        delay_max=delay_max,
        fail_rate=fail_rate,
        drop_rate=drop_rate,
        duplicate_rate=duplicate_rate,
        no_callback_rate=no_callback_rate,
        table_cap=table_cap,
        seed=seed,
        callback_concurrency=callback_concurrency,
        echo_domain=echo_domain,
    )
    _serve(clay_sim.create_app(settings), "Clay simulator", host, port)


def _serve(asgi_app, what: str, host: str, port: int) -> None:
    """Serve an app until Ctrl-C or SIGTERM, saying first where (on stderr)."""
    import uvicorn

    where = f"[{host}]" if ":" in host else host
    Console(stderr=True).print(
        f"enrich {what}: http://{where}:{port} (Ctrl-C stops it)", markup=False, highlight=False
    )
    uvicorn.run(asgi_app, host=host, port=port, log_level="warning", access_log=False)


@app.command("run", epilog=RUN_ENV)
def run_command(
    file: str = typer.Argument(..., help="CSV or JSONL file."),
    pipeline: str = typer.Option(..., "--pipeline"),
    concurrency: int = typer.Option(16, min=1),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON too."),
    log_level: str = LOG_LEVEL_OPTION,
    log_format: str = LOG_FORMAT_OPTION,
) -> None:
    """Load + worker + receiver (+ clay-sim when no webhook is configured) until done."""
    setup_logs(log_level, log_format)
    from pyworker import run

    # soft_wrap: a log line printed above the progress bar stays one line, like in a file
    console = Console(stderr=as_json, soft_wrap=True)
    try:
        summary = run.run(
            config.database_url(), run.RunOptions(file, pipeline, concurrency), console
        )
    except (config.BadSetting, run.UnknownPipeline) as exc:
        fail(str(exc), 2)
    except loader.LoadError as exc:
        fail(f"{file}: {exc} (nothing was loaded)")
    except run.Waiting as exc:
        if as_json:  # the summary (with "waiting") all the same, for scripts
            typer.echo(json.dumps(exc.summary, default=str))
        fail(str(exc), 1)
    if as_json:
        typer.echo(json.dumps(summary, default=str))
