"""Run the pgTAP suite with pg_prove on a fresh, migrated scratch database.

Installs the pgtap extension and the test-only helpers (tests/pgtap/setup/), which never
ship in a migration. Exits with pg_prove's status.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg

from pyworker.testing.scratch_db import migrated_database, pg_env, url_for

HERE = Path(__file__).resolve().parent
# ours, and the team's (a copy of ../shared/vectors; tests/py/test_vectors.py checks drift)
VECTOR_DIRS = [HERE.parent / "vectors", HERE.parent / "vectors" / "shared"]


def load_key_vectors(conn: psycopg.Connection) -> None:
    """Normalisation vectors: ours (tests/vectors) and the team's (tests/vectors/shared)."""
    for folder in VECTOR_DIRS:
        if not folder.is_dir():
            print(f"# note: {folder} not found; its vectors are skipped", file=sys.stderr)
            continue
        for kind in ("company", "person"):
            path = folder / f"{kind}_keys.tsv"
            with conn.cursor().copy(
                "copy enrich_test.key_vectors (kind, source, field, input, expected) from stdin"
            ) as copy:
                for line in path.read_text(encoding="utf-8").splitlines():
                    if not line.strip() or line.startswith("#"):
                        continue
                    field, value, expected = (line.split("\t") + ["", ""])[:3]
                    copy.write_row((kind, str(path), field, value, expected or None))


def main(chosen: list[str]) -> int:
    """Every test file, or only the files or folders named on the command line."""
    files = sorted(
        str(p.relative_to(HERE.parents[1]))
        for p in HERE.glob("*/*.sql")
        if p.parent.name != "setup"
        and (not chosen or any(str(p.resolve()).startswith(str(Path(c).resolve())) for c in chosen))
    )
    with migrated_database() as name:
        with psycopg.connect(url_for(name), autocommit=True) as conn:
            conn.execute("create extension if not exists pgtap")
            for helper in sorted((HERE / "setup").glob("*.sql")):
                conn.execute(helper.read_text())
            load_key_vectors(conn)
        cmd = ["pg_prove", "--failures", "--comments", *files]
        return subprocess.run(cmd, env=pg_env(name), cwd=HERE.parents[1]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
