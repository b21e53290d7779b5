"""Logs: levels, formats, and no line forged from outside data."""

from __future__ import annotations

import json

import pytest

from pyworker import logs


@pytest.fixture(autouse=True)
def default_logs():
    yield
    logs.configure()


def test_a_value_from_outside_cannot_forge_a_log_line(capsys: pytest.CaptureFixture) -> None:
    logs.configure("info", "text")
    logs.log("callback_error", workflow="x\nts=2026 level=info event=forged", token="s3cret")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert 'workflow="x\\nts=2026 level=info event=forged"' in lines[0]
    assert "s3cret" not in lines[0] and "token=[redacted]" in lines[0]


def test_per_entity_events_show_at_debug_only(capsys: pytest.CaptureFixture) -> None:
    logs.configure("info", "text")
    logs.log("sent", worker="w", company_id="c1")
    logs.log("worker_started", worker="w")
    assert [line.split()[2] for line in capsys.readouterr().err.splitlines()] == [
        "event=worker_started"
    ]
    logs.configure("debug", "text")
    logs.log("sent", worker="w", company_id="c1")
    assert "event=sent" in capsys.readouterr().err


def test_json_lines(capsys: pytest.CaptureFixture) -> None:
    logs.configure("info", "json")
    logs.log("released", worker="w", dispatches=3)
    line = json.loads(capsys.readouterr().err)
    assert (line["event"], line["level"], line["dispatches"]) == ("released", "info", 3)


def test_bad_log_options_are_usage_errors() -> None:
    import subprocess

    from pyworker.testing import ENRICH

    result = subprocess.run(
        [ENRICH, "serve", "--insecure-no-secret", "--log-level", "loud"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://nobody@/none"},
    )
    assert result.returncode == 2 and "--log-level must be one of" in result.stderr
