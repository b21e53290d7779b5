"""Serving helpers: an ASGI app under uvicorn in a background thread (for `enrich run` and the
tests), a free port, and HTTP clients of one connection each (the worker, the simulator)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import httpx
import uvicorn


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class BackgroundServer:
    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, **uvicorn_options) -> None:
        """uvicorn_options go to uvicorn.Config (e.g. ssl_certfile and ssl_keyfile: HTTPS)."""
        self.host = host
        self.port = port or free_port(host)
        self.scheme = "https" if uvicorn_options.get("ssl_certfile") else "http"
        config = uvicorn.Config(
            app,
            host=host,
            port=self.port,
            log_level="warning",
            lifespan="on",
            access_log=False,
            **uvicorn_options,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"server on {self.url} did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


async def single_connection_clients(
    stack: contextlib.AsyncExitStack, count: int, timeout: httpx.Timeout | float
) -> list[httpx.AsyncClient]:
    """`count` HTTP clients of one keep-alive connection each, closed with `stack`: one per
    slot of work, so nothing queues inside httpx (its pool checks every connection on each
    request's start and end: with one shared pool, that bookkeeping grows with the pool).
    They share one TLS context, the one httpx would build for each (loading the CA bundle
    costs a tenth of a second of CPU a client)."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    tls = httpx.create_ssl_context()  # verify=True, trust_env=True: httpx's default
    return [
        await stack.enter_async_context(
            httpx.AsyncClient(timeout=timeout, limits=limits, verify=tls)
        )
        for _ in range(count)
    ]
