"""Identity under concurrency, with real connections: loads that bring the halves of a link
at the same time end as one entity and one paid call (the simulator's bill), and many
overlapping loads end with exactly the entities their identifiers define."""

from __future__ import annotations

import random
import threading
import time

import psycopg
from psycopg.types.json import Jsonb

from pyworker.builtins import COMPANY_WORKFLOW, PERSON_WORKFLOW
from pyworker.testing.stack import batches_done, create_batch, running_stack, scalar
from pyworker.testing.wait import wait_for
from tests.py.test_concurrency import run_together


def _wait_until_blocked(db_url: str, application_name: str) -> None:
    """Until the connection named so waits on a lock (an identifier another load holds)."""
    wait_for(
        lambda: scalar(
            db_url,
            "select count(*) > 0 from pg_stat_activity"
            " where application_name = %s and wait_event_type = 'Lock'",
            (application_name,),
        ),
        timeout=20,
        what=f"{application_name} to wait on the other load",
    )


def test_two_loads_bringing_the_halves_of_a_link_pay_once(db_url: str) -> None:
    # load A: email + profile; load B, at the same time: the same profile + another email
    first = [{"email": "ada@acme.com", "linkedin_url": "https://www.linkedin.com/in/ada",
              "company_domain": "acme.com"}]  # fmt: skip
    second = [{"email": "countess@acme.com", "linkedin_url": "linkedin.com/in/ADA/",
               "company_website": "https://www.acme.com/"}]  # fmt: skip
    third = [{"email": "ada@acme.com", "company_domain": "acme.com"}]
    with running_stack(db_url) as stack:
        with (
            psycopg.connect(db_url, application_name="load-a") as a,
            psycopg.connect(db_url, application_name="load-b") as b,
            psycopg.connect(db_url, application_name="load-c") as c,
        ):
            a.execute("select enrich.create_batch('company_and_person', %s)", (Jsonb(first),))
            results: dict[str, object] = {}

            def load(conn: psycopg.Connection, rows: list[dict], name: str) -> None:
                try:
                    conn.execute(
                        "select enrich.create_batch('company_and_person', %s)", (Jsonb(rows),)
                    )
                    conn.commit()
                    results[name] = "ok"
                except Exception as exc:  # the test fails on it below
                    results[name] = exc

            threads = [
                threading.Thread(target=load, args=(b, second, "b")),
                threading.Thread(target=load, args=(c, third, "c")),
            ]
            threads[0].start()
            _wait_until_blocked(db_url, "load-b")
            threads[1].start()
            _wait_until_blocked(db_url, "load-c")
            time.sleep(0.2)
            a.commit()
            for thread in threads:
                thread.join(30)
        assert results == {"b": "ok", "c": "ok"}
        with stack.workers(2):
            wait_for(lambda: batches_done(db_url), timeout=60, what="the three batches")
        billed = stack.stats()["billed_per_entity"]
    people = scalar(db_url, "select count(*) from enrich.normalized_people")
    assert people == 1
    assert len(billed) == 2 and set(billed.values()) == {1}  # Acme once, Ada once
    assert scalar(db_url, "select count(*) from enrich.batch_items where status = 'COMPLETED'") == 3
    assert scalar(db_url, "select count(*) from enrich.check_invariants()") == 0
    assert (
        scalar(
            db_url,
            "select sum(calls) from enrich.paid_calls where workflow_slug = %s",
            (PERSON_WORKFLOW,),
        )
        == 1
    )


def _person_rows(seed: int, people: int = 30, rows: int = 40) -> list[dict]:
    """Rows naming people by a random non-empty subset of their three identifiers."""
    rng = random.Random(seed)
    out = []
    for _ in range(rows):
        k = rng.randrange(people)
        kinds = [kind for kind in ("work", "personal", "profile") if rng.random() < 0.5]
        kinds = kinds or [rng.choice(["work", "personal", "profile"])]
        row: dict[str, str] = {"company_domain": f"co{k % 7}.com", "full_name": f"Person {k}"}
        emails = []
        if "work" in kinds:
            emails.append(f"P{k}@co{k % 7}.com")
        if "personal" in kinds:
            emails.append(f"person.{k}@mail{k}.org")
        for i, email in enumerate(emails):
            row["email" if i == 0 else "email_2"] = email
        if "profile" in kinds:
            row["linkedin_url"] = f"https://uk.linkedin.com/in/person-{k}/"
        out.append(row)
    return out


