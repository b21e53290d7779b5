"""The columns identity linking reads: every email of a row (`email`, then `email_2`, ...),
the company's LinkedIn page (`company_linkedin_url`), and files whose only keys are a
LinkedIn profile, a company name and a company page (Sales Navigator)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pyworker import load as loader
from pyworker.load import Columns
from pyworker.testing import ENRICH


def enrich(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run([ENRICH, *args], env=env, capture_output=True, text=True, timeout=120)


def loaded(db_url: str, path: Path, *options: str) -> tuple[str, list[dict]]:
    result = enrich(db_url, "load", str(path), "--pipeline", "company", *options)
    assert result.returncode == 0, result.stderr
    batch = result.stdout.split()[-1]
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select data from enrich.batch_items where batch_id = %s order by row_number",
            (batch,),
        ).fetchall()
    return batch, [data for (data,) in rows]


def test_several_email_columns_load_as_email_email_2_email_3_and_export_their_headings(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "apollo.csv"
    path.write_text(
        "Work Email,Name,Email,Personal Email\n"
        "ann@acme.com,Ann,ann.lee@acme.com,ann@gmail.com\n"
        ",Bo,bo@acme.com,\n"
    )
    batch, rows = loaded(db_url, path)
    assert rows == [
        {
            "email_2": "ann@acme.com",
            "name": "Ann",
            "email": "ann.lee@acme.com",
            "email_3": "ann@gmail.com",
        },
        {"name": "Bo", "email": "bo@acme.com"},
    ]  # fmt: skip  (the column named Email feeds email; the others follow in column order)
    out = enrich(db_url, "export", batch, "--format", "csv").stdout
    header, *cells = list(csv.reader(io.StringIO(out)))
    assert header[:4] == ["Work Email", "Name", "Email", "Personal Email"]
    assert cells[0][:4] == ["ann@acme.com", "Ann", "ann.lee@acme.com", "ann@gmail.com"]


def test_without_a_column_named_email_the_first_email_column_is_email(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "hubspot.csv"
    path.write_text(
        "Secondary Email,Work Email,Email 2,Other Email\nb@acme.com,a@acme.com,c@x.io,d@y.io\n"
    )
    _, rows = loaded(db_url, path)
    assert rows == [{"email": "b@acme.com", "email_2": "a@acme.com", "email_3": "c@x.io",
                     "email_4": "d@y.io"}]  # fmt: skip
    _, rows = loaded(db_url, path, "--map", "Work Email=email")
    assert rows == [
        {"email_2": "b@acme.com", "email": "a@acme.com", "email_3": "c@x.io", "email_4": "d@y.io"}
    ]  # fmt: skip  (--map chooses which one is email)


def test_map_names_an_extra_email_column(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Email,Backup,Note\na@acme.com,b@acme.com,x\n")
    result = enrich(
        db_url, "load", str(path), "--pipeline", "company",
        "--map", "Email=email", "--map", "Backup=email",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "'Email' -> email, 'Backup' -> email_2; kept as data: Note" in result.stderr


def test_two_email_columns_of_one_name_are_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("Email,Work Email,email\na@acme.com,b@acme.com,c@acme.com\n")
    with pytest.raises(loader.LoadError, match="two columns are named 'Email'"):
        list(loader.read_rows(str(path)))


def test_a_jsonl_row_numbers_its_own_emails(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        '{"Work Email": "a@acme.com", "email": "b@acme.com"}\n{"Work Email": "c@acme.com"}\n'
    )
    columns = Columns(aliases={"workemail": "email"})
    rows = [data for _, data in loader.read_rows(str(path), columns=columns)]
    assert rows == [{"email_2": "a@acme.com", "email": "b@acme.com"}, {"email": "c@acme.com"}]


@pytest.mark.parametrize(
    "heading", ["Email 2", "email_2", "E-mail 3", "Email Address 2", "EMAIL-10"]
)
def test_an_email_by_number_names_email(heading: str) -> None:
    assert Columns(aliases={}).key_of(heading) == ("email", True)


@pytest.mark.parametrize(
    "heading", ["Company LinkedIn URL", "Company Linkedin Url", "company_linkedin_url"]
)
def test_the_company_linkedin_url_column_feeds_its_field(heading: str) -> None:
    assert Columns(aliases={}).key_of(heading) == ("company_linkedin_url", True)
    assert Columns(aliases={}).key_of("LinkedIn URL") == ("linkedin_url", True)


def test_a_sales_navigator_export_has_key_fields(db_url: str, tmp_path: Path) -> None:
    """LinkedIn profile, company name and company page: no email, no website."""
    lead = "https://www.linkedin.com/sales/lead/ACwAAA1,NAME_SEARCH,x1Yz"
    out = io.StringIO()
    csv.writer(out).writerows([
        ["First Name", "Last Name", "LinkedIn URL", "Company", "Company LinkedIn URL"],
        ["Ann", "Lee", lead, "Acme", "https://www.linkedin.com/company/acme"],
    ])  # fmt: skip
    path = tmp_path / "sales_navigator.csv"
    path.write_text(out.getvalue())
    _, rows = loaded(db_url, path)
    assert rows == [{
        "first_name": "Ann", "last_name": "Lee", "linkedin_url": lead, "company_name": "Acme",
        "company_linkedin_url": "https://www.linkedin.com/company/acme",
    }]  # fmt: skip


@pytest.mark.parametrize(
    ("only", "value"),
    [("Company Name", "Acme"), ("Company LinkedIn URL", "https://www.linkedin.com/company/acme")],
)
def test_a_company_name_or_page_alone_is_a_key_field(tmp_path: Path, only: str, value: str) -> None:
    path = tmp_path / "companies.csv"
    path.write_text(f"{only},Note\n{value},x\n")
    assert len(list(loader.read_rows(str(path)))) == 1
    path.write_text("First Name,Note\nAnn,x\n")
    refused = "no row has a key field .*company_linkedin_url, company_name"
    with pytest.raises(loader.LoadError, match=refused):
        list(loader.read_rows(str(path)))


def test_the_aliases_of_a_company_page_and_a_sales_navigator_url(db_url: str) -> None:
    """Rows of enrich.column_aliases (migration 0024): the loader reads them from there."""
    with psycopg.connect(db_url) as conn:
        aliases = conn.execute("select enrich.column_aliases_map()").fetchone()[0]
    columns = Columns(aliases=aliases)
    for heading in ("LinkedIn Company URL", "Company LinkedIn", "Organization LinkedIn URL",
                    "Company LinkedIn Profile"):  # fmt: skip
        assert columns.key_of(heading) == ("company_linkedin_url", True), heading
    assert columns.key_of("Sales Navigator URL") == ("linkedin_url", True)


def create_batch(db_url: str, rows: list[dict]) -> list[dict]:
    with psycopg.connect(db_url) as conn:
        batch = conn.execute(
            "select enrich.create_batch('company', %s)", (Jsonb(rows),)
        ).fetchone()[0]
        return [
            data
            for (data,) in conn.execute(
                "select data from enrich.batch_items where batch_id = %s order by row_number",
                (batch,),
            )
        ]


def test_create_batch_keeps_every_email_of_a_row(db_url: str) -> None:
    rows = [
        {"work_email": "a@acme.com", "email": "b@acme.com"},
        {"Work Email": "c@acme.com", "Email Address": "d@acme.com", "Email 2": "e@acme.com"},
    ]
    assert create_batch(db_url, rows) == [
        {"email": "b@acme.com", "email_2": "a@acme.com"},  # the own name is email
        # else the first key in sort order; the others follow in that order
        {"email": "e@acme.com", "email_2": "d@acme.com", "email_3": "c@acme.com"},
    ]


def test_create_batch_still_refuses_two_keys_naming_another_field(db_url: str) -> None:
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.Error) as caught:
        conn.execute(
            "select enrich.create_batch('company', %s)",
            (Jsonb([{"Company": "A", "Account Name": "B", "email": "a@acme.com"}]),),
        )
    assert caught.value.sqlstate == "EN003"
    assert "'Account Name' and 'Company', which both name 'company_name'" in str(caught.value)
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.Error) as caught:
        conn.execute(
            "select enrich.create_batch('company', %s)",
            (Jsonb([{"Email": "a@acme.com", "email": "b@acme.com"}]),),
        )
    assert caught.value.sqlstate == "EN003"  # two keys of one name: one would be lost
