"""CLI commands through real subprocesses against a scratch database."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pyworker.builtins import COMPANY_WORKFLOW, PERSON_WORKFLOW
from pyworker.testing import ENRICH
from tests.py.test_migrations import MIGRATIONS


def enrich(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "COLUMNS": "200"}
    return subprocess.run(
        [ENRICH, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_db_migrate_is_idempotent_and_status_lists_migrations(db_url: str) -> None:
    first = enrich(db_url, "db", "migrate")
    assert first.returncode == 0, first.stderr
    assert "applied 0 migration(s)" in first.stdout
    status = enrich(db_url, "db", "status", "--json")
    assert json.loads(status.stdout) == {
        "applied": MIGRATIONS,
        "pending": [],
    }


def test_demo_shows_three_calls_for_six_rows_and_leaves_nothing_behind(db_url: str) -> None:
    first = enrich(db_url, "demo")
    assert first.returncode == 0, first.stderr
    assert "batch COMPLETED: 6 rows, 3 companies, 3 Clay call(s) this run" in first.stdout
    second = enrich(db_url, "demo")  # rolled back: the same again
    assert "3 Clay call(s) this run, 3 saved by dedupe" in second.stdout
    with psycopg.connect(db_url) as conn:
        assert conn.execute(
            "select (select count(*) from enrich.batches), (select count(*) from enrich.workflows"
            " where slug like 'enrich_demo%'), (select count(*) from enrich.workspaces),"
            " (select count(*) from enrich.company_enrichment_results)"
        ).fetchone() == (0, 0, 1, 0)


def test_serve_refuses_to_start_without_a_secret(db_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ENRICH_CALLBACK_SECRET"}
    result = subprocess.run(
        [ENRICH, "serve"],
        env={**env, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "ENRICH_CALLBACK_SECRET is not set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ENRICH_CALLBACK_SECRET", "      ", "at least 16 characters"),
        ("ENRICH_CALLBACK_SECRET", "short-secret", "at least 16 characters"),
        ("ENRICH_CALLBACK_SECRET", "a-long-enough-secret\x07x", "control or non-ASCII"),
        ("ENRICH_CALLBACK_SECRET_PREVIOUS", "   \t ", "at least 16 characters"),
    ],
)
def test_serve_refuses_a_weak_or_unsendable_callback_secret(
    db_url: str, name: str, value: str, message: str
) -> None:
    env = {**os.environ, "DATABASE_URL": db_url, "ENRICH_CALLBACK_SECRET": "x" * 24, name: value}
    result = subprocess.run(
        [ENRICH, "serve", "--port", "9"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert name in result.stderr and message in result.stderr
    assert value.strip() not in result.stderr or not value.strip()  # never quoted


@pytest.mark.parametrize("command", [["worker"], ["clay-sim", "--port", "9"]])
def test_an_auth_token_no_header_can_carry_is_refused_without_quoting_it(
    db_url: str, command: list[str]
) -> None:
    result = subprocess.run(
        [ENRICH, *command],
        env={
            **os.environ,
            "DATABASE_URL": db_url,
            "ENRICH_PUBLIC_URL": "http://127.0.0.1:9",
            "CLAY_WEBHOOK_AUTH_TOKEN": "tok-SECRET\r\nX-Injected: 1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "CLAY_WEBHOOK_AUTH_TOKEN holds a control or non-ASCII character" in result.stderr
    assert "SECRET" not in result.stdout + result.stderr


def test_workflow_set_and_show(db_url: str) -> None:
    result = enrich(
        db_url,
        "workflow",
        "set",
        COMPANY_WORKFLOW,
        "--webhook-url",
        "https://api.clay.test/a",
        "--webhook-url",
        "https://api.clay.test/b",
        "--timeout",
        "45m",
        "--max-attempts",
        "4",
        "--rate",
        "8",
        "--burst",
        "16",
        "--ttl",
        "30d",
        "--json",
        "--show-secrets",
    )
    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    assert described["timeout_seconds"] == 45 * 60
    assert described["ttl_seconds"] == 30 * 86400
    live = [w["url"] for w in described["webhooks"] if not w["retired"]]
    assert live == ["https://api.clay.test/a", "https://api.clay.test/b"]
    bad = enrich(db_url, "workflow", "set", COMPANY_WORKFLOW, "--timeout", "soon")
    assert bad.returncode == 2 and "invalid duration" in bad.stderr
    shown = enrich(db_url, "workflow", "show", COMPANY_WORKFLOW)
    assert "https://api.clay.test/..." in shown.stdout  # a webhook URL is a credential
    assert "api.clay.test/a" not in shown.stdout
    whole = enrich(db_url, "workflow", "show", COMPANY_WORKFLOW, "--show-secrets").stdout
    assert "https://api.clay.test/a" in whole


def test_load_status_export(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "EMAIL,Company_Domain,crm\nada@acme.com,,1\nbob@acme.com,ACME.COM,2\nx@gmail.com,,3\n"
    )
    loaded = enrich(db_url, "load", str(source), "--pipeline", "company")
    assert loaded.returncode == 0, loaded.stderr
    batch_id = loaded.stdout.strip().splitlines()[-1]
    status = json.loads(enrich(db_url, "status", batch_id, "--json").stdout)
    assert status["done"] is False and status["rows"] == 3
    assert status["steps"][1] == {
        "step": "split",
        "counts": {"COMPLETED": 2, "FAILED": 1},
        "not_reached": 0,
        "upcoming": 0,
    }
    shown = {
        line.split("│")[1].strip(): line.split("│")[3].strip()
        for line in enrich(db_url, "status", batch_id).stdout.splitlines()
        if line.count("│") > 3
    }  # step -> finished %; the free-mail row failed at split, so it is finished for Clay
    assert shown == {
        "normalize_all_core_values": "100%",
        "split": "100%",
        COMPANY_WORKFLOW: "33%",
    }
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.receive_result(%s, jsonb_build_object('company_id', id, 'industry',"
            " 'Tools')) from enrich.normalized_companies",
            (COMPANY_WORKFLOW,),
        )
    assert json.loads(enrich(db_url, "status", batch_id, "--json").stdout)["done"] is True
    jsonl = [json.loads(line) for line in enrich(db_url, "export", batch_id).stdout.splitlines()]
    assert [r["status"] for r in jsonl] == ["COMPLETED", "COMPLETED", "FAILED"]
    assert jsonl[0]["results"] == {COMPANY_WORKFLOW: {"industry": "Tools"}}
    assert jsonl[0]["input"]["crm"] == "1"
    csv_out = enrich(db_url, "export", batch_id, "--format", "csv").stdout.splitlines()
    assert f"{COMPANY_WORKFLOW}.industry" in csv_out[0] and len(csv_out) == 4


def test_export_gives_the_users_columns_first_as_spelled_and_ours_namespaced(
    db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "apollo.csv"
    source.write_text(
        "Website,First Name,status,enrich.status,Company.Industry,Email,Notes\n"
        "acme.com,Ann,lead,mine,retail,ann@gmail.com,\n"
        'globex.com,Bob,client,,,bob@globex.com,"a, b"\n'
    )
    batch = enrich(db_url, "load", str(source), "--pipeline", "company").stdout.split()[-1]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.receive_result(%s, jsonb_build_object('company_id', id,"
            " 'industry', 'Tools', 'tags', jsonb_build_array('a', 'b'), 'public', true))"
            " from enrich.normalized_companies",
            (COMPANY_WORKFLOW,),
        )
    out = enrich(db_url, "export", batch, "--format", "csv").stdout
    header, *rows = list(csv.reader(io.StringIO(out)))
    assert header == [
        "Website",
        "First Name",
        "status",
        "enrich.status (input)",
        "Company.Industry",
        "Email",
        "Notes",
        "enrich.row_number",
        "enrich.item_id",
        "enrich.status",
        "enrich.company_key",
        "enrich.person_key",
        "enrich.step.normalize_all_core_values",
        "enrich.step.split",
        f"enrich.step.{COMPANY_WORKFLOW}",
        f"{COMPANY_WORKFLOW}.industry",
        f"{COMPANY_WORKFLOW}.public",
        f"{COMPANY_WORKFLOW}.tags",
        "enrich.company.domain",
        "enrich.person.email",
    ]  # fmt: skip  (no error column: no row has an error)
    first = dict(zip(header, rows[0], strict=True))
    assert (first["status"], first["enrich.status (input)"], first["enrich.status"]) == (
        "lead", "mine", "COMPLETED"
    )  # fmt: skip
    assert (first["Company.Industry"], first[f"{COMPANY_WORKFLOW}.industry"]) == ("retail", "Tools")
    assert first[f"{COMPANY_WORKFLOW}.tags"] == '["a","b"]'  # compact JSON in one cell
    assert first[f"{COMPANY_WORKFLOW}.public"] == "true"
    assert rows[1][header.index("Notes")] == "a, b"
    assert first["enrich.company.domain"] == first["enrich.company_key"]  # what it is known by

    failing = tmp_path / "failing.jsonl"
    failing.write_text('{"Work Email": "x@gmail.com", "Zone": 1}\n{"Zone": 2, "Extra": true}\n')
    batch = enrich(db_url, "load", str(failing), "--pipeline", "company").stdout.split()[-1]
    exported = enrich(db_url, "export", batch, "--format", "csv").stdout
    header = next(csv.reader(io.StringIO(exported)))
    assert header[:3] == ["Work Email", "Zone", "Extra"]  # JSONL: in the order first met
    assert "enrich.error.split" in header  # the free-mail row failed at split


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bad.jsonl",
            b'{"email": "a@b.com"}\n[1, 2]\n',
            "line 2: a JSONL line must be a JSON object",
        ),
        ("bad2.jsonl", b'{"email": "a@b.com"}\n{"email": \n', "line 2: not valid JSON"),
        ("ragged.csv", b"email,company_domain\na@b.com,b.com\nc@d.com\n", "line 3: 1 fields"),
        ("latin1.csv", b"email,first_name\na@b.com,J\xe9r\xf4me\n", "not UTF-8"),
        ("binary.csv", b"\x00\x01\x02\x03", "binary data"),
        ("nul.csv", b"email,first_name\na@b.com,A\x00da\n", "line 2: contains a NUL character"),
        ("nul.jsonl", b'{"email": "a@b.com"}\n{"n": ["\\u0000"]}\n', "line 2: contains a NUL"),
    ],
)
def test_load_refuses_malformed_files_and_loads_nothing(
    db_url: str, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = enrich(db_url, "load", str(path), "--pipeline", "company")
    assert result.returncode == 1
    assert message in result.stderr and "nothing was loaded" in result.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from enrich.batches").fetchone()[0] == 0


def test_load_reads_gzip_and_stdin(db_url: str, tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "rows.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"email": "a@acme.com"}\n{"email": "b@beta.com"}\n'))
    assert enrich(db_url, "load", str(path), "--pipeline", "company").returncode == 0
    env = {**os.environ, "DATABASE_URL": db_url}
    piped = subprocess.run(
        [ENRICH, "load", "-", "--pipeline", "company"],
        env=env,
        input="email\nc@gamma.com\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert piped.returncode == 0, piped.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from enrich.batch_items").fetchone()[0] == 3


def test_load_reports_progress_while_reading_and_before_the_steps(
    db_url: str, tmp_path: Path
) -> None:
    from pyworker import load as loader

    source = tmp_path / "rows.csv"
    source.write_text("email\n" + "".join(f"p{n}@acme.com\n" for n in range(2500)))
    told: list[str] = []
    _, rows = loader.load(db_url, str(source), "company", told.append)
    assert rows == 2500
    assert told == [
        "1,000 rows read",
        "2,000 rows read",
        "2,500 rows read; normalising keys and claiming entities",
    ]


def test_run_main_job_on_example_file(db_url: str) -> None:
    """No webhook configured: `enrich run` brings up the Clay simulator itself."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("delete from enrich.workflow_webhooks")
    env_url = db_url
    result = subprocess.run(
        [ENRICH, "run", "examples/people.csv", "--pipeline", "company", "--json"],
        env={**os.environ, "DATABASE_URL": env_url},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["done"] is True and summary["rows"] == 300
    assert summary["clay_calls"] == summary["companies"]
    assert summary["calls_saved"] == summary["items"]["COMPLETED"] - summary["companies"]


def test_doctor_finds_a_deliberately_broken_invariant(db_url: str) -> None:
    ok = enrich(db_url, "doctor", "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"] is True
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.create_batch('company', %s)",
            (Jsonb([{"email": "a@acme.com"}, {"email": "b@acme.com"}]),),
        )
        conn.execute(
            "update enrich.company_workflow_states set status = 'COMPLETED', completed_at = now()"
        )  # behind the state machine's back
    broken = enrich(db_url, "doctor")
    assert broken.returncode == 1
    assert "VIOLATION item_waiting_on_finished_entity" in broken.stdout
    assert "VIOLATION completed_entity_without_result" in broken.stdout


