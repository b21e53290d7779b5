"""Migrations: idempotent, and the committed schema/enrich.sql matches a fresh migrate."""

from __future__ import annotations

import psycopg

from pyworker import migrate
from tests.schema_dump import SCHEMA_FILE, dump
from tests.scratch_db import migrated_database, url_for

# every migration, in order: a new one is added here (test_cli checks `enrich db status`)
MIGRATIONS = [
    "0001_create_schema",
    "0002_reference_data",
    "0003_bulk_path",
    "0004_roles",
    "0005_lighter_bulk_writes",
    "0006_time_ordered_ids",
    "0007_workflow_links_checked_once",
    "0008_cheaper_ids",
    "0009_entity_states_two_indexes",
    "0010_entity_index_by_id",
    "0011_loading_batches",
    "0012_loading_batch_parts",
    "0013_spend_safety",
]


def _fingerprint(url: str) -> tuple:
    with psycopg.connect(url) as conn:
        functions = conn.execute(
            "select p.oid::regprocedure::text, md5(p.prosrc) from pg_proc p"
            " join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'enrich'"
            " order by 1"
        ).fetchall()
        counts = conn.execute(
            "select (select count(*) from enrich.workflows),"
            " (select count(*) from enrich.pipelines),"
            " (select count(*) from enrich.public_suffix_rules),"
            " (select count(*) from enrich.free_email_domains)"
        ).fetchone()
        triggers = conn.execute(
            "select tgname from pg_trigger where tgrelid = 'enrich.workflow_states'::regclass"
            " and not tgisinternal order by 1"
        ).fetchall()
    return functions, counts, triggers


def test_migrate_twice_changes_nothing() -> None:
    with migrated_database() as name:
        url = url_for(name)
        before = _fingerprint(url)
        assert migrate.migrate(url) == []
        assert _fingerprint(url) == before
        status = migrate.migration_status(url)
        assert status.pending == []
        assert status.applied == MIGRATIONS


def test_committed_schema_dump_is_current(template_db: str) -> None:
    assert dump(template_db) == SCHEMA_FILE.read_text(), (
        "schema/enrich.sql is stale: run `make schema-dump` and commit it"
    )
