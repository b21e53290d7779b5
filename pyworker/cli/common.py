"""What every command shares: error output and exit codes, common options, parsing of
durations and tokens."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from uuid import UUID

import typer
from rich.console import Console
from rich.markup import escape

from pyworker import config
from pyworker.durations import parse_duration

err = Console(stderr=True, soft_wrap=True)  # a message is one line, whatever the width


JSON_OPTION = typer.Option(False, "--json", help="Machine-readable output.")


def webhook_auth_token() -> str | None:
    try:
        return config.webhook_auth_token()
    except config.BadSetting as exc:
        fail(str(exc), 2)


INT_MAX = 2**31 - 1  # PostgreSQL's integer


def parse_webhook_token(value: str) -> str | None:
    """A --webhook-token: '-' for none, env:NAME for the variable NAME's value."""
    if value == "-":
        return None
    if value.startswith("env:"):
        name = value[4:]
        if not os.environ.get(name, "").strip():
            fail(f"--webhook-token {value}: the environment variable {name} is not set", 2)
        value = os.environ[name]
    try:
        return config.checked_token(value, "--webhook-token")
    except config.BadSetting as exc:
        fail(str(exc), 2)


def fail(message: str, code: int = 1) -> None:
    err.print(f"[red]error:[/] {escape(message)}")  # messages quote data: never markup
    raise typer.Exit(code)


BATCH_HELP = "A batch: its id, a unique prefix of it (4 characters or more), its name, or latest."


def batch_argument(conn, value: str, what: str = "BATCH") -> UUID:
    """A batch as a user names it: the full id, a unique prefix of at least 4 characters, a
    unique name, or `latest` (always the newest created). Exits 2, saying why, for one that names
    no batch or several (listing them)."""
    from pyworker import db

    text = value.strip()
    if text.lower() == "latest":
        newest = db.batch_ids(conn, "", 1)
        if not newest:
            fail(f"{what} latest: there is no batch yet", 2)
        return newest[0][0]
    prefix = text.lower()
    with contextlib.suppress(ValueError):  # a whole id, with or without its dashes
        prefix = str(UUID(prefix))
    if not re.fullmatch(r"[0-9a-f-]{4,36}", prefix):
        prefix = None
    found = db.batch_ids(conn, prefix, 6, name=text) if text else []
    whole = [b for b in found if prefix is not None and str(b[0]) == prefix]
    found = whole or found  # a whole id names its batch, whatever others are called
    if not found:
        fail(
            f"{what} {value!r}: no batch has that name, that id or an id starting so"
            " (give an id, 4 or more of its first characters, a name, or latest)",
            2,
        )
    if len(found) > 1:
        shown = ", ".join(
            f"{batch_id}" + (f" ({name})" if name else "") for batch_id, name in found[:5]
        )
        more = ", ..." if len(found) > 5 else ""
        fail(f"{what} {value!r} names several batches: {shown}{more}", 2)
    return found[0][0]


def duration(value: str | None, option: str):
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        fail(f"{option}: {exc}", 2)


YES_OPTION = typer.Option(
    False, "--yes", "-y", help="Do not ask (needed without a terminal): each entity is paid again."
)


def json_number(value: object) -> object:
    """Decimals as JSON numbers, dates and the rest as text."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else str(value)


def masked_url(url: str) -> str:
    """A webhook URL is a credential: shown as its scheme and host and its last 4
    characters, e.g. https://api.clay.com/...Jx9a (a malformed one: its last 4 only)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return f"...{url[-4:]}" if len(url) > 8 else "..."
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    tail = url[-4:] if len(rest) > len(host) + 5 else ""  # never the whole of a short path
    return f"{scheme}://{host}/...{tail}"


_SECRET_PARAMS = ("password", "sslpassword")


def masked_database_url(url: str) -> str:
    """A database URL (or key=value string) with its passwords hidden: in the user part and
    in the parameters."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if "://" not in url:
        params = conninfo_to_dict(url)
        for name in _SECRET_PARAMS:
            if name in params:
                params[name] = "***"
        return make_conninfo(**params)
    parts = urlsplit(url)
    netloc = parts.netloc
    credentials, at, location = netloc.rpartition("@")
    if at and ":" in credentials:
        netloc = f"{credentials.split(':', 1)[0]}:***@{location}"
    query = [(k, "***" if k in _SECRET_PARAMS else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="/*@:")))


SHOW_SECRETS_OPTION = typer.Option(
    False, "--show-secrets", help="Show webhook URLs whole (they work as credentials)."
)


LOG_LEVEL_OPTION = typer.Option(
    "info", "--log-level", help="debug (every POST), info, warning or error."
)
LOG_FORMAT_OPTION = typer.Option("text", "--log-format", help="text (key=value) or json lines.")


def setup_logs(level: str, fmt: str) -> None:
    """The long-running commands' --log-level and --log-format."""
    from pyworker import logs

    if level.lower() not in logs.LEVELS:
        fail(f"--log-level must be one of {', '.join(logs.LEVELS)}", 2)
    if fmt.lower() not in logs.FORMATS:
        fail(f"--log-format must be one of {', '.join(logs.FORMATS)}", 2)
    logs.configure(level.lower(), fmt.lower())


# What each command reads from the environment, shown at the end of its --help.
DATABASE_ENV = (
    "Environment: DATABASE_URL (unset: the private cluster under the project folder, or "
    "ENRICH_LOCAL_DB_DIR, with PostgreSQL's programs in ENRICH_PG_BIN); ENRICH_POOLER "
    "(transaction: DATABASE_URL is a pooler in transaction mode)."
)
MIGRATE_ENV = DATABASE_ENV[:-1] + "; ENRICH_ROLE_PREFIX (the first migrate: role names)."
WORKER_ENV = (
    DATABASE_ENV[:-1]
    + "; ENRICH_PUBLIC_URL (the callback base put in every payload); CLAY_WEBHOOK_AUTH_TOKEN; "
    "ENRICH_LISTEN_URL (where to LISTEN behind a transaction pooler)."
)
SERVE_ENV = DATABASE_ENV[:-1] + "; ENRICH_CALLBACK_SECRET, ENRICH_CALLBACK_SECRET_PREVIOUS."
RUN_ENV = (
    DATABASE_ENV[:-1] + "; ENRICH_PUBLIC_URL, ENRICH_CALLBACK_SECRET, CLAY_WEBHOOK_AUTH_TOKEN, "
    "ENRICH_LISTEN_URL."
)
UI_ENV = DATABASE_ENV[:-1] + "; ENRICH_UI_PASSWORD, ENRICH_UI_USER."
SIM_ENV = "Environment: CLAY_WEBHOOK_AUTH_TOKEN (checked), ENRICH_CALLBACK_SECRET (sent back)."
WEBHOOK_TOKEN_ENV = DATABASE_ENV[:-1] + "; a --webhook-token env:NAME reads NAME."


def ask_first(question: str, refusal: str, yes: bool) -> None:
    """An action that costs or loses something asks on a terminal; without one it needs
    --yes (refusal says what it would do)."""
    if yes:
        return
    if not sys.stdin.isatty():
        fail(f"{refusal}; re-run with --yes to confirm", 1)
    typer.confirm(question, abort=True, err=True)


def rolled_back(action):
    """What `action(conn)` returns, run in a transaction that is then rolled back: how much
    an action would do, before asking."""
    from pyworker import config, db

    with db.connect(config.database_url(), autocommit=False) as conn:
        try:
            return action(conn)
        finally:
            conn.rollback()
