"""Real files' headers: another tool's column names feed our fields; never by a part of a
name; the loader (Python) and enrich.create_batch (SQL) map a header alike."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyworker.load import FIELDS, Columns
from pyworker.testing import ENRICH


def enrich(db_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run([ENRICH, *args], env=env, capture_output=True, text=True)


def items(db_url: str, batch: str) -> list[tuple[dict, str | None]]:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select data, company_key from enrich.batch_items where batch_id = %s"
            " order by row_number",
            (batch,),
        ).fetchall()


def test_an_apollo_export_with_a_gmail_row_finds_the_company_by_its_website(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "apollo.csv"
    path.write_text(
        "First Name,Last Name,Email,Company Name,Website,Person Linkedin Url,"
        "Company Linkedin Url\n"
        "Ann,Lee,ann@gmail.com,Acme,https://www.acme.com,https://linkedin.com/in/annlee,"
        "https://linkedin.com/company/acme\n"
    )
    result = enrich(db_url, "load", str(path), "--pipeline", "company")
    assert result.returncode == 0, result.stderr
    assert "'Website' -> company_website" in result.stderr
    assert "'Company Linkedin Url' -> company_linkedin_url" in result.stderr
    ((data, company_key),) = items(db_url, result.stdout.split()[-1])
    assert company_key == "acme.com"
    assert data["linkedin_url"] == "https://linkedin.com/in/annlee"
    assert data["company_linkedin_url"] == "https://linkedin.com/company/acme"


def test_two_columns_naming_one_field_are_refused_unless_map_chooses(
    db_url: str, tmp_path: Path
) -> None:
    """(Not email: several email columns are all kept, see test_identity_columns.py.)"""
    path = tmp_path / "hubspot.csv"
    path.write_text("Company,Account Name,Company Domain Name\nAcme,Acme Inc,acme.com\n")
    tied = enrich(db_url, "load", str(path), "--pipeline", "company")
    assert tied.returncode == 1
    assert "'Company' and 'Account Name' both name 'company_name'" in tied.stderr
    chosen = enrich(
        db_url, "load", str(path), "--pipeline", "company", "--map", "Company=company_name"
    )
    assert chosen.returncode == 0, chosen.stderr
    ((data, _),) = items(db_url, chosen.stdout.split()[-1])
    assert data == {"company_name": "Acme", "account name": "Acme Inc",
                    "company_domain": "acme.com"}  # fmt: skip
    bad = enrich(db_url, "load", str(path), "--pipeline", "company", "--map", "x=nope")
    assert bad.returncode == 2


def test_our_own_field_name_beats_an_alias(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "people.jsonl"
    path.write_text(
        json.dumps({"Company": "Acme", "company_name": "Acme Inc", "email": "a@acme.com"}) + "\n"
    )
    result = enrich(db_url, "load", str(path), "--pipeline", "company")
    assert result.returncode == 0, result.stderr
    ((data, _),) = items(db_url, result.stdout.split()[-1])
    assert data == {"company": "Acme", "company_name": "Acme Inc", "email": "a@acme.com"}


def spelled(field: str, data: st.DataObject) -> str:
    """The field's name as another tool might write it: any case, words split by spaces,
    hyphens, underscores or nothing."""
    words = field.split("_")
    sep = data.draw(st.sampled_from([" ", "_", "-", "", ". "]))
    cased = [data.draw(st.sampled_from([w, w.upper(), w.capitalize()])) for w in words]
    return data.draw(st.sampled_from(["", " "])) + sep.join(cased)


@settings(max_examples=200)
@given(field=st.sampled_from(FIELDS), data=st.data())
def test_any_spelling_of_a_field_name_feeds_it(field: str, data: st.DataObject) -> None:
    assert Columns().key_of(spelled(field, data)) == (field, True)


@settings(max_examples=200)
@given(field=st.sampled_from(FIELDS), prefix=st.sampled_from(["company", "home", "old", "x"]),
       suffix=st.sampled_from(["2", "copy", "id", "s"]))  # fmt: skip
def test_a_name_only_containing_a_field_feeds_nothing(field: str, prefix: str, suffix: str) -> None:
    """(But an email by number, `Email 2`, is an email.)"""
    for name in (f"{prefix} {field}", f"{field} {suffix}"):
        key, is_field = Columns(aliases={}).key_of(name)
        exempt = name.replace(" ", "_") in FIELDS or name == "email 2"
        assert not is_field or key != field or exempt, name


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(alphabet="abcdefilmnoprstuwyEFNW _-.", min_size=1, max_size=24)
    | st.sampled_from(["Work Email", "Website", "Job Title", "Company", "LinkedIn Profile"])
)
def test_the_loader_and_create_batch_map_a_header_alike(module_db_url: str, name: str) -> None:
    with psycopg.connect(module_db_url) as conn:
        aliases = conn.execute("select enrich.column_aliases_map()").fetchone()[0]
        in_sql = conn.execute("select enrich._column_field(%s)", (name,)).fetchone()[0]
    key, is_field = Columns(aliases=aliases).key_of(name)
    assert (key if is_field else None) == in_sql


def test_a_column_chosen_with_map_wins_over_one_named_like_the_field(
    db_url: str, tmp_path: Path
) -> None:
    """The column named like the field is kept as data under a key of its own: no value is
    lost, and the chosen one feeds the field. (Email: test_identity_columns.py.)"""
    path = tmp_path / "people.csv"
    path.write_text("org,company_name,email\nChosen,Other,a@acme.com\n")
    chosen = ("--map", "org=company_name")
    result = enrich(db_url, "load", str(path), "--pipeline", "company", *chosen)
    assert result.returncode == 0, result.stderr
    ((data, _),) = items(db_url, result.stdout.split()[-1])
    assert data == {"company_name": "Chosen", "company_name (column 2)": "Other",
                    "email": "a@acme.com"}  # fmt: skip
    missing = enrich(db_url, "load", str(path), "--pipeline", "company", "--map", "nosuch=email")
    assert missing.returncode == 1
    assert "--map names no column of the file: 'nosuch'" in missing.stderr
    both = enrich(
        db_url, "load", str(path), "--pipeline", "company",
        "--map", "org=company_name", "--map", "company_name=company_name",
    )  # fmt: skip
    assert both.returncode == 1 and "--map chooses both" in both.stderr
