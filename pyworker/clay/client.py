"""Outbound client: POST one entity to a Clay webhook and classify the outcome."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

MAX_PAYLOAD_BYTES = 100 * 1024  # Clay's limit per webhook row
MAX_BACKOFF_SECONDS = 300.0
# A Retry-After beyond this (or not a finite number) waits this long: a row is never parked
# for years, nor retried at once because a huge value overflowed.
MAX_RETRY_AFTER_SECONDS = 3600.0


# Gateway errors: the gateway may have handed the row to Clay before failing.
POSSIBLY_ACCEPTED_STATUSES = frozenset({502, 504})


@dataclass(frozen=True)
class Outcome:
    """What a POST cost. sent: 2xx, paid. maybe_sent: Clay may have accepted the row (a 502 or
    504, an error after the body went out): paid, never re-sent by itself. retry: Clay did
    not take the row (429, other 5xx, an error before the body went out): free, again after
    a delay. fail: refused for good (other 4xx, too big): free, the entity fails."""

    kind: str
    delay_seconds: float = 0.0
    error: str = ""
    spend_attempt: bool = True  # a 429 (throttled) does not count as an attempt


@dataclass
class Delivery:
    """How far one POST got: once its body began to go out, Clay may have the row."""

    body_started: bool = False

    async def trace(self, event: str, info: dict) -> None:
        # httpcore's trace extension: http11.send_request_body.started (http2. likewise)
        if event.endswith("send_request_body.started"):
            self.body_started = True


def encode_payload(payload: dict, workflow: str, public_url: str) -> bytes:
    body = dict(payload)
    body["callback_url"] = f"{public_url.rstrip('/')}/callbacks/{workflow}"
    return json.dumps(body, separators=(",", ":"), default=str).encode()


def backoff_seconds(attempt: int, base: float = 2.0) -> float:
    """Exponential backoff with full jitter: up to base * 2^(attempt-1), capped."""
    ceiling = min(MAX_BACKOFF_SECONDS, base * 2 ** max(attempt - 1, 0))
    return random.uniform(ceiling / 2, ceiling)


def retry_after_seconds(header: str | None) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), within 0..MAX_RETRY_AFTER_SECONDS;
    None when absent or unreadable."""
    if not header:
        return None
    try:
        seconds = float(header)
    except ValueError:
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError, OverflowError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - datetime.now(UTC)).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def printable(text: str, limit: int = 300) -> str:
    """A response's text as an error message: control characters (NUL among them, which
    PostgreSQL text cannot hold) become spaces, at most `limit` characters."""
    return "".join(c if c.isprintable() else " " for c in text[:limit])


def _reason(exc: httpx.HTTPError, url: str) -> str:
    """What failed, for the entity's error and the logs. The message only for failures to
    connect or time-outs (socket and TLS text: refused, CERTIFICATE_VERIFY_FAILED...):
    other errors may quote the request (a protocol error quotes an illegal header, i.e.
    the auth token). Never the webhook URL either (Clay's webhook URLs are capabilities)."""
    if isinstance(exc, httpx.ConnectError | httpx.TimeoutException) and str(exc):
        return printable(f"{type(exc).__name__}: {exc}".replace(url, "<webhook url>"))
    return type(exc).__name__


async def post_entity(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    auth_token: str | None,
    attempt: int,
    delivery: Delivery | None = None,
) -> Outcome:
    if len(body) > MAX_PAYLOAD_BYTES:
        return Outcome("fail", error=f"payload is {len(body)} bytes, over Clay's 100 KB limit")
    delivery = delivery or Delivery()
    headers = {"content-type": "application/json"}
    if auth_token:
        headers["x-clay-webhook-auth"] = auth_token
    try:
        response = await client.post(
            url, content=body, headers=headers, extensions={"trace": delivery.trace}
        )
    except httpx.HTTPError as exc:
        error = f"network error: {_reason(exc, url)}"
        if delivery.body_started:  # a timeout or reset after the row went out: maybe paid
            return Outcome("maybe_sent", error=f"{error} (after the body was sent)")
        return Outcome("retry", backoff_seconds(attempt), error)
    if 200 <= response.status_code < 300:
        return Outcome("sent")
    detail = f"HTTP {response.status_code}: {printable(response.text)}"
    if response.status_code in POSSIBLY_ACCEPTED_STATUSES:
        return Outcome("maybe_sent", error=detail)
    if response.status_code == 429 or response.status_code >= 500:
        delay = retry_after_seconds(response.headers.get("retry-after"))
        return Outcome(
            "retry",
            delay if delay is not None else backoff_seconds(attempt),
            detail,
            spend_attempt=response.status_code != 429,
        )
    return Outcome("fail", error=detail)
