"""Once per real company and person, whatever identifier each export carries (issue 27):
three overlapping exports of one market (Apollo-, HubSpot- and Sales-Navigator-like), loaded
as three batches, cost one Clay call per entity their strong identifiers define."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pyworker.testing import ENRICH
from pyworker.testing.exports import (
    Truth,
    check,
    company_name,
    generate,
    ground_truth,
    read_csv,
    registrable_domain,
)
from pyworker.testing.stack import COMPANY, PERSON, batches_done, running_stack, wait_for

# --- the ground truth, without a database --------------------------------------------------


@pytest.mark.parametrize(("companies", "people", "seed"), [(40, 150, 27), (12, 30, 1)] + [
    (40, 150, seed) for seed in range(20)
])  # fmt: skip
def test_the_rows_define_the_entities_the_generator_planned(
    tmp_path: Path, companies: int, people: int, seed: int
) -> None:
    exports = generate(companies, people, seed)
    truth = ground_truth(read_csv(path) for path in exports.write(tmp_path))
    assert truth == check(exports) == Truth(exports.planned_companies, exports.planned_people, 0)


def test_the_exports_are_dressed_like_real_ones() -> None:
    exports = generate()
    apollo, hubspot, navigator = exports.apollo, exports.hubspot, exports.sales_navigator

    def some(rows: list[dict[str, str]], column: str, test: Callable[[str], bool]) -> bool:
        return any(test(row[column]) for row in rows)

    assert some(apollo, "Website", lambda v: v.startswith("https://www.") and "?utm=" in v)
    assert some(apollo, "Website", lambda v: v.startswith("http://") and v[7].isupper())
    assert some(apollo, "Email", lambda v: v != v.strip() or v != v.lower())
    assert some(apollo, "Person Linkedin Url", lambda v: "uk.linkedin.com/in/" in v)
    assert some(apollo, "Company Linkedin Url", lambda v: v.endswith("/about/"))
    assert some(apollo, "Company Linkedin Url", lambda v: re.search(r"/company/\d+", v) is not None)
    assert some(hubspot, "Email", lambda v: v.strip().endswith("@gmail.com"))
    assert some(hubspot, "Email", lambda v: v.strip().lower().startswith("info@"))
    assert some(hubspot, "Company Domain Name", lambda v: v == "")
    assert some(navigator, "LinkedIn URL", lambda v: "/sales/lead/ACwAA" in v and ",NAME" in v)
    assert some(navigator, "Company LinkedIn URL", lambda v: "?trk=" in v)
    assert some(navigator, "Company LinkedIn URL", lambda v: v == "")  # known by name only
    apex = [row for row in apollo if company_name(row["Company"]) == "apex systems"]
    assert len({registrable_domain(row["Website"]) for row in apex}) == 2  # two companies
    elsewhere = {company_name(r["Company"]) for r in apollo}
    elsewhere |= {company_name(r["Company Name"]) for r in hubspot}
    only_in_navigator = {company_name(r["Company"]) for r in navigator} - elsewhere
    assert only_in_navigator


def row(
    first: str = "Ann",
    email: str = "",
    profile: str = "",
    company: str = "",
    domain: str = "",
    website: str = "",
    page: str = "",
) -> dict[str, str]:
    return {
        "First Name": first, "Last Name": "Lee", "Email": email, "LinkedIn URL": profile,
        "Company": company, "Company Domain Name": domain, "Website": website,
        "Company LinkedIn URL": page,
    }  # fmt: skip


LEAD = "https://www.linkedin.com/sales/lead/{},NAME_SEARCH,a"


@pytest.mark.parametrize(
    ("rows", "entities"),
    [
        pytest.param(  # E1-L1, E2-L1, E2-L2, however spelled
            [
                row(email="E1@a.io", profile="linkedin.com/in/ann/"),
                row(email=" e2@a.io", profile="uk.linkedin.com/in/ANN?trk=x"),
                row(email="e2@A.io ", profile="https://www.linkedin.com/in/ann-2"),
            ],
            Truth(1, 1, 0),
            id="a chain of identifiers is one person",
        ),
        pytest.param(
            [
                row(email="a@apex.io", company="Apex Systems"),
                row(email="b@apex-systems.com", company="Apex Systems, Inc."),
                row(profile="linkedin.com/in/c", company="APEX SYSTEMS LLC"),
            ],
            Truth(3, 3, 0),
            id="a name two companies carry is a third company",
        ),
        pytest.param(
            [
                row(email="a@kite.io", company="Kite Bio"),
                row(profile="linkedin.com/in/k", company="Kité Bio GmbH"),
            ],
            Truth(1, 2, 0),
            id="a name one company carries joins it",
        ),
        pytest.param(
            [
                row(email="info@a.io"),
                row(email="sales@a.io", first="Bo"),
                row(email="Info@a.io"),  # Ann Lee again: the same name at the same company
                row(email="info@b.io"),
            ],
            Truth(2, 3, 0),
            id="a role mailbox identifies no person, the name at the company does",
        ),
        pytest.param(
            [
                row(email="ann@gmail.com", domain="www.a.io"),
                row(email="ann@gmail.com"),  # no company at all: fails at split
                row(email="bo@gmail.com", company="Foo Ltd"),
            ],
            Truth(2, 2, 1),
            id="a free-mail domain names no company",
        ),
        pytest.param(
            [
                row(email="a@x.io", page="linkedin.com/company/123/"),
                row(page="https://www.linkedin.com/sales/company/123"),
                row(page="https://uk.linkedin.com/company/acme?trk=1"),
                row(website="https://www.linkedin.com/company/ACME/about/"),
            ],
            Truth(2, 3, 0),  # people: a@x.io, and Ann Lee at each company
            id="a numeric id and a slug are two identifiers nothing links",
        ),
        pytest.param(
            [
                row(profile=LEAD.format("ACwAAx"), domain="a.io"),
                row(profile=LEAD.format("ACwAAX"), domain="a.io"),
                row(profile="linkedin.com/sales/people/ACwAAx,NAME_SEARCH", domain="a.io"),
            ],
            Truth(1, 2, 0),
            id="a Sales Navigator lead id keeps its case",
        ),
    ],
)
def test_ground_truth_follows_the_identifier_rules(
    rows: list[dict[str, str]], entities: Truth
) -> None:
    assert ground_truth([rows]) == entities


# --- the whole stack ------------------------------------------------------------------------


def load(db_url: str, path: Path) -> str:
    loaded = subprocess.run(
        [ENRICH, "load", str(path), "--pipeline", "company_and_person"],
        env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    return loaded.stdout.split()[-1]


def test_three_overlapping_exports_pay_once_per_company_and_person(
    db_url: str, tmp_path: Path
) -> None:
    exports = generate()
    paths = exports.write(tmp_path)  # Apollo first: its rows carry every link
    truth = ground_truth(read_csv(path) for path in paths)
    assert truth == check(exports)
    with running_stack(db_url) as stack, stack.workers(2):
        for path in paths:
            load(db_url, path)
        wait_for(lambda: batches_done(db_url), timeout=40, what="the three batches")
        first = stack.stats()["billed_per_webhook"]
        for path in paths:
            load(db_url, path)
        wait_for(lambda: batches_done(db_url), timeout=20, what="the three batches again")
        second = stack.stats()["billed_per_webhook"]
    with psycopg.connect(db_url) as conn:
        paid = dict(
            conn.execute(
                "select workflow_slug, sum(calls)::int from enrich.paid_calls group by 1"
            ).fetchall()
        )
        not_completed = {
            f"{step or 'no step'} {status}: {error}": count
            for step, status, error, count in conn.execute(
                "select ws.step_name, i.status, enrich._state_error(ws.status, ws.meta), count(*)"
                " from enrich.batch_items i"
                " left join enrich.workflow_states ws"
                "   on ws.item_id = i.id and ws.status <> 'COMPLETED'"
                " where i.status <> 'COMPLETED' group by 1, 2, 3"
            )
        }
        violations = conn.execute("select * from enrich.check_invariants()").fetchall()
    rows = len(exports.apollo) + len(exports.hubspot) + len(exports.sales_navigator)
    observed = {
        "company calls": first.get(COMPANY, 0),
        "person calls": first.get(PERSON, 0),
        "calls the ledger counts": paid,
        f"rows not completed (of {2 * rows})": not_completed,
        "invariant violations": violations,
        "calls on loading again": {slug: second[slug] - first.get(slug, 0) for slug in second},
    }
    assert observed == {
        "company calls": truth.companies,
        "person calls": truth.people,
        "calls the ledger counts": first,
        f"rows not completed (of {2 * rows})": {},
        "invariant violations": [],
        "calls on loading again": {COMPANY: 0, PERSON: 0},
    }
