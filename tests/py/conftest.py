"""pytest fixtures: a real PostgreSQL (DATABASE_URL's server or the private cluster).

One migrated template per session; every test that asks for `db_url` gets its own clone,
dropped afterwards. No test touches a user's database.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.scratch_db import create_database, drop_database, migrated_database, url_for  # noqa: E402


@pytest.fixture(scope="session")
def template_db() -> Iterator[str]:
    with migrated_database() as name:
        yield name


@pytest.fixture
def db_url(template_db: str) -> Iterator[str]:
    name = create_database(template=template_db)
    try:
        yield url_for(name)
    finally:
        drop_database(name)


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url, autocommit=True) as connection:
        yield connection
