"""Scratch databases for the test suites: created on the server in use, dropped after.

Tests never touch a user's database: with DATABASE_URL set they only create and drop
databases of their own (named enrich_test_*) on that server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pyworker import config, migrate


def server_url() -> str:
    return config.database_url()


def url_for(database: str) -> str:
    return make_conninfo(server_url(), dbname=database)


def pg_env(database: str) -> dict[str, str]:
    """libpq environment variables (for pg_prove / psql) that reach `database`."""
    params = conninfo_to_dict(url_for(database))
    names = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "dbname": "PGDATABASE",
        "sslmode": "PGSSLMODE",
    }
    return {**os.environ, **{env: str(params[k]) for k, env in names.items() if params.get(k)}}


def _admin() -> psycopg.Connection:
    return psycopg.connect(make_conninfo(server_url(), dbname="postgres"), autocommit=True)


def create_database(template: str | None = None) -> str:
    name = f"enrich_test_{uuid.uuid4().hex[:12]}"
    with _admin() as conn:
        if template:
            conn.execute(
                sql.SQL("create database {} template {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        else:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return name


def drop_database(name: str) -> None:
    with _admin() as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )


@contextmanager
def migrated_database() -> Iterator[str]:
    """A fresh database with every migration and sql/ applied; dropped on exit."""
    name = create_database()
    try:
        migrate.migrate(url_for(name))
        yield name
    finally:
        drop_database(name)
