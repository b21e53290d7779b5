"""`enrich lookup` and `enrich merges` through real subprocesses against a scratch database
where three loads merged people and companies."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.testing.stack import create_batch
from tests.py.test_cli import enrich, on_a_terminal

PIPELINE = "company_and_person"


@dataclass(frozen=True)
class Merged:
    """Three loads: Ada and Bob by LinkedIn profile, then by email, then by both (two person
    merges in the third batch); Globex by domain, then by its page, then by both."""

    url: str
    batches: tuple[str, str, str]
    ada: str  # the person Ada is now
    ada_loser: str  # the person her email made, merged into her
    globex: str
    globex_loser: str


@pytest.fixture(scope="module")
def merged(module_db_url: str) -> Iterator[Merged]:
    url = module_db_url
    first = create_batch(
        url,
        PIPELINE,
        [
            {"linkedin_url": "https://www.linkedin.com/in/ada-l/", "company_domain": "acme.com"},
            {"linkedin_url": "https://www.linkedin.com/in/bob-b", "company_domain": "acme.com"},
            {"email": "carol@globex.com", "company_name": "Globex Corporation"},
        ],
    )
    second = create_batch(
        url,
        PIPELINE,
        [
            {"email": "ada@acme.com", "company_domain": "acme.com"},
            {"email": "bob@acme.com", "company_domain": "acme.com"},
            {
                "full_name": "Dan D",
                "company_name": "Globex",
                "company_linkedin_url": "https://www.linkedin.com/company/globex/",
            },
        ],
    )
    with psycopg.connect(url, autocommit=True) as conn:
        ada_loser, globex_loser = conn.execute(
            "select person_id, (select company_id from enrich.batch_items"
            "  where batch_id = %s and row_number = 3)"
            " from enrich.batch_items where batch_id = %s and row_number = 1",
            (second, second),
        ).fetchone()
        # Globex's first call comes back: the result shows in the lookup
        conn.execute(
            "select enrich.receive_result(%s, jsonb_build_object('company_id', id,"
            " 'industry', 'Software'))"
            " from enrich.normalized_companies where domain = 'globex.com'",
            (COMPANY_WORKFLOW,),
        )
    third = create_batch(
        url,
        PIPELINE,
        [
            {
                "email": "Ada@Acme.com",
                "linkedin_url": "linkedin.com/in/ADA-L",
                "company_domain": "acme.com",
            },
            {
                "email": "bob@acme.com",
                "linkedin_url": "https://www.linkedin.com/in/bob-b",
                "company_domain": "acme.com",
            },
            {
                "email": "erin@globex.com",
                "company_linkedin_url": "https://uk.linkedin.com/company/GLOBEX",
            },
        ],
    )
    with psycopg.connect(url) as conn:
        ada, globex = conn.execute(
            "select (select entity_id from enrich.entity_redirects where old_id = %s),"
            " (select entity_id from enrich.entity_redirects where old_id = %s)",
            (ada_loser, globex_loser),
        ).fetchone()
    yield Merged(
        url,
        (str(first), str(second), str(third)),
        str(ada),
        str(ada_loser),
        str(globex),
        str(globex_loser),
    )


def test_a_merged_person_is_found_by_the_losers_email_and_id(merged: Merged) -> None:
    shown = enrich(merged.url, "lookup", " Mailto:ADA@acme.com ")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert f"person {merged.ada}" in out
    assert "found by     email ada@acme.com" in out
    assert re.search(r"identifiers\s+linkedin\s+https://www\.linkedin\.com/in/ada-l", out), out
    assert re.search(r"email\s+ada@acme\.com", out)
    assert f"merged       {merged.ada_loser} into this one" in out
    assert f"linked by  email:ada@acme.com (batch {merged.batches[2]})" in out
    assert all(batch in out for batch in merged.batches), out  # the loser's row too
    assert "company      " in out and "(acme.com)" in out

    by_old_id = enrich(merged.url, "lookup", merged.ada_loser)
    assert by_old_id.returncode == 0, by_old_id.stderr
    assert f"person {merged.ada}" in by_old_id.stdout
    assert f"id {merged.ada_loser}, merged into this one" in by_old_id.stdout


def test_lookup_json_has_identifiers_states_merges_and_batches(merged: Merged) -> None:
    shown = enrich(merged.url, "lookup", merged.ada_loser, "--json")
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout)
    assert found["read_as"] == [{"entity_type": "any", "kind": "id", "value": merged.ada_loser}]
    [ada] = found["entities"]
    assert ada["id"] == merged.ada and ada["entity_type"] == "person"
    assert ada["found_by"] == [{"kind": "merged_id", "value": merged.ada_loser}]
    assert ada["identifiers"] == [
        {"kind": "linkedin", "value": "https://www.linkedin.com/in/ada-l"},
        {"kind": "email", "value": "ada@acme.com"},
    ]
    [merge] = ada["merges"]
    assert merge["survivor_id"] == merged.ada and merge["loser_id"] == merged.ada_loser
    assert (merge["linked_by"], merge["batch_id"], merge["cause"]) == (
        "email:ada@acme.com",
        merged.batches[2],
        "batch",
    )
    assert sorted(b["batch_id"] for b in ada["batches"]) == sorted(merged.batches)
    assert all(b["items"] == 1 for b in ada["batches"])
    assert ada["company"]["domain"] == "acme.com"
    assert ada["workflows"] == []  # the person step waits for Acme's result
    assert "rows" not in ada  # rows are the dashboard's


@pytest.mark.parametrize(
    "value",
    [
        "https://www.linkedin.com/company/globex/about/",
        "HTTP://WWW.GLOBEX.COM/contact?x=1",
        "globex.com",
        "Globex Corp.",
    ],
)
def test_a_company_is_found_by_page_website_and_name(merged: Merged, value: str) -> None:
    shown = enrich(merged.url, "lookup", value, "--json")
    assert shown.returncode == 0, shown.stderr
    [globex] = json.loads(shown.stdout)["entities"]
    assert globex["id"] == merged.globex
    assert globex["identifiers"] == [
        {"kind": "domain", "value": "globex.com"},
        {"kind": "linkedin_page", "value": "https://www.linkedin.com/company/globex"},
    ]
    [state] = globex["workflows"]
    assert (state["workflow"], state["status"], state["result"]) == (
        COMPANY_WORKFLOW,
        "COMPLETED",
        {"industry": "Software"},
    )
    assert [m["loser_id"] for m in globex["merges"]] == [merged.globex_loser]


def test_a_company_block_shows_its_result_and_merge(merged: Merged) -> None:
    shown = enrich(merged.url, "lookup", "globex.com")
    assert shown.returncode == 0, shown.stderr
    assert f"company {merged.globex} (globex.com)" in shown.stdout
    assert f"workflow     {COMPANY_WORKFLOW}: COMPLETED, 0 paid calls" in shown.stdout
    assert '"industry": "Software"' in shown.stdout
    assert "linked by  linkedin_page:https://www.linkedin.com/company/globex" in shown.stdout


def test_nothing_known_exits_1_and_no_identifier_exits_2(merged: Merged) -> None:
    unknown = enrich(merged.url, "lookup", "nobody.example")
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert "nothing is known by 'nobody.example'" in unknown.stderr
    assert "domain nobody.example or company name 'nobody example'" in unknown.stderr
    as_json = enrich(merged.url, "lookup", "nobody@nowhere.example", "--json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["entities"] == []
    for blank in ("", "   ", "!!!"):
        refused = enrich(merged.url, "lookup", blank)
        assert refused.returncode == 2, (blank, refused.stderr)
        assert "is no identifier: give a domain or website" in refused.stderr


def test_merges_lists_newest_first_of_every_batch_or_one(merged: Merged) -> None:
    listed = enrich(merged.url, "merges", "--json")
    assert listed.returncode == 0, listed.stderr
    merges = json.loads(listed.stdout)
    assert [m["id"] for m in merges] == sorted((m["id"] for m in merges), reverse=True)
    assert {(m["entity_type"], m["linked_by"]) for m in merges} == {
        ("person", "email:ada@acme.com"),
        ("person", "email:bob@acme.com"),
        ("company", "linkedin_page:https://www.linkedin.com/company/globex"),
    }
    assert {m["batch_id"] for m in merges} == {merged.batches[2]}
    assert set(merges[0]) == {
        "id", "entity_type", "survivor_id", "loser_id", "linked_by", "batch_id", "cause",
        "merged_at",
    }  # fmt: skip

    shown = enrich(merged.url, "merges")
    assert shown.returncode == 0, shown.stderr
    assert "merges, newest first" in shown.stdout
    assert merged.ada_loser in shown.stdout and "email:ada@acme.com" in shown.stdout
    assert f"batch {merged.batches[2][:8]}" in shown.stdout

    for batch in (merged.batches[2], merged.batches[2][:8], "latest"):
        of_one = enrich(merged.url, "merges", "--batch", batch, "--json")
        assert of_one.returncode == 0, (batch, of_one.stderr)
        assert len(json.loads(of_one.stdout)) == 3, batch
    none = enrich(merged.url, "merges", "--batch", merged.batches[0])
    assert none.returncode == 0
    assert f"no merges caused by batch {merged.batches[0]}" in none.stdout

    limited = enrich(merged.url, "merges", "--limit", "1")
    assert limited.stdout.count(merged.batches[2][:8]) == 1
    assert "the newest 1: --limit for more" in limited.stdout


def test_merges_refuses_a_batch_it_cannot_tell(merged: Merged) -> None:
    for batch, message in (
        ("abc", "give an id, 4 or more of its first characters, a name, or latest"),
        ("no-such-batch", "no batch has that name, that id or an id starting so"),
        ("ffffffff", "no batch has that name, that id or an id starting so"),
    ):
        refused = enrich(merged.url, "merges", "--batch", batch)
        assert refused.returncode == 2, (batch, refused.stderr)
        assert message in refused.stderr, refused.stderr


def test_an_ambiguous_batch_prefix_lists_the_batches_it_starts(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        for n in (1, 2):
            batch = conn.execute("select enrich.open_batch('company')").fetchone()[0]
            conn.execute(
                "update enrich.batches set id = %s where id = %s",
                (f"abcd0000-0000-4000-8000-00000000000{n}", batch),
            )
    refused = enrich(db_url, "merges", "--batch", "ABCD")
    assert refused.returncode == 2
    assert "'ABCD' names several batches" in refused.stderr
    assert "abcd0000-0000-4000-8000-000000000001" in refused.stderr
    empty = enrich(db_url, "merges", "--batch", "abcd0000-0000-4000-8000-000000000002")
    assert empty.returncode == 0 and "no merges caused by batch" in empty.stdout
    assert enrich(db_url, "merges").stdout.strip() == "no merges"


def test_lookup_and_merges_fit_a_terminal_100_columns_wide(merged: Merged) -> None:
    ansi = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
    for command in (["merges"], ["lookup", "ada@acme.com"], ["lookup", "globex.com"]):
        lines = ansi.sub("", on_a_terminal(merged.url, 100, *command)).splitlines()
        assert len(lines) > 3, (command, lines)
        assert max(len(line) for line in lines) <= 100, (command, lines)
        shown = "\n".join(lines)
        assert merged.ada_loser in shown or merged.globex_loser in shown, shown  # ids whole


def test_lookup_and_merges_run_as_a_login_role_granted_enrich_admin(merged: Merged) -> None:
    from tests.py.test_end_to_end import login_as_member_of

    with login_as_member_of(merged.url, "enrich_admin") as admin_url:
        for command in (
            ["lookup", "ada@acme.com"],
            ["merges", "--batch", "latest"],
            ["merges", "--batch", merged.batches[2][:6]],
        ):
            result = enrich(admin_url, *command)
            assert result.returncode == 0, (command, result.stderr)


def test_the_dashboards_lookup_shows_what_enrich_lookup_shows(merged: Merged) -> None:
    import httpx

    from tests.py.test_dashboard import auth, dashboard

    with dashboard(merged.url) as url, httpx.Client(base_url=url, headers=auth()) as client:
        page = client.get("/entities", params={"q": merged.ada_loser})
        assert page.status_code == 200
        html = page.text
        assert f'id="entity-{merged.ada}"' in html
        assert f"id <code>{merged.ada_loser}</code>, merged into this one" in html
        assert "<code>https://www.linkedin.com/in/ada-l</code>" in html  # identifiers
        assert "linked by <code>email:ada@acme.com</code>" in html  # the merge
        assert all(f"/batches/{batch}" in html for batch in merged.batches)
        globex = client.get("/entities", params={"q": "Globex Corp."}).text
        assert '<strong class="state">COMPLETED</strong>' in globex and "Software" in globex
        assert "erin@globex.com" in globex  # its newest rows, with their input
        unknown = client.get("/entities", params={"q": "nobody.example"}).text
        assert 'id="not-found"' in unknown and "company name <code>nobody example</code>" in unknown
        blank = client.get("/entities", params={"q": "!!!"}).text
        assert 'id="not-an-identifier"' in blank
