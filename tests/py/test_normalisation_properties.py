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
from psycopg.types.json import Jsonb

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


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_characters="\x00.", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=30,
    )
)
def test_punycode_is_rfc_3492(conn: psycopg.Connection, text: str) -> None:
    """enrich._punycode encodes any label as Python's RFC 3492 codec does."""
    assert one(conn, "select enrich._punycode(%s)", text) == text.encode("punycode").decode()


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(alphabet="abcdeäöüßéñçøåæıçğşжщыяλπ例え中文", min_size=1, max_size=12),
    suffix=st.sampled_from(SUFFIXES),
    upper=st.booleans(),
)
def test_a_domain_in_unicode_and_in_punycode_is_one_company(
    conn: psycopg.Connection, name: str, suffix: str, upper: bool
) -> None:
    a_label = name if name.isascii() else "xn--" + name.encode("punycode").decode()
    assume_a_company_domain(conn, f"{a_label}.{suffix}")
    upper = upper and name.upper().lower() == name  # not ß (SS) or ı (I): other names
    unicode = f"https://{name.upper() if upper else name}.{suffix}/"
    assert one(conn, "select enrich.company_key(null, %s, null)", unicode) == f"{a_label}.{suffix}"
    assert one(conn, "select enrich.company_key(%s, null, null)", f"{a_label}.{suffix}") == (
        f"{a_label}.{suffix}"
    )


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


dressed_value = st.one_of(
    any_text,
    st.builds(
        lambda pre, host, post: pre + host + post,
        st.sampled_from(["", " ", "https://", "HTTP://www.", "\t//", "mailto:x@", "ada@"]),
        st.builds(lambda a, s: f"{a}.{s}", label, st.sampled_from(SUFFIXES)),
        st.sampled_from(["", "/", " ", ":8080/x?y", "#z", ".", "  \u00a0"]),
    ),
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "company_domain": dressed_value,
                "company_website": dressed_value,
                "email": dressed_value,
                "linkedin_url": dressed_value,
                "first_name": any_text,
                "last_name": any_text,
            },
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_split_step_keys_rows_as_the_scalar_functions_do(
    module_db_url: str, rows: list[dict]
) -> None:
    """The split step cleans each value once and keys a whole batch set-based: every row
    gets the email, company key and person key the one-row functions give it."""
    with psycopg.connect(module_db_url) as conn:
        batch_id = one(conn, "select enrich.create_batch('company', %s)", Jsonb(rows))
        disagreeing = conn.execute(
            """select i.row_number, i.email, i.company_key, i.person_key, expected.*
               from enrich.batch_items i,
               lateral (select
                 coalesce(enrich.normalize_email(i.data ->> 'email'),
                          enrich._clean_text(i.data ->> 'email')) as email,
                 enrich.company_key(i.data ->> 'company_domain', i.data ->> 'company_website',
                                    i.data ->> 'email') as company_key) as expected,
               lateral (select enrich.person_key(
                 i.data ->> 'linkedin_url', i.data ->> 'email', null,
                 enrich._clean_text(i.data ->> 'first_name'),
                 enrich._clean_text(i.data ->> 'last_name'), expected.company_key) as person_key)
                 as expected_person
               where i.batch_id = %s
                 and (i.email is distinct from expected.email
                      or i.company_key is distinct from expected.company_key
                      or i.person_key is distinct from expected_person.person_key)""",
            (batch_id,),
        ).fetchall()
        conn.rollback()
    assert disagreeing == []
