"""Batches as people handle them in a terminal: named after their file (or --name) and found
by name, id prefix or `latest`; failed rows and a missing worker never hidden behind a bare
COMPLETED or a silent IN_PROGRESS; exports in the format their file name says, and CSV that
Excel opens right."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.progress import NO_WORKER
from tests.py.test_cli import enrich


def _load(db_url: str, path: Path, *args: str) -> str:
    loaded = enrich(db_url, "load", str(path), "--pipeline", "company", *args)
    assert loaded.returncode == 0, loaded.stderr
    return loaded.stdout.strip().splitlines()[-1]


def _finish(db_url: str) -> None:
    """Clay's results for every company: the batches finish (their free-mail rows FAILED)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.receive_result(%s, jsonb_build_object('company_id', id, 'industry',"
            " 'Tools')) from enrich.normalized_companies",
            (COMPANY_WORKFLOW,),
        )


def test_a_batch_is_named_after_its_file_and_found_by_name_prefix_or_latest(
    db_url: str, tmp_path: Path
) -> None:
    leads = tmp_path / "q3-leads.csv"
    leads.write_text("email\nada@acme.com\n")
    first = _load(db_url, leads)
    second = _load(db_url, leads, "--name", "Apollo export")
    by = lambda *a: json.loads(enrich(db_url, "status", *a, "--json").stdout)  # noqa: E731
    assert by("q3-leads.csv")["batch_id"] == first and by("q3-leads.csv")["name"] == "q3-leads.csv"
    assert by("Apollo export")["batch_id"] == second
    assert by(second[:8])["batch_id"] == second
    assert by("latest")["batch_id"] == second

    # a name two batches share: refused, naming both
    third = _load(db_url, leads, "--name", "Apollo export")
    shared = enrich(db_url, "status", "Apollo export")
    assert shared.returncode == 2
    assert second in shared.stderr and third in shared.stderr
    unknown = enrich(db_url, "export", "no such batch")
    assert unknown.returncode == 2 and "no batch has that name" in unknown.stderr
    for bad_name in ("a\nb", " padded ", "latest", "x" * 201):
        bad = enrich(db_url, "load", str(leads), "--pipeline", "company", "--name", bad_name)
        assert bad.returncode == 2 and "--name" in bad.stderr, bad_name
    slashed = _load(db_url, leads, "--name", "C:\\exports\\")
    assert "“C:\\exports\\”" in enrich(db_url, "status", slashed).stdout  # shown as it is

    # without a batch: a line per recent batch, newest first, with its name
    lines = enrich(db_url, "status").stdout.splitlines()
    listed = [line for line in lines if line[:8] in (first[:8], second[:8], third[:8])]
    assert [line[:8] for line in listed] == [third[:8], second[:8], first[:8]]
    assert "q3-leads.csv" in listed[-1] and "Apollo export" in listed[0]


