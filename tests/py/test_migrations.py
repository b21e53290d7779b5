"""Migrations: idempotent, and the committed schema/enrich.sql matches a fresh migrate."""

from __future__ import annotations

import psycopg

from pyworker import migrate
from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.testing.schema_dump import SCHEMA_FILE, dump
from pyworker.testing.scratch_db import create_database, drop_database, migrated_database, url_for

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
    "0014_sql_layout",
    "0015_workflow_create",
    "0016_column_aliases",
    "0017_batch_input_columns",
    "0018_processes",
    "0019_callback_secrets",
    "0020_installation",
    "0021_batch_counts",
    "0022_held_dispatches",
    "0023_item_completions",
    "0024_identities",
]
LEDGER = "0013_spend_safety"  # the migration that starts the ledger of paid calls


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


def test_dispatches_in_flight_before_the_ledger_are_booked_in_it() -> None:
    """A database upgraded with calls SENT and LEASED (a running fleet) starts with a ledger
    that agrees with them; a leased call given back afterwards leaves it agreeing."""
    from yoyo import get_backend, read_migrations

    from pyworker.paths import MIGRATIONS_DIR

    name = create_database()
    url = url_for(name)
    try:
        backend = get_backend(migrate._yoyo_url(url))
        before_ledger = read_migrations(str(MIGRATIONS_DIR)).filter(lambda m: m.id < LEDGER)
        with backend.lock():
            backend.apply_migrations(backend.to_apply(before_ledger))
        backend.connection.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "insert into enrich.workflow_webhooks (workflow_slug, url, position, submissions)"
                " values (%s, 'http://clay.test/h', 1, 3)",
                (COMPANY_WORKFLOW,),
            )
            conn.execute(
                "insert into enrich.normalized_companies (domain)"
                " select 'old' || n || '.com' from generate_series(1, 3) n"
            )
            conn.execute(
                "insert into enrich.company_workflow_states (company_id, workflow_slug, status)"
                " select id, %s, 'IN_PROGRESS' from enrich.normalized_companies",
                (COMPANY_WORKFLOW,),
            )
            conn.execute(
                "insert into enrich.dispatches (workflow_slug, entity_type, entity_id, status,"
                "  attempt, webhook_id, sent_at, callback_deadline, leased_by, leased_until)"
                " select %s, 'company', c.id,"
                "  case when c.domain = 'old1.com' then 'SENT' else 'LEASED' end, 1,"
                "  (select id from enrich.workflow_webhooks),"
                "  case when c.domain = 'old1.com' then now() end,"
                "  case when c.domain = 'old1.com' then now() + interval '1 hour' end,"
                "  case when c.domain <> 'old1.com' then 'old-worker' end,"
                "  case when c.domain <> 'old1.com' then now() + interval '1 hour' end"
                " from enrich.normalized_companies c",
                (COMPANY_WORKFLOW,),
            )
        assert migrate.migrate(url) == MIGRATIONS[MIGRATIONS.index(LEDGER) :]
        with psycopg.connect(url, autocommit=True) as conn:
            assert conn.execute("select * from enrich.check_invariants()").fetchall() == []
            assert conn.execute("select sum(calls) from enrich.paid_calls").fetchone()[0] == 3
            leased = conn.execute(
                "select min(id) from enrich.dispatches where status = 'LEASED'"
            ).fetchone()[0]
            assert (
                conn.execute(
                    "select enrich.retry_dispatch(%s, 'old-worker', interval '0', 'HTTP 503')",
                    (leased,),
                ).fetchone()[0]
                == "QUEUED"
            )
            assert conn.execute("select * from enrich.check_invariants()").fetchall() == []
            assert conn.execute("select sum(calls) from enrich.paid_calls").fetchone()[0] == 2
            assert (
                conn.execute("select submissions from enrich.workflow_webhooks").fetchone()[0] == 2
            )
    finally:
        drop_database(name)


def test_migrate_brings_stored_keys_to_their_canonical_form(db_url: str) -> None:
    """People and companies stored by an older release under keys that are not canonical
    any more (mailto:, a Unicode domain) are re-keyed, and merged where two become one."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.create_batch('company_and_person', %s)",
            ('[{"email": "x@acme.com"}, {"email": "y@acme.com"}, {"email": "z@older.test"}]',),
        )
        conn.execute(  # what an older release stored
            "update enrich.normalized_people set person_key = 'mailto:x@acme.com'"
            " where person_key = 'y@acme.com';"
            "update enrich.normalized_companies set domain = 'öld.test' where domain = 'older.test'"
        )
    changes: list[tuple] = []
    migrate.migrate(db_url, on_keys=changes.extend)
    assert sorted(changes) == [("company", 1, 0, 0), ("person", 1, 1, 0)]
    with psycopg.connect(db_url) as conn:
        assert conn.execute(
            "select array_agg(person_key order by person_key) from enrich.normalized_people"
        ).fetchone()[0] == ["x@acme.com", "z@older.test"]
        assert (
            conn.execute(
                "select company_key from enrich.batch_items where email = 'z@older.test'"
            ).fetchone()[0]
            == "xn--ld-eka.test"
        )
        assert (
            conn.execute(
                "select count(distinct person_id) from enrich.batch_items"
                " where email like '_@acme.com'"
            ).fetchone()[0]
            == 1
        )
        assert conn.execute("select * from enrich.check_invariants()").fetchall() == []
    changes.clear()
    migrate.migrate(db_url, on_keys=changes.extend)
    assert changes == []
