"""`enrich db migrate`: apply pending yoyo migrations, then re-apply every file in sql/.

yoyo's post-apply hook only runs when a migration is pending, so sql/ (the current truth of
the functions and triggers, every file safe to re-run) is applied here on every call.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from psycopg.conninfo import conninfo_to_dict
from yoyo import get_backend, read_migrations

from pyworker import config
from pyworker.paths import MIGRATIONS_DIR, SQL_DIR

# Serialises concurrent `enrich db migrate` runs on one database (any constant will do).
_SQL_APPLY_LOCK = 7_357_001


@dataclass(frozen=True)
class MigrationStatus:
    applied: list[str]
    pending: list[str]


def _yoyo_url(database_url: str) -> str:
    """yoyo wants driver://user:pass@/db?params; accept any libpq URL or key=value string."""
    params = conninfo_to_dict(database_url)
    dbname = str(params.pop("dbname", ""))
    user, password = params.pop("user", None), params.pop("password", None)
    credentials = ""
    if user:
        credentials = quote(str(user), safe="")
        if password:
            credentials += ":" + quote(str(password), safe="")
        credentials += "@"
    query = urlencode({key: str(value) for key, value in params.items()})
    return f"postgresql+psycopg://{credentials}/{quote(dbname, safe='')}?{query}"


def sql_files() -> list[Path]:
    """Every file under sql/, in load order: by file name (numbered), whatever the folder."""
    return sorted(SQL_DIR.rglob("*.sql"), key=lambda path: (path.name, str(path)))


# 48 at most: the longest role name, <prefix>enrich_receiver, stays within PostgreSQL's 63
ROLE_PREFIX = re.compile(r"([a-z][a-z0-9_]{0,47})?")


def _settle_role_prefix(conn: psycopg.Connection) -> None:
    """The installation's role prefix: ENRICH_ROLE_PREFIX at the first migrate, then fixed
    (a later migrate asking for another one is refused: the grants would go to other roles,
    perhaps another installation's)."""
    wanted = os.environ.get("ENRICH_ROLE_PREFIX")
    if wanted is not None and not ROLE_PREFIX.fullmatch(wanted.strip()):
        raise config.BadSetting(
            "ENRICH_ROLE_PREFIX must be lower-case letters, digits and _, starting with a "
            "letter, at most 48 characters (e.g. staging_)"
        )
    row = conn.execute("select role_prefix from enrich.installation").fetchone()
    if row is None:
        conn.execute(
            "insert into enrich.installation (role_prefix) values (%s)", ((wanted or "").strip(),)
        )
    elif wanted is not None and wanted.strip() != row[0]:
        raise config.BadSetting(
            f"ENRICH_ROLE_PREFIX is {wanted.strip()!r} but this database's roles were named "
            f"with {row[0]!r} at its first migrate: unset it, or use that prefix"
        )


def migration_status(database_url: str) -> MigrationStatus:
    """Applied and pending migrations, read from yoyo's table of applied ones (without
    yoyo's backend, which takes its lock: a write the CLI's enrich_admin may not make)."""
    migrations = read_migrations(str(MIGRATIONS_DIR))
    with psycopg.connect(database_url, autocommit=True) as conn:
        table = conn.execute("select to_regclass('_yoyo_migration')::text").fetchone()[0]
        done = (
            {row[0] for row in conn.execute(f"select migration_id from {table}")}
            if table
            else set()
        )
    return MigrationStatus(
        applied=[m.id for m in migrations if m.id in done],
        pending=[m.id for m in migrations if m.id not in done],
    )


def _link_stored_identities(database_url: str, chunk: int = 5_000) -> None:
    """Rows stored before identities: their identifiers read and what they link merged, a
    chunk of items per transaction (no long lock on a big database); then items still naming
    a merged-away entity point at its survivor. Nothing to do once done (one row read)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        read = 0
        while n := conn.execute("select enrich._link_stored_identities(%s)", (chunk,)).fetchone()[
            0
        ]:
            read += n
        if (
            read
            and conn.execute(
                "select exists (select from enrich.entity_merges where cause = 'upgrade')"
            ).fetchone()[0]
        ):
            conn.execute("select enrich._follow_redirects()")


def migrate(
    database_url: str, on_keys: Callable[[list[tuple[str, int, int, int]]], None] | None = None
) -> list[str]:
    """Apply pending migrations, re-apply sql/ and bring stored entity keys to today's
    canonical form (enrich._canonicalise_entity_keys; a no-op once they are). Returns the
    ids of migrations applied; on_keys is told (entity type, re-keyed, merged, left as they
    are) for the types where keys changed or were left."""
    backend = get_backend(_yoyo_url(database_url))
    migrations = read_migrations(str(MIGRATIONS_DIR))
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    backend.connection.close()
    with psycopg.connect(database_url) as conn:
        conn.execute("select pg_advisory_xact_lock(%s)", (_SQL_APPLY_LOCK,))
        _settle_role_prefix(conn)
        for path in sql_files():
            conn.execute(path.read_text())
        changed = [
            row
            for row in conn.execute("select * from enrich._canonicalise_entity_keys()")
            if any(row[1:])
        ]
    _link_stored_identities(database_url)
    if changed and on_keys:
        on_keys(changed)
    return [m.id for m in pending]