def test_failed_rows_and_a_missing_worker_are_said(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("email\nada@acme.com\nbob@beta.io\nx@gmail.com\n")
    batch = _load(db_url, source)

    # no worker alive: said in the table, the list and --json
    status = json.loads(enrich(db_url, "status", batch, "--json").stdout)
    assert status["no_worker"] is True and status["failed"] == 1
    assert status["steps"][2]["not_reached"] == 1  # failed at split, never reached Clay's step
    shown = enrich(db_url, "status", batch)
    assert shown.returncode == 0 and NO_WORKER in shown.stdout
    assert "IN_PROGRESS with 1 failed" in shown.stdout
    assert NO_WORKER in enrich(db_url, "status").stdout

    # a worker alive: not said
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("select enrich.heartbeat('w', 'worker', 'host', 1, 'test', '1 minute')")
    assert NO_WORKER not in enrich(db_url, "status", batch).stdout
    assert json.loads(enrich(db_url, "status", batch, "--json").stdout)["no_worker"] is False

    # finished with a failed row: never a bare COMPLETED
    _finish(db_url)
    done = enrich(db_url, "status", batch).stdout
    assert "COMPLETED with 1 failed" in done
    listed = next(
        line for line in enrich(db_url, "status").stdout.splitlines() if batch[:8] in line
    )
    assert "COMPLETED with 1 failed" in listed


def test_export_takes_its_format_from_the_file_name(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("email,note\nada@acme.com,first\n")
    batch = _load(db_url, source)
    as_csv, as_jsonl = tmp_path / "out.csv", tmp_path / "out.jsonl"
    assert enrich(db_url, "export", batch, "-o", str(as_csv)).returncode == 0
    assert as_csv.read_text().startswith("email,note,enrich.row_number")
    assert enrich(db_url, "export", batch, "-o", str(as_jsonl)).returncode == 0
    assert json.loads(as_jsonl.read_text().splitlines()[0])["input"]["note"] == "first"
    # --format still decides when given
    forced = tmp_path / "forced.csv"
    assert enrich(db_url, "export", batch, "--format", "jsonl", "-o", str(forced)).returncode == 0
    assert forced.read_text().startswith("{")
    for name, said in (("out.xlsx", "workbooks are not written"), ("out.dat", "cannot tell")):
        refused = enrich(db_url, "export", batch, "-o", str(tmp_path / name))
        assert refused.returncode == 2 and said in refused.stderr
        assert not (tmp_path / name).exists()
    assert enrich(db_url, "export", batch, "--excel", "--format", "jsonl").returncode == 2


def test_an_excel_export_has_a_bom_crlf_and_the_files_delimiter(
    db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "people.csv"  # a semicolon file, as Excel writes in much of Europe
    source.write_bytes(b'email;note\nada@acme.com;"two\nlines; one cell"\nbob@beta.io;plain\n')
    batch = _load(db_url, source)
    out = tmp_path / "for-excel.csv"
    assert enrich(db_url, "export", batch, "--excel", "-o", str(out)).returncode == 0
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode() + b"email;note;enrich.row_number;")
    records = data.split(b"\r\n")
    assert records[1].startswith(b'ada@acme.com;"two\nlines; one cell";')  # the cell's own \n
    assert records[2].startswith(b"bob@beta.io;plain;") and records[-1] == b""
    assert b"\n" not in data.replace(b"\r\n", b"").replace(b"two\nlines", b"")
    # read back as a spreadsheet would: the same rows and cells as the plain export
    import csv
    import io

    plain = enrich(db_url, "export", batch, "--format", "csv").stdout
    excel_rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert excel_rows == list(csv.reader(io.StringIO(plain, newline="")))


# (found by an adversarial review)
def test_a_file_whose_name_has_a_tab_still_loads(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "leads\tq3.csv"
    source.write_text("email\nada@acme.com\n")
    loaded = enrich(db_url, "load", str(source), "--pipeline", "company")
    assert loaded.returncode == 0, loaded.stderr


def test_an_export_to_a_tsv_file_is_tab_separated(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("email,note\nada@acme.com,first\n")
    batch = enrich(db_url, "load", str(source), "--pipeline", "company").stdout.split()[-1]
    out = tmp_path / "out.tsv"
    assert enrich(db_url, "export", batch, "-o", str(out)).returncode == 0
    assert out.read_text().startswith("email\tnote\t")


def test_a_whole_id_names_its_batch_whatever_other_batches_are_called(
    db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "people.csv"
    source.write_text("email\nada@acme.com\n")
    victim = enrich(db_url, "load", str(source), "--pipeline", "company").stdout.split()[-1]
    enrich(db_url, "load", str(source), "--pipeline", "company", "--name", victim)
    shown = enrich(db_url, "status", victim, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["batch_id"] == victim


def test_every_step_accounts_for_every_row_once_split_is_done(db_url: str) -> None:
    rows = [{"email": "ann@alpha.com"}, {"email": "bob@beta.com"}, {"email": "x@gmail.com"}]
    with psycopg.connect(db_url, autocommit=True) as conn:
        batch = conn.execute(
            "select enrich.create_batch('company_and_person', %s)", (Jsonb(rows),)
        ).fetchone()[0]
        status = conn.execute("select enrich.batch_status(%s)", (batch,)).fetchone()[0]
    for step in status["steps"]:
        accounted = sum(step["counts"].values()) + step["not_reached"] + step["upcoming"]
        assert accounted == status["rows"], step


def test_every_server_says_where_it_listens(db_url: str) -> None:
    import os
    import subprocess

    from pyworker.servers import free_port
    from pyworker.testing import ENRICH

    env = {**os.environ, "DATABASE_URL": db_url, "ENRICH_CALLBACK_SECRET": "s" * 32}
    for command, what in (("ui", "dashboard"), ("serve", "callback receiver"),
                          ("clay-sim", "Clay simulator")):  # fmt: skip
        port = free_port()
        server = subprocess.Popen(
            [ENRICH, command, "--port", str(port)],
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        try:
            first = server.stderr.readline()
            assert first.startswith(f"enrich {what}: http://127.0.0.1:{port} "), first
        finally:
            server.terminate()
            server.wait(10)


def test_a_batch_says_how_long_it_took_or_should_still_take() -> None:
    from datetime import UTC, datetime

    from pyworker.progress import timing, timing_line

    now = datetime(2026, 12, 7, 12, 10, tzinfo=UTC)
    running = {
        "status": "IN_PROGRESS",
        "rows": 1000,
        "created_at": "2026-12-07T12:00:00+00:00",
        "completed_at": None,
        "items": {"COMPLETED": 200, "FAILED": 50, "IN_PROGRESS": 750},
    }
    # 250 rows in 10 minutes: the 750 left take 30 more at that pace
    assert timing(running, now) == {"seconds": 600.0, "eta_seconds": 1800.0}
    assert timing({**running, "items": {"IN_PROGRESS": 1000}}, now)["eta_seconds"] is None
    assert timing({**running, "status": "LOADING"}, now)["eta_seconds"] is None
    done = {**running, "status": "COMPLETED", "completed_at": "2026-12-07T12:04:10+00:00"}
    assert timing(done, now) == {"seconds": 250.0, "eta_seconds": None}
    assert timing_line(done) == "took 4m10s"


def test_a_workbook_is_told_to_be_saved_as_csv(db_url: str, tmp_path: Path) -> None:
    workbook = tmp_path / "leads.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 100)  # what every .xlsx starts with
    loaded = enrich(db_url, "load", str(workbook), "--pipeline", "company")
    assert loaded.returncode == 1 and "save its sheet as CSV" in loaded.stderr
    assert "--encoding" not in loaded.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from enrich.batches").fetchone() == (0,)
