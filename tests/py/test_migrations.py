"""Migrations: idempotent, and the committed schema/enrich.sql matches a fresh migrate."""

from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from pyworker import migrate
from pyworker.builtins import COMPANY_WORKFLOW, PERSON_WORKFLOW
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
    "0025_batch_names",
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


# the last release before identities: its sql/ is read from git to write a database the way
# it did (its split keyed each person by one identifier, each company by its domain only)
RELEASE_BEFORE_IDENTITIES = "994d397"


def _old_release_sql(path_filter: str = "sql/") -> list[tuple[str, str]] | None:
    """(name, text) of the old release's sql/ files in load order; None without git."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    try:
        names = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", RELEASE_BEFORE_IDENTITIES, path_filter],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    names.sort(key=lambda name: (Path(name).name, name))
    return [
        (name, subprocess.run(
            ["git", "show", f"{RELEASE_BEFORE_IDENTITIES}:{name}"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout)
        for name in names
    ]  # fmt: skip


def test_upgrade_links_what_rows_stored_by_the_previous_release_carry() -> None:
    """A database the previous release wrote (people keyed by one identifier: the same
    person twice, by email and by profile; companies by domain only, their LinkedIn pages
    kept as data) is upgraded: every entity gets its identifiers, what the stored rows link
    merges (results, paid calls and work in flight kept, nothing re-sent), invariants hold,
    and a second migrate changes nothing."""
    import pytest
    from yoyo import get_backend, read_migrations

    from pyworker.paths import MIGRATIONS_DIR

    old_sql = _old_release_sql()
    if old_sql is None:
        pytest.skip("the previous release's sql/ needs git history")
    name = create_database()
    url = url_for(name)
    try:
        backend = get_backend(migrate._yoyo_url(url))
        old = read_migrations(str(MIGRATIONS_DIR)).filter(lambda m: m.id < "0024")
        with backend.lock():
            backend.apply_migrations(backend.to_apply(old))
        backend.connection.close()
        with psycopg.connect(url, autocommit=True) as conn:
            migrate._settle_role_prefix(conn)
            for _, text in old_sql:
                conn.execute(text)
            for slug in (COMPANY_WORKFLOW, PERSON_WORKFLOW):
                conn.execute(
                    "select enrich.set_workflow(%s, array['http://clay.test/' || %s],"
                    " p_rate_per_second => 1000, p_burst => 1000)",
                    (slug, slug),
                )
            rows = [
                {"email": "ada@acme.com", "company_domain": "acme.com"},
                {"linkedin_url": "https://www.linkedin.com/in/ada", "company_domain": "acme.com"},
                {"email": "ADA@acme.com", "linkedin_url": "linkedin.com/in/ada/",
                 "company_domain": "acme.com"},
                {"email": "bo@beta.io", "Company Linkedin Url": "linkedin.com/company/beta"},
                {"email": "cy@beta-labs.io", "company linkedin url": "https://www.linkedin.com/company/beta/"},
            ]  # fmt: skip
            conn.execute("select enrich.create_batch('company_and_person', %s)", (Jsonb(rows),))
            # Acme's result came; both Beta spellings were sent and await their callbacks
            conn.execute(
                "select enrich.mark_dispatch_sent(c.dispatch_id, 'w')"
                " from enrich.claim_dispatches('w', 100) c"
            )
            conn.execute(
                "select enrich.receive_result(%s, jsonb_build_object('company_id', c.id,"
                " 'industry', 'Engines')) from enrich.normalized_companies c"
                " where c.domain = 'acme.com'",
                (COMPANY_WORKFLOW,),
            )
            conn.execute(
                "select enrich.mark_dispatch_sent(c.dispatch_id, 'w')"
                " from enrich.claim_dispatches('w', 100) c"
            )
            before = conn.execute(
                "select (select count(*) from enrich.normalized_people),"
                " (select count(*) from enrich.normalized_companies),"
                " (select sum(calls) from enrich.paid_calls)"
            ).fetchone()
        assert before == (4, 3, 5)  # Ada twice, Bo, Cy; Acme, Beta twice; 3 + 2 calls paid

        migrate.migrate(url)
        with psycopg.connect(url, autocommit=True) as conn:
            after = conn.execute(
                "select (select count(*) from enrich.normalized_people),"
                " (select count(*) from enrich.normalized_companies),"
                " (select sum(calls) from enrich.paid_calls),"
                " (select count(*) from enrich.dispatches where status = 'QUEUED'),"
                " (select count(*) from enrich.entity_merges where cause = 'upgrade')"
            ).fetchone()
            assert after == (3, 2, 5, 0, 2)  # one Ada, one Beta; nothing re-sent or queued
            assert (
                conn.execute(
                    "select count(distinct person_id) from enrich.batch_items"
                    " where email like 'ada@%' or linkedin_url like '%/in/ada'"
                ).fetchone()[0]
                == 1
            )
            assert conn.execute(
                "select array_agg(kind order by kind) from enrich.person_identifiers"
                " where person_id = (select person_id from enrich.batch_items"
                "                    where email = 'ada@acme.com' limit 1)"
            ).fetchone()[0] == ["email", "linkedin"]
            assert conn.execute("select * from enrich.check_invariants()").fetchall() == []
            # both Beta callbacks are accepted: one completes, the other is a duplicate
            outcomes = [
                conn.execute("select enrich.receive_result(%s, %s)",
                             (COMPANY_WORKFLOW, Jsonb({"company_id": str(old_id)}))).fetchone()[0]
                for (old_id,) in conn.execute(
                    "select loser_id from enrich.entity_merges where entity_type = 'company'"
                    " union all select survivor_id from enrich.entity_merges"
                    " where entity_type = 'company'").fetchall()
            ]  # fmt: skip
            assert outcomes == ["completed", "duplicate"]
            assert conn.execute("select * from enrich.check_invariants()").fetchall() == []
            fingerprint = conn.execute(
                "select (select count(*) from enrich.company_identifiers),"
                " (select count(*) from enrich.person_identifiers),"
                " (select count(*) from enrich.entity_merges)"
            ).fetchone()
        migrate.migrate(url)
        with psycopg.connect(url) as conn:
            assert (
                conn.execute(
                    "select (select count(*) from enrich.company_identifiers),"
                    " (select count(*) from enrich.person_identifiers),"
                    " (select count(*) from enrich.entity_merges)"
                ).fetchone()
                == fingerprint
            )
    finally:
        drop_database(name)
