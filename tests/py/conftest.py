"""pytest fixtures: a real PostgreSQL (DATABASE_URL's server or the private cluster).

One migrated template per session; every test that asks for `db_url` gets its own clone,
dropped afterwards. No test touches a user's database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from pyworker.testing.scratch_db import create_database, drop_database, migrated_database, url_for
from pyworker.testing.workflows import every_workflow_to


@pytest.fixture(scope="session")
def template_db() -> Iterator[str]:
    """Migrated; built-in workflows get a placeholder webhook and no practical rate limit
    (tests about webhooks or rates configure their own)."""
    with migrated_database() as name:
        every_workflow_to(url_for(name), "http://127.0.0.1:9")  # nothing listens there
        yield name


@contextmanager
def _clone(template: str) -> Iterator[str]:
    name = create_database(template=template)
    try:
        yield url_for(name)
    finally:
        drop_database(name)


@pytest.fixture
def db_url(template_db: str) -> Iterator[str]:
    with _clone(template_db) as url:
        yield url


@pytest.fixture(scope="module")
def module_db_url(template_db: str) -> Iterator[str]:
    """One clone for a whole module (property-based tests run many examples against it)."""
    with _clone(template_db) as url:
        yield url


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(db_url, autocommit=True) as connection:
        yield connection