def test_retry_refresh_stats_and_pipelines(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        batch_id = conn.execute(
            "select enrich.create_batch('company', %s)", (Jsonb([{"email": "a@acme.com"}]),)
        ).fetchone()[0]
        dispatch = conn.execute(
            "select dispatch_id from enrich.claim_dispatches('w', 1)"
        ).fetchone()[0]
        conn.execute("select enrich.fail_dispatch(%s, 'w', 'HTTP 400')", (dispatch,))
    stats = json.loads(enrich(db_url, "stats", "--json").stdout)["workflows"]
    company = next(s for s in stats if s["workflow_slug"] == COMPANY_WORKFLOW)
    assert company["failures"] == {"HTTP 400": 1}
    assert company["paid_calls"] == 0 and company["entities_paid_for"] == 0  # refused: free
    asked = enrich(db_url, "retry", "--batch", str(batch_id))  # no terminal: needs --yes
    assert asked.returncode == 1 and "(1 paid call(s)); re-run with --yes" in asked.stderr
    retried = enrich(db_url, "retry", "--batch", str(batch_id), "--yes")
    assert retried.stdout.strip() == "re-queued 1 entity"
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.receive_result(%s, jsonb_build_object('company_id', id))"
            " from enrich.normalized_companies",
            (COMPANY_WORKFLOW,),
        )
    assert json.loads(enrich(db_url, "status", str(batch_id), "--json").stdout)["done"] is True
    refreshed = enrich(
        db_url,
        "refresh",
        "--workflow",
        COMPANY_WORKFLOW,
        "--older-than",
        "1s",
        "--yes",
    )
    assert refreshed.returncode == 0 and refreshed.stdout.startswith("re-enriching")
    assert enrich(db_url, "refresh", "--workflow", "x").returncode == 2
    made = enrich(
        db_url,
        "pipeline",
        "set",
        "people",
        "normalize_all_core_values",
        "split",
        PERSON_WORKFLOW,
    )
    assert made.returncode == 0, made.stderr
    bad = enrich(db_url, "pipeline", "set", "bad", "split")
    assert bad.returncode == 2 and "starts with normalize_all_core_values" in bad.stderr
    names = [p["name"] for p in json.loads(enrich(db_url, "pipeline", "list", "--json").stdout)]
    assert names == ["company", "company_and_person", "people"]


