"""Outbound TLS: the worker verifies webhook certificates (httpx's default, never turned off).
A webhook served over HTTPS with a certificate nobody vouches for receives nothing; the
entity retries, then fails with the reason."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
from pathlib import Path

import httpx
import psycopg
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from pyworker import clay
from pyworker.servers import BackgroundServer
from pyworker.testing.stack import (
    COMPANY,
    batches_done,
    create_batch,
    running_stack,
    scalar,
    wait_for,
)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_webhooks_with_untrusted_certificates_receive_nothing(db_url: str, tmp_path: Path) -> None:
    received: list[bytes] = []

    async def hook(request):
        received.append(await request.body())
        return JSONResponse({"status": "accepted"})

    cert, key = self_signed_certificate(tmp_path)
    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    with (
        BackgroundServer(app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as webhook,
        running_stack(db_url) as stack,
    ):
        # the server works for a client that trusts its certificate...
        trusting = ssl.create_default_context(cafile=str(cert))
        assert httpx.post(f"{webhook.url}/hook", json={}, verify=trusting).status_code == 200
        received.clear()
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(
                "select enrich.set_workflow(%s, array[%s], p_max_attempts => 2)",
                (COMPANY, f"{webhook.url}/hook"),
            )
        # ...and the worker, which trusts only the system's authorities, sends it nothing
        with stack.workers(1):
            create_batch(db_url, "company", [{"email": "a@acme.com"}, {"email": "b@beta.io"}])
            wait_for(lambda: batches_done(db_url), timeout=60, what="the batch")
    assert received == []
    errors = scalar(
        db_url, "select array_agg(distinct last_error) from enrich.company_workflow_states"
    )
    assert len(errors) == 1
    assert errors[0].startswith("gave up after 2 attempt(s): network error: ConnectError")
    assert "CERTIFICATE_VERIFY_FAILED" in errors[0]
    assert "/hook" not in errors[0]  # the webhook URL is not repeated in errors


def test_a_failed_post_never_quotes_the_request(tmp_path: Path) -> None:
    """A protocol error quotes the offending header (here, an auth token a header cannot
    carry, as it would be if the setting were not checked at start): the recorded reason
    is the error's type only. Failures to connect keep their message (see above)."""

    async def hook(request):
        return JSONResponse({"status": "accepted"})

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    with BackgroundServer(app) as webhook:

        async def post() -> clay.Outcome:
            async with httpx.AsyncClient() as client:
                return await clay.post_entity(
                    client, f"{webhook.url}/hook", b"{}", "tok-SECRET-123\n", attempt=1
                )

        outcome = asyncio.run(post())
    assert outcome.kind == "retry"
    assert outcome.error == "network error: LocalProtocolError"
