"""Property-based tests of the SQL normalisation functions (hypothesis, real PostgreSQL).

For any input: no error escapes, and normalising a key again gives the same key. For any
company host or LinkedIn profile: case, whitespace and URL dressing never change the key.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

SUFFIXES = ("com", "io", "de", "co.uk", "com.au", "fr")
label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
# PostgreSQL text cannot hold NUL, and lone surrogates are not UTF-8 (no file or request
# can carry them); everything else is fair game
any_text = st.text(
    alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
    max_size=200,
)


@pytest.fixture(scope="module")
def conn(module_db_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(module_db_url, autocommit=True) as connection:
        yield connection


def one(conn: psycopg.Connection, query: str, *params: object) -> object:
    return conn.execute(query, params).fetchone()[0]


def assume_a_company_domain(conn: psycopg.Connection, domain: str) -> None:
    """Generated names can be real public suffixes (x0.com is one, in the PSL's private
    section) or free-mail providers (q.com): those are no company by design."""
    is_company = conn.execute(
        "select enrich.registrable_domain(%(d)s) = %(d)s"
        " and not enrich._is_free_mail_domain(%(d)s)",
        {"d": domain},
    ).fetchone()[0]
    assume(is_company)


@settings(max_examples=300, deadline=None)
@given(value=any_text)
def test_no_input_raises_and_keys_are_idempotent(conn: psycopg.Connection, value: str) -> None:
    email, domain, linkedin, key = conn.execute(
        "select enrich.normalize_email(%(v)s), enrich.registrable_domain(%(v)s),"
        " enrich.normalize_linkedin_url(%(v)s), enrich.company_key(%(v)s, %(v)s, %(v)s)",
        {"v": value},
    ).fetchone()
    if email is not None:
        assert one(conn, "select enrich.normalize_email(%s)", email) == email
    if domain is not None:
        assert one(conn, "select enrich.registrable_domain(%s)", domain) == domain
    if linkedin is not None:
        assert one(conn, "select enrich.normalize_linkedin_url(%s)", linkedin) == linkedin
    if key is not None:
        assert one(conn, "select enrich.company_key(%s, null, null)", key) == key


@st.composite
def dressed_host(draw: st.DrawFn) -> tuple[str, str]:
    """(registrable domain, the same host as an export might write it)."""
    domain = f"{draw(label)}.{draw(st.sampled_from(SUFFIXES))}"
    host = ("www." if draw(st.booleans()) else "") + domain
    host = "".join(c.upper() if draw(st.booleans()) else c for c in host)
    scheme = draw(st.sampled_from(["", "http://", "https://", "HTTPS://", "//"]))
    userinfo = draw(st.sampled_from(["", "user@", "user:pw@"])) if scheme else ""
    port = draw(st.sampled_from(["", ":8080", ":443"]))
    dot = draw(st.sampled_from(["", "."]))
    tail = draw(st.sampled_from(["", "/", "/about", "/a/b?x=1", "?q=2", "#top"]))
    space = draw(st.sampled_from(["", " ", "\t", "  \n"]))
    return domain, f"{space}{scheme}{userinfo}{host}{dot}{port}{tail}{space}"


@settings(max_examples=300, deadline=None)
@given(case=dressed_host())
def test_url_dressing_never_changes_the_company_key(
    conn: psycopg.Connection, case: tuple[str, str]
) -> None:
    domain, written = case
    assume_a_company_domain(conn, domain)
    assert one(conn, "select enrich.company_key(%s, null, null)", written) == domain
    assert one(conn, "select enrich.company_key(null, %s, null)", written) == domain


@settings(max_examples=200, deadline=None)
@given(
    local=st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,15}", fullmatch=True),
    domain=label,
    suffix=st.sampled_from(SUFFIXES),
    upper=st.booleans(),
    space=st.sampled_from(["", " ", "\t "]),
)
def test_email_case_and_whitespace_never_change_the_keys(
    conn: psycopg.Connection, local: str, domain: str, suffix: str, upper: bool, space: str
) -> None:
    email = f"{local}@{domain}.{suffix}"
    assume_a_company_domain(conn, f"{domain}.{suffix}")
    written = space + (email.upper() if upper else email) + space
    assert one(conn, "select enrich.normalize_email(%s)", written) == email
    assert one(conn, "select enrich.company_key(null, null, %s)", written) == f"{domain}.{suffix}"
    assert one(conn, "select enrich.person_key(null, %s, null, null, null, null)", written) == one(
        conn, "select enrich.person_key(null, %s, null, null, null, null)", email
    )


@settings(max_examples=200, deadline=None)
@given(
    slug=label,
    scheme=st.sampled_from(["", "http://", "https://", "HTTPS://"]),
    subdomain=st.sampled_from(["", "www.", "uk.", "DE."]),
    tail=st.sampled_from(["", "/", "/details/experience/", "?trk=x", "#about", "/?a=b"]),
    upper=st.booleans(),
)
def test_linkedin_dressing_never_changes_the_profile_key(
    conn: psycopg.Connection, slug: str, scheme: str, subdomain: str, tail: str, upper: bool
) -> None:
    written = f"{scheme}{subdomain}linkedin.com/in/{slug.upper() if upper else slug}{tail}"
    assert (
        one(conn, "select enrich.normalize_linkedin_url(%s)", written)
        == f"https://www.linkedin.com/in/{slug}"
    )