def _people_the_identifiers_define(rows: list[dict]) -> int:
    """Union-find over the rows' identifiers (what the rules say, computed apart)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for row in rows:
        ids = [row[key].lower() for key in ("email", "email_2") if key in row]
        if "linkedin_url" in row:
            ids.append("in/" + row["linkedin_url"].rstrip("/").rsplit("/", 1)[1])
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
        find(ids[0])
    return len({find(x) for x in parent})


def test_overlapping_concurrent_loads_end_with_the_people_their_identifiers_define(
    db_url: str,
) -> None:
    batches = [_person_rows(seed) for seed in range(8)]
    run_together(
        8,
        db_url,
        lambda conn, i: conn.execute(
            "select enrich.create_batch('company_and_person', %s)", (Jsonb(batches[i]),)
        ),
    )
    expected = _people_the_identifiers_define([row for rows in batches for row in rows])
    with psycopg.connect(db_url) as conn:
        people = conn.execute("select count(*) from enrich.normalized_people").fetchone()[0]
        # every identifier names a live person, and every row's identifiers name its person
        orphans = conn.execute(
            "select count(*) from enrich.person_identifiers i where not exists"
            " (select from enrich.normalized_people p where p.id = i.person_id)"
        ).fetchone()[0]
        companies = conn.execute("select count(*) from enrich.normalized_companies").fetchone()[0]
        claims = conn.execute(
            "select count(*) from enrich.company_workflow_states where workflow_slug = %s",
            (COMPANY_WORKFLOW,),
        ).fetchone()[0]
        violations = conn.execute("select * from enrich.check_invariants()").fetchall()
    assert people == expected
    assert orphans == 0
    assert companies == claims == 7
    assert violations == []


def test_a_merge_of_two_people_awaiting_callbacks_completes_every_row_with_no_third_post(
    db_url: str,
) -> None:
    """Ada by email and Ada by profile are each sent (paid) and await Clay's callbacks, slow
    to come, when a third load links them: they merge, both callbacks are accepted, every
    row completes, and Clay is not called a third time."""
    acme = {"company_domain": "acme.com"}
    with running_stack(db_url, delay_min=4.0, delay_max=4.5) as stack, stack.workers(2):
        create_batch(db_url, "company_and_person", [{"email": "ada@acme.com", **acme}])
        create_batch(
            db_url, "company_and_person", [{"linkedin_url": "linkedin.com/in/ada", **acme}]
        )
        wait_for(
            lambda: (
                scalar(
                    db_url,
                    "select count(*) from enrich.dispatches where status = 'SENT'"
                    " and workflow_slug = %s",
                    (PERSON_WORKFLOW,),
                )
                == 2
            ),
            timeout=30,
            what="both people sent and awaiting their callbacks",
        )
        create_batch(
            db_url,
            "company_and_person",
            [{"email": "Ada@Acme.com", "linkedin_url": "https://www.linkedin.com/in/ada/", **acme}],
        )
        assert scalar(db_url, "select count(*) from enrich.normalized_people") == 1
        wait_for(lambda: batches_done(db_url), timeout=60, what="the three batches")
        wait_for(
            lambda: (
                scalar(
                    db_url, "select count(*) from enrich.callback_log where entity_type = 'person'"
                )
                == 2
            ),
            timeout=30,
            what="both person callbacks",
        )
        stats = stack.stats()
    acme_id = scalar(db_url, "select id::text from enrich.normalized_companies")
    people_billed = [n for entity, n in stats["billed_per_entity"].items() if entity != acme_id]
    assert sorted(people_billed) == [1, 1]  # two calls (made before the link), no third
    assert scalar(db_url, "select count(*) from enrich.batch_items where status = 'COMPLETED'") == 3
    assert scalar(
        db_url,
        "select array_agg(outcome order by id) from enrich.callback_log"
        " where entity_type = 'person'",
    ) == ["completed", "duplicate"]
    assert scalar(db_url, "select paid_calls from enrich.person_workflow_states") == 2
    assert scalar(db_url, "select count(*) from enrich.check_invariants()") == 0


def test_a_callback_arriving_while_a_load_merges_its_entity_completes_the_survivor(
    db_url: str,
) -> None:
    """Ada by email and Ada by profile are both sent; a load linking them is still open when
    the callback for the profile's id arrives: the callback waits for the load, then follows
    the merge to the survivor and completes it (a 404 would lose the paid result)."""
    acme = {"company_domain": "acme.com"}
    with psycopg.connect(db_url, autocommit=True) as setup:
        for rows in (
            [{"email": "ada@acme.com", **acme}],
            [{"linkedin_url": "linkedin.com/in/ada", **acme}],
        ):
            setup.execute("select enrich.create_batch('company_and_person', %s)", (Jsonb(rows),))
        for slug in (COMPANY_WORKFLOW, PERSON_WORKFLOW):
            setup.execute(
                "select enrich.set_workflow(%s, array['http://clay.test/' || %s],"
                " p_rate_per_second => 1000, p_burst => 1000)",
                (slug, slug),
            )
            setup.execute(
                "select enrich.mark_dispatch_sent(c.dispatch_id, 'w')"
                " from enrich.claim_dispatches('w', 100) c"
            )
            setup.execute(
                "select enrich.receive_result(%s, jsonb_build_object('company_id', id))"
                " from enrich.normalized_companies",
                (COMPANY_WORKFLOW,),
            )
        by_profile = setup.execute(
            "select person_id from enrich.person_identifiers where kind = 'linkedin'"
        ).fetchone()[0]
        assert (
            setup.execute(
                "select count(*) from enrich.dispatches"
                " where status = 'SENT' and workflow_slug = %s",
                (PERSON_WORKFLOW,),
            ).fetchone()[0]
            == 2
        )
    outcome: list[object] = []
    with (
        psycopg.connect(db_url, application_name="merging-load") as load,
        psycopg.connect(db_url, autocommit=True, application_name="callback") as receiver,
    ):
        load.execute(
            "select enrich.create_batch('company_and_person', %s)",
            (Jsonb([{"email": "ada@acme.com", "linkedin_url": "linkedin.com/in/ada/", **acme}]),),
        )

        def callback() -> None:
            try:
                outcome.append(receiver.execute(
                    "select enrich.receive_result(%s, %s)",
                    (PERSON_WORKFLOW, Jsonb({"person_id": str(by_profile), "title": "Countess"})),
                ).fetchone()[0])  # fmt: skip
            except psycopg.Error as exc:
                outcome.append(exc)

        thread = threading.Thread(target=callback)
        thread.start()
        _wait_until_blocked(db_url, "callback")
        load.commit()
        thread.join(20)
    assert outcome == ["completed"]
    assert scalar(db_url, "select count(*) from enrich.normalized_people") == 1
    assert scalar(db_url, "select status from enrich.person_workflow_states") == "COMPLETED"
    assert scalar(db_url, "select count(*) from enrich.check_invariants()") == 0


def test_a_load_racing_a_merge_gives_no_identifier_to_the_person_merged_away(db_url: str) -> None:
    """B loads an address of a person that A, not committed yet, is merging away: B waits
    for A and gives the address (and the new profile beside it) to the survivor."""
    with psycopg.connect(db_url, autocommit=True) as setup:  # two people, known apart
        setup.execute(
            "select enrich.create_batch('company_and_person', %s)",
            (Jsonb([{"email": "k@m4.com"},
                    {"linkedin_url": "https://linkedin.com/in/k4", "email": "k2@m4.com"}]),),
        )  # fmt: skip
    with (
        psycopg.connect(db_url, application_name="merging") as a,
        psycopg.connect(db_url, application_name="racing") as b,
    ):
        # A links them (merges one away) and has not committed yet ...
        a.execute(
            "select enrich.create_batch('company_and_person', %s)",
            (Jsonb([{"email": "k@m4.com", "linkedin_url": "https://linkedin.com/in/k4"}]),),
        )
        failures: list[BaseException] = []

        def load_b() -> None:  # ... while B loads a new profile beside the other's address
            try:
                b.execute(
                    "select enrich.create_batch('company_and_person', %s)",
                    (Jsonb([{"email": "k2@m4.com", "linkedin_url": "https://linkedin.com/in/n4"}]),),
                )  # fmt: skip
                b.commit()
            except BaseException as exc:  # the test fails on it below
                failures.append(exc)

        racing = threading.Thread(target=load_b)
        racing.start()
        _wait_until_blocked(db_url, "racing")  # B waits for A's merge
        a.commit()
        racing.join(30)
        assert not racing.is_alive() and failures == []
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select * from enrich.check_invariants()").fetchall() == []
        owners = conn.execute(
            "select count(distinct person_id), count(*) from enrich.person_identifiers"
        ).fetchone()
        assert owners == (1, 4)  # k@, k2@, in/k4, in/n4: one person
        assert scalar(db_url, "select count(*) from enrich.normalized_people") == 1