def test_prune_keeps_recent_batches(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.create_batch('company', %s)",
            (Jsonb([{"email": "a@gmail.com"}]),),  # fails at split: finished at once
        )
    assert enrich(db_url, "prune", "--older-than", "90d").stdout.strip() == (
        "pruned 0 batch(es) and 0 callback log entries"
    )
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "update enrich.batches set created_at = now() - interval '2 days',"
            " completed_at = now() - interval '2 days'"
        )
    assert enrich(db_url, "prune", "--older-than", "1d").stdout.startswith("pruned 1 batch(es)")
    assert enrich(db_url, "prune", "--older-than", "soon").returncode == 2


def test_loading_200k_rows_keeps_the_loader_in_constant_memory(db_url: str, tmp_path: Path) -> None:
    """The loader streams: its peak memory must not grow with the file (measured on the
    loader process; the database works set-based on its side)."""
    script = (
        "import resource, sys\n"
        "from pyworker import load as loader\n"
        "batch, rows = loader.load(sys.argv[1], sys.argv[2], 'company')\n"
        "print(rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )

    def peak_kib(rows: int) -> tuple[int, int]:
        path = tmp_path / f"rows{rows}.csv"
        with path.open("w") as fh:
            fh.write("email,first_name,company_website\n")
            for i in range(rows):
                fh.write(f"p{i}@c{i % 40000}.example,P{i},https://www.c{i % 40000}.example/x\n")
        out = subprocess.run(
            [sys.executable, "-c", script, db_url, str(path)],
            capture_output=True,
            text=True,
            timeout=900,
            check=True,
        ).stdout
        loaded, peak = out.split()
        return int(loaded), int(peak)

    small_rows, small_peak = peak_kib(2_000)
    big_rows, big_peak = peak_kib(200_000)
    assert (small_rows, big_rows) == (2_000, 200_000)
    # 100x the rows; the file alone is ~13 MB: a loader holding it would grow by far more
    assert big_peak - small_peak < 8 * 1024, (small_peak, big_peak)


def test_a_paid_command_refuses_when_more_became_due_than_was_confirmed(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer

    from pyworker.cli import operations

    monkeypatch.setenv("DATABASE_URL", db_url)
    counts = iter([1, 2])  # one entity when counted; two by the time it runs

    def run(conn: psycopg.Connection) -> int:
        conn.execute("select enrich.create_batch('company', '[{\"email\": \"a@acme.com\"}]')")
        return next(counts)

    with pytest.raises(typer.Exit) as refused:
        operations.confirm_paid("enrich retry", run, True, None)
    assert refused.value.exit_code == 1
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from enrich.batches").fetchone()[0] == 0


def test_a_closed_stderr_never_stops_a_log_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyworker import logs

    read, write = os.pipe()
    os.close(read)
    broken = os.fdopen(write, "w")
    monkeypatch.setattr(sys, "stderr", broken)
    logs.log("worker_stopping", worker="w")  # a closed pipe: no BrokenPipeError
    monkeypatch.undo()
    with contextlib.suppress(BrokenPipeError):
        broken.close()


def test_values_that_look_like_markup_are_shown_as_text(db_url: str, tmp_path: Path) -> None:
    """Rich reads [..] as markup: data with [/x] in it must print as it is, never crash."""
    people = tmp_path / "people.csv"
    people.write_text("email,company_domain,[/x]\nann@[/x].com,[/x],1\nbo@acme.com,acme.com,2\n")
    loaded = enrich(db_url, "load", str(people), "--pipeline", "company")
    assert loaded.returncode == 0, loaded.stderr
    assert "[/x]" in loaded.stderr  # the column mapping names the column
    batch = loaded.stdout.strip().splitlines()[-1]
    dry_run = enrich(db_url, "load", str(people), "--pipeline", "company", "--dry-run")
    assert dry_run.returncode == 0 and "[/x]" in dry_run.stderr, dry_run.stderr
    status = enrich(db_url, "status", batch)
    assert status.returncode == 0, status.stderr
    assert "FAILED at split" in status.stdout and "[/x]" in status.stdout
    named = enrich(db_url, "load", str(people), "--pipeline", "company", "--name", "[/x] leads")
    assert named.returncode == 0, named.stderr
    assert "[/x] leads" in enrich(db_url, "status").stdout  # the list of recent batches
    assert "[/x] leads" in enrich(db_url, "status", "[/x] leads").stdout
    for command in (["stats"], ["doctor"], ["workflow", "list"], ["workspace", "list"]):
        shown = enrich(db_url, *command)
        assert "MarkupError" not in shown.stderr and shown.returncode in (0, 1), shown.stderr
    assert "[/x]" in enrich(db_url, "export", batch, "--format", "csv").stdout
    hook = "https://hooks.test/[/x]/abc"
    enrich(db_url, "workflow", "set", COMPANY_WORKFLOW, "--webhook-url", hook)
    shown = enrich(db_url, "workflow", "show", COMPANY_WORKFLOW, "--show-secrets")
    assert shown.returncode == 0, shown.stderr
    assert "[/x]" in shown.stdout
    missing = enrich(db_url, "load", str(tmp_path / "[/x].csv"), "--pipeline", "company")
    assert missing.returncode == 1 and "[/x].csv: no such file" in missing.stderr


def test_export_headings_never_swap_values_and_one_key_is_one_column(
    db_url: str, tmp_path: Path
) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("email,enrich.status,enrich.status (input)\na@acme.com,st1,sti1\n")
    batch = enrich(db_url, "load", str(odd), "--pipeline", "company").stdout.split()[-1]
    exported = enrich(db_url, "export", batch, "--format", "csv").stdout
    header, row = list(csv.reader(io.StringIO(exported)))
    cells = dict(zip(header, row, strict=True))
    assert header[:3] == ["email", "enrich.status (input) (input)", "enrich.status (input)"]
    assert cells["enrich.status (input)"] == "sti1"  # the file's own column keeps its name
    assert cells["enrich.status (input) (input)"] == "st1"

    spellings = tmp_path / "spellings.jsonl"
    spellings.write_text('{"Email": "a@acme.com", "Foo": 1}\n{"email": "b@acme.com", " foo ": 2}\n')
    batch = enrich(db_url, "load", str(spellings), "--pipeline", "company").stdout.split()[-1]
    exported = enrich(db_url, "export", batch, "--format", "csv").stdout
    header, *rows = list(csv.reader(io.StringIO(exported)))
    assert header[:2] == ["Email", "Foo"] and "email" not in header  # first spelling
    assert [r[:2] for r in rows] == [["a@acme.com", "1"], ["b@acme.com", "2"]]


def test_csv_export_is_safe_in_spreadsheets_and_raw_on_request(db_url: str, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "email,note,score,cmd,at\n"
        'a@acme.com,"=HYPERLINK(""http://x.test"",""hi"")",-5,+cmd|calc,@SUM(1)\n'
    )
    batch = enrich(db_url, "load", str(people), "--pipeline", "company").stdout.split()[-1]
    out = tmp_path / "out.csv"
    assert enrich(db_url, "export", batch, "--format", "csv", "-o", str(out)).returncode == 0
    row = next(csv.DictReader(out.open()))
    assert row["note"] == '\'=HYPERLINK("http://x.test","hi")'
    assert (row["cmd"], row["at"], row["score"]) == ("'+cmd|calc", "'@SUM(1)", "-5")
    raw = enrich(db_url, "export", batch, "--format", "csv", "--raw").stdout
    assert next(csv.DictReader(io.StringIO(raw)))["cmd"] == "+cmd|calc"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_exports_stream_awkward_values_whole(db_url: str, tmp_path: Path) -> None:
    """CSV and JSONL exports are written by the database (COPY): values with line breaks,
    quotes, commas, a lone backslash-dot, non-ASCII text, numbers, booleans and nested JSON
    come back whole, each row in file order."""
    values = {
        "lines": "first\nsecond\r\nthird",
        "quoted": 'say "hi", then go',
        "dot": "\\.",
        "empty": "",
        "text": "naïve 日本 \u00e9",
        "minus": "-5",
        "count": 42,
        "ratio": 1.5,
        "flag": True,
        "nested": {"a": [1, 'x, "y"'], "ü": None},
        "tabbed": "\t=1+1",
    }
    people = tmp_path / "people.jsonl"
    people.write_text(
        "".join(json.dumps({"email": f"p{n}@acme.com", **values}) + "\n" for n in range(3))
    )
    batch = enrich(db_url, "load", str(people), "--pipeline", "company").stdout.split()[-1]
    out = tmp_path / "out.csv"  # (a file: the subprocess's text output folds \r\n)
    assert enrich(db_url, "export", batch, "--format", "csv", "-o", str(out)).returncode == 0
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert [row["email"] for row in rows] == ["p0@acme.com", "p1@acme.com", "p2@acme.com"]
    assert {key: rows[0][key] for key in values} == {
        "lines": "first\nsecond\r\nthird",
        "quoted": 'say "hi", then go',
        "dot": "\\.",
        "empty": "",
        "text": "naïve 日本 é",
        "minus": "-5",
        "count": "42",
        "ratio": "1.5",
        "flag": "true",
        "nested": '{"a":[1,"x, \\"y\\""],"ü":null}',
        "tabbed": "'\t=1+1",
    }
    records = [json.loads(line) for line in enrich(db_url, "export", batch).stdout.splitlines()]
    assert [r["row_number"] for r in records] == [1, 2, 3]
    stored = {key: value for key, value in values.items() if value != ""}  # (empty: no value)
    assert {key: records[0]["input"].get(key) for key in stored} == stored


def test_export_of_an_unknown_batch_creates_no_file(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    result = enrich(
        db_url, "export", "00000000-0000-0000-0000-000000000000", "--format", "csv", "-o", str(out)
    )
    assert result.returncode == 2 and "no batch has that name" in result.stderr
    assert not out.exists()


def batch_rows(db_url: str, batch: str) -> list[dict]:
    with psycopg.connect(db_url) as conn:
        return [
            row[0]
            for row in conn.execute(
                "select data from enrich.batch_items where batch_id = %s order by row_number",
                (batch,),
            )
        ]


@pytest.mark.parametrize(
    ("name", "content", "encoding"),
    [
        ("people.tsv", b"email\tfirst_name\nann@acme.com\tAnn\n", None),
        ("people.csv", b"email;first_name\nann@acme.com;Ann\n", None),
        ("people.txt", b"email\tfirst_name\nann@acme.com\tAnn\n", None),
        ("people.csv", "email,first_name\nann@acme.com,Ann\n".encode("utf-16"), None),
        ("people.csv", "\ufeffemail,first_name\nann@acme.com,Ann\n".encode(), None),
        ("people.csv", "email,first_name\nann@acme.com,Ann\n".encode("cp1252"), "cp1252"),
    ],
)
def test_tab_semicolon_utf16_and_legacy_encodings_load(
    db_url: str, tmp_path: Path, name: str, content: bytes, encoding: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    args = ["--encoding", encoding] if encoding else []
    result = enrich(db_url, "load", str(path), "--pipeline", "company", *args)
    assert result.returncode == 0, result.stderr
    rows = batch_rows(db_url, result.stdout.strip().splitlines()[-1])
    assert rows == [{"email": "ann@acme.com", "first_name": "Ann"}]


def test_accents_from_an_old_excel_export_load_with_their_encoding(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("email,first_name\nzoe@acme.com,Zoë\n".encode("latin-1"))
    refused = enrich(db_url, "load", str(path), "--pipeline", "company")
    assert refused.returncode == 1 and "--encoding" in refused.stderr
    assert "line 2, byte offset 32" in refused.stderr  # where the bad byte is, in the file
    loaded = enrich(db_url, "load", str(path), "--pipeline", "company", "--encoding", "latin-1")
    assert loaded.returncode == 0, loaded.stderr
    assert batch_rows(db_url, loaded.stdout.split()[-1])[0]["first_name"] == "Zoë"


def test_an_invalid_byte_deep_in_a_file_is_reported_with_its_line_and_offset(
    db_url: str, tmp_path: Path
) -> None:
    lines = [b"email\n"] + [b"p%d@acme%d.com\n" % (i, i) for i in range(3000)]
    path = tmp_path / "people.csv"
    path.write_bytes(b"".join(lines) + b"bad\xff@acme.com\n")
    result = enrich(db_url, "load", str(path), "--pipeline", "company")
    offset = sum(len(line) for line in lines) + 3
    assert result.returncode == 1
    assert f"line 3002, byte offset {offset:,}" in result.stderr
    assert "nothing was loaded" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no data rows"),
        ("email,first_name\n", "no data rows"),
        ("first_name,title\nAnn,CTO\n", "columns found: first_name, title"),
        ("email,Email\na@acme.com,b@acme.com\n", "two columns are named 'email'"),
    ],
)
def test_a_file_with_nothing_to_enrich_is_refused_and_makes_no_batch(
    db_url: str, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(content)
    result = enrich(db_url, "load", str(path), "--pipeline", "company")
    assert result.returncode == 1 and message in result.stderr, result.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from enrich.batches").fetchone()[0] == 0


def test_webhook_urls_and_database_passwords_are_masked_unless_asked(db_url: str) -> None:
    hook = "https://api.clay.test/v3/sources/webhook/pull-in-data-from-a-webhook-9f2k"
    enrich(db_url, "workflow", "set", COMPANY_WORKFLOW, "--webhook-url", hook)
    for args in (
        ("workflow", "show", COMPANY_WORKFLOW),
        ("workflow", "show", COMPANY_WORKFLOW, "--json"),
        ("workflow", "list"),
        ("workflow", "list", "--json"),
    ):
        out = enrich(db_url, *args).stdout
        assert "pull-in-data" not in out and "https://api.clay.test/...9f2k" in out, args
    assert hook in enrich(db_url, "workflow", "list", "--json", "--show-secrets").stdout
    env = {**os.environ, "DATABASE_URL": "postgresql://enrich:hunter2@db.test/enrich"}
    shown = subprocess.run([ENRICH, "db", "url"], env=env, capture_output=True, text=True)
    assert shown.stdout.strip() == "postgresql://enrich:***@db.test/enrich"


def test_version(db_url: str) -> None:
    result = enrich(db_url, "--version")
    assert result.returncode == 0 and result.stdout.startswith("enrich-once ")


def test_writing_commands_answer_json(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("select enrich.create_batch('company', %s)", (Jsonb([{"email": "a@gm.io"}]),))
    assert json.loads(enrich(db_url, "retry", "--yes", "--json").stdout) == {"requeued": 0}
    refreshed = enrich(
        db_url, "refresh", "--workflow", COMPANY_WORKFLOW, "--older-than", "1d", "--yes", "--json"
    )
    assert json.loads(refreshed.stdout) == {"refreshing": 0}
    pruned = json.loads(enrich(db_url, "prune", "--older-than", "90d", "--json").stdout)
    assert pruned == {"batches": 0, "callback_log_entries": 0}
    steps = ["normalize_all_core_values", "split", COMPANY_WORKFLOW]
    made = json.loads(enrich(db_url, "pipeline", "set", "mine", *steps, "--json").stdout)
    assert made == {"name": "mine", "steps": steps}


def test_workflow_set_creates_only_with_create_and_delete_asks_for_paid_results(
    db_url: str,
) -> None:
    typo = enrich(db_url, "workflow", "set", "enrich_compnay", "--timeout", "10m")
    assert typo.returncode == 2 and "unknown workflow 'enrich_compnay'" in typo.stderr
    made = enrich(db_url, "workflow", "set", "enrich_extra", "--create", "--entity-type", "person")
    assert made.returncode == 0, made.stderr
    assert enrich(db_url, "workflow", "set", "split", "--create").returncode == 2
    bad_url = enrich(db_url, "workflow", "set", "enrich_extra", "--webhook-url", "https://")
    assert bad_url.returncode == 2 and "not an http(s) URL with a host" in bad_url.stderr
    enrich(db_url, "workflow", "set", "enrich_extra", "--webhook-url", "https://hooks.test/a")
    cleared = enrich(db_url, "workflow", "set", "enrich_extra", "--clear-webhooks", "--json")
    assert all(h["retired"] for h in json.loads(cleared.stdout)["webhooks"])
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("select enrich.create_batch('company', %s)", (Jsonb([{"email": "a@x.io"}]),))
        conn.execute(
            "select enrich.set_person_workflow_status(id, 'enrich_extra', 'IN_PROGRESS')"
            " from enrich.normalized_people"
        )
        conn.execute(
            "select enrich.receive_result('enrich_extra', jsonb_build_object('person_id', id))"
            " from enrich.normalized_people"
        )
    asked = enrich(db_url, "workflow", "delete", "enrich_extra")
    assert asked.returncode == 1 and "1 paid-for result(s) out of use" in asked.stderr
    deleted = enrich(db_url, "workflow", "delete", "enrich_extra", "--yes", "--json")
    assert json.loads(deleted.stdout) == {"deleted": "enrich_extra", "completed_entities": 1}
    refused = enrich(db_url, "workflow", "delete", COMPANY_WORKFLOW, "--yes")
    assert refused.returncode == 1 and "pipeline" in refused.stderr
    assert enrich(db_url, "workflow", "delete", "nope", "--yes").returncode == 2


def test_run_with_an_unknown_pipeline_is_a_usage_error(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email\na@acme.com\n")
    result = enrich(db_url, "run", str(path), "--pipeline", "nope")
    assert result.returncode == 2 and "unknown pipeline 'nope'" in result.stderr


def test_an_export_file_keeps_its_permissions_and_its_link_and_the_header_is_safe(
    db_url: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text('email,"=HYPERLINK(""http://x.test"")"\na@acme.com,hi\n')
    batch = enrich(db_url, "load", str(people), "--pipeline", "company").stdout.split()[-1]
    target = tmp_path / "private.csv"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert enrich(db_url, "export", batch, "--format", "csv", "-o", str(link)).returncode == 0
    assert link.is_symlink() and (target.stat().st_mode & 0o777) == 0o600
    header = next(csv.reader(target.open()))
    assert '\'=HYPERLINK("http://x.test")' in header  # a formula in a column name too
    folder = enrich(db_url, "export", batch, "-o", str(tmp_path))
    assert folder.returncode == 2 and "is a folder" in folder.stderr


def test_passwords_in_a_database_urls_parameters_are_masked() -> None:
    from pyworker.cli.common import masked_database_url, masked_url

    assert (
        masked_database_url("postgresql://u@h/db?password=SECRET&sslmode=require")
        == "postgresql://u@h/db?password=***&sslmode=require"
    )
    assert masked_database_url("postgresql://u:pw@/db?host=/tmp/a@b") == (
        "postgresql://u:***@/db?host=/tmp/a@b"
    )
    assert masked_url("https:/api.clay.test/webhook/SECRETSECRETabcd") == "...abcd"


def on_a_terminal(db_url: str, columns: int, *args: str) -> str:
    """What a command shows on a terminal `columns` wide (a pseudo-terminal)."""
    import fcntl
    import pty
    import struct
    import termios

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        [ENRICH, *args],
        env={**env, "DATABASE_URL": db_url, "TERM": "xterm"},
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once the command has exited
        while chunk := os.read(controller, 65536):
            shown += chunk
    process.wait(timeout=60)
    os.close(controller)
    return shown.decode()


def test_status_and_stats_fit_a_terminal_100_columns_wide(db_url: str, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("email,linkedin_url\nann@acme.com,linkedin.com/in/ann\nbo@gmail.com,\n")
    loaded = enrich(db_url, "load", str(people), "--pipeline", "company_and_person")
    batch = loaded.stdout.split()[-1]
    ansi = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
    for command in (["status", batch], ["status"], ["stats"], ["workflow", "list"]):
        lines = ansi.sub("", on_a_terminal(db_url, 100, *command)).splitlines()
        assert lines, command
        assert max(len(line) for line in lines) <= 100, (command, lines)
        shown = batch[:8] if command == ["status"] else PERSON_WORKFLOW[:20]  # (a line a batch)
        assert any(shown in line for line in lines), (command, lines)


def test_run_on_a_terminal_keeps_its_bar_and_whole_log_lines(db_url: str, tmp_path: Path) -> None:
    """On a terminal: a progress bar, log lines above it each on one line (never wrapped
    at the terminal's width), no line per POST at the default level, the summary whole."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("delete from enrich.workflow_webhooks")
    people = tmp_path / "people.csv"
    people.write_text("email\n" + "".join(f"p{n}@acme{n % 5}.com\n" for n in range(20)))
    shown = on_a_terminal(db_url, 80, "run", str(people), "--pipeline", "company")
    lines = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown).replace("\r", "\n").splitlines()
    assert any("━" in line for line in lines), lines  # the bar
    stopped = [line for line in lines if "event=worker_stopped" in line]
    assert len(stopped) == 1 and "paid_calls=5" in stopped[0], lines  # one line, unwrapped
    assert not any("event=sent" in line for line in lines)  # per-POST lines are debug
    assert any(line.startswith("20 rows, 5 unique companies") for line in lines), lines


def test_every_cli_command_runs_as_a_login_role_granted_enrich_admin(
    db_url: str, tmp_path: Path
) -> None:
    """The README gives the CLI a login role granted enrich_admin: every command works as
    it (the loader's COPY and `db status` included), and `db migrate`, which needs the
    schema's owner, says so in a clear message, never a traceback."""
    from tests.py.test_end_to_end import login_as_member_of

    people = tmp_path / "people.csv"
    people.write_text("email\n" + "".join(f"p{n}@acme{n % 7}.com\n" for n in range(40)))
    with login_as_member_of(db_url, "enrich_admin") as admin_url:
        batch = enrich(admin_url, "load", str(people), "--pipeline", "company")
        assert batch.returncode == 0, batch.stderr
        batch_id = batch.stdout.split()[-1]
        in_parts = enrich(admin_url, "load", str(people), "--pipeline", "company", "--parts", "2")
        assert in_parts.returncode == 0, in_parts.stderr
        commands = [
            ["load", str(people), "--pipeline", "company", "--dry-run"],
            ["status"],
            ["status", batch_id, "--json"],
            ["export", batch_id, "--format", "csv"],
            ["doctor"],
            ["db", "status"],
            ["db", "url"],
            ["stats", "--json"],
            ["workflow", "list"],
            ["workflow", "show", COMPANY_WORKFLOW],
            ["workflow", "set", COMPANY_WORKFLOW, "--max-attempts", "4"],
            ["workflow", "pause", COMPANY_WORKFLOW],
            ["workflow", "resume", COMPANY_WORKFLOW],
            ["workspace", "list"],
            ["workspace", "set", "default", "--rate", "9"],
            ["pipeline", "list"],
            [
                "pipeline",
                "set",
                "company_copy",
                "normalize_all_core_values",
                "split",
                COMPANY_WORKFLOW,
            ],
            ["retry", "--batch", batch_id, "--yes"],
            ["refresh", "--workflow", COMPANY_WORKFLOW, "--older-than", "30d", "--yes"],
            ["prune", "--older-than", "30d"],
            ["demo"],
        ]
        for command in commands:
            result = enrich(admin_url, *command)
            assert result.returncode in (0, 1), (command, result.stderr)
            assert "Traceback" not in result.stderr and "InsufficientPrivilege" not in (
                result.stderr
            ), (command, result.stderr)
        migrate = enrich(admin_url, "db", "migrate")
        assert migrate.returncode == 1, migrate.stderr
        assert "Traceback" not in migrate.stderr
        assert "permission denied" in migrate.stderr and "owner" in migrate.stderr
