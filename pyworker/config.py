"""Settings from the environment (their names are part of the contract: README.md,
"Configuration")."""

from __future__ import annotations

import os

from pyworker.localdb import default_cluster


def database_url() -> str:
    """DATABASE_URL if set, else the private cluster under the project folder (started)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return default_cluster().ensure_running()


class BadSetting(ValueError):
    """An environment setting that cannot work; the message names it, never its value."""


POOLER_MODES = ("none", "session", "transaction")


def pooler() -> str:
    """ENRICH_POOLER: what DATABASE_URL points at. none (default): PostgreSQL itself;
    session: a pooler in session mode (one server connection per client: like none);
    transaction: a pooler in transaction mode (PgBouncer's, Supavisor's port 6543), which
    hands each transaction to any server connection: no prepared statements, no LISTEN
    (ENRICH_LISTEN_URL, else polling), no `enrich db migrate`. Set, never guessed: a
    pooler cannot be told from PostgreSQL reliably."""
    mode = (os.environ.get("ENRICH_POOLER") or "none").strip().lower()
    if mode not in POOLER_MODES:
        raise BadSetting(f"ENRICH_POOLER must be one of {', '.join(POOLER_MODES)}")
    return mode


def connection_options() -> dict:
    """psycopg.connect options for DATABASE_URL: behind a transaction pooler, never a
    prepared statement (the next transaction may run on a server connection without it)."""
    return {"prepare_threshold": None} if pooler() == "transaction" else {}


def listen_url(database_url: str) -> str | None:
    """Where to LISTEN (a session of its own): ENRICH_LISTEN_URL, else DATABASE_URL unless
    that is a transaction pooler (then None: poll instead)."""
    explicit = (os.environ.get("ENRICH_LISTEN_URL") or "").strip()
    if explicit:
        return explicit
    return None if pooler() == "transaction" else database_url


def webhook_auth_token() -> str | None:
    """CLAY_WEBHOOK_AUTH_TOKEN, sent as the x-clay-webhook-auth header. Surrounding
    whitespace is dropped (a header value cannot carry it; a trailing newline is what
    `echo` leaves in a secret file); a token with characters no header can carry is refused
    here rather than failing every POST with an error that would quote it."""
    return checked_token(os.environ.get("CLAY_WEBHOOK_AUTH_TOKEN") or "", "CLAY_WEBHOOK_AUTH_TOKEN")


def checked_token(value: str, name: str) -> str | None:
    """An x-clay-webhook-auth value without surrounding whitespace; refused (without being
    quoted) if it holds a character an HTTP header cannot carry."""
    token = value.strip()
    if any(not " " <= char <= "~" for char in token):
        raise BadSetting(
            f"{name} holds a control or non-ASCII character, which an HTTP header cannot carry"
        )
    return token or None


def public_url() -> str | None:
    """ENRICH_PUBLIC_URL: the base of the callback URL put in every payload (where Clay
    reaches `enrich serve`), without surrounding whitespace; None when unset."""
    return (os.environ.get("ENRICH_PUBLIC_URL") or "").strip() or None


MIN_SECRET_LENGTH = 16


def callback_secrets() -> tuple[str | None, str | None]:
    """ENRICH_CALLBACK_SECRET and, while a secret is being rotated,
    ENRICH_CALLBACK_SECRET_PREVIOUS (each None when unset), checked like a header value
    (surrounding whitespace dropped, printable ASCII only) and at least 16 characters long:
    a secret of spaces would let `Authorization: Bearer ` followed by spaces in."""
    return tuple(  # type: ignore[return-value]
        _checked_secret(name)
        for name in ("ENRICH_CALLBACK_SECRET", "ENRICH_CALLBACK_SECRET_PREVIOUS")
    )


def _checked_secret(name: str) -> str | None:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return None
    secret = checked_token(raw, name)
    if secret is None or len(secret) < MIN_SECRET_LENGTH:
        raise BadSetting(
            f"{name} must be at least {MIN_SECRET_LENGTH} characters (not counting surrounding "
            "whitespace): e.g. openssl rand -hex 24"
        )
    return secret


def ui_credentials() -> tuple[str, str | None]:
    """The dashboard's user (ENRICH_UI_USER, default admin) and password (ENRICH_UI_PASSWORD;
    None: no authentication, for a loopback address only)."""
    user = os.environ.get("ENRICH_UI_USER", "admin").strip() or "admin"
    password = os.environ.get("ENRICH_UI_PASSWORD") or None
    if ":" in user:
        raise BadSetting("ENRICH_UI_USER must not contain ':' (HTTP Basic separates with it)")
    if password is not None and len(password) < 12:
        raise BadSetting("ENRICH_UI_PASSWORD must be at least 12 characters")
    return user, password
