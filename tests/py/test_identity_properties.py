"""Linking against a plain reference (hypothesis): whatever identifiers the rows of one to
three batches bring, dressed as exports dress them, the rows' people are exactly the
connected components of "shares an identifier" (transitively, across batches), each one
entity, and every invariant holds. The reference is a union-find over the identifiers in
Python; the database's is set-based label propagation with merges across batches."""

from __future__ import annotations

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

# A small pool, so rows share identifiers often and chains form: (what the row says, the
# identifier it is once normalised, or None for a role mailbox that identifies nobody).
EMAILS = [
    ("ada@acme.com", "email:ada@acme.com"),
    (" Ada@ACME.com ", "email:ada@acme.com"),
    ("mailto:bob@acme.com", "email:bob@acme.com"),
    ("bob@acme.com", "email:bob@acme.com"),
    ("cy@acme.com", "email:cy@acme.com"),
    ("dee@acme.com", "email:dee@acme.com"),
    ("info@acme.com", None),
]
PROFILES = [
    ("https://www.linkedin.com/in/ada", "linkedin:ada"),
    ("https://uk.linkedin.com/in/ADA/?trk=x", "linkedin:ada"),
    ("linkedin.com/in/countess", "linkedin:countess"),
    ("https://www.linkedin.com/in/bob/", "linkedin:bob"),
    ("https://www.linkedin.com/sales/lead/ACwAAB1,NAME_SEARCH", "sales:ACwAAB1"),
    ("https://www.linkedin.com/sales/people/ACwAAB2,x", "sales:ACwAAB2"),
]
NAMES = [("Ada", "Lovelace"), ("Bob", "Boole")]

row = st.fixed_dictionaries(
    {},
    optional={
        "email": st.sampled_from(EMAILS),
        "email_2": st.sampled_from(EMAILS),
        "linkedin_url": st.sampled_from(PROFILES),
        "name": st.sampled_from(NAMES),
    },
)
batches = st.lists(st.lists(row, min_size=1, max_size=6), min_size=1, max_size=3)


def _identifiers(r: dict) -> list[str]:
    """What the row is known by: its strong identifiers, else its name at its company."""
    strong = [
        ident
        for field in ("email", "email_2", "linkedin_url")
        if field in r and (ident := r[field][1]) is not None
    ]
    if strong:
        return strong
    if "name" in r:
        return ["name:" + " ".join(r["name"]).lower()]
    return []


def _expected_components(rows: list[dict]) -> list[set[int]]:
    """Union-find over the rows by the identifiers they share."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for i, r in enumerate(rows):
        for ident in _identifiers(r):
            if ident in first_with:
                parent[find(i)] = find(first_with[ident])
            else:
                first_with[ident] = i
    groups: dict[int, set[int]] = {}
    for i, r in enumerate(rows):
        if _identifiers(r):
            groups.setdefault(find(i), set()).add(i)
    return sorted(groups.values(), key=min)


def _as_input(r: dict, n: int) -> dict:
    cells = {"company_domain": "acme.com", "crm_id": str(n)}
    for field in ("email", "email_2", "linkedin_url"):
        if field in r:
            cells[field] = r[field][0]
    if "name" in r:
        cells["first_name"], cells["last_name"] = r["name"]
    return cells


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(loads=batches)
def test_each_person_is_one_component_of_shared_identifiers(
    module_db_url: str, loads: list[list[dict]]
) -> None:
    rows = [r for batch in loads for r in batch]
    with psycopg.connect(module_db_url) as conn:  # rolled back: each example starts empty
        n = 0
        for batch in loads:
            cells = []
            for r in batch:
                cells.append(_as_input(r, n))
                n += 1
            conn.execute("select enrich.create_batch('company_and_person', %s)", (Jsonb(cells),))
        person_of = dict(
            conn.execute(
                "select (data ->> 'crm_id')::int, person_id from enrich.batch_items"
            ).fetchall()
        )
        # a row whose person a later batch merged away follows the redirect(s)
        redirects = dict(
            conn.execute("select old_id, entity_id from enrich.entity_redirects").fetchall()
        )
        people: dict[object, set[int]] = {}
        for i, person in person_of.items():
            while person in redirects:
                person = redirects[person]
            if person is not None:
                people.setdefault(person, set()).add(i)
        assert sorted(people.values(), key=min) == _expected_components(rows)
        live_people = conn.execute("select count(*) from enrich.normalized_people").fetchone()
        assert live_people == (len(people),)
        assert conn.execute("select * from enrich.check_invariants()").fetchall() == []
        conn.rollback()
