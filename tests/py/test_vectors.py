"""The team's normalisation vectors (../shared/vectors) are copied into tests/vectors/shared
so that `make test` needs nothing outside the repository; this checks the copy has not
drifted from the team's folder when that folder is here."""

from __future__ import annotations

from pathlib import Path

import pytest

COPY = Path(__file__).resolve().parents[1] / "vectors" / "shared"
TEAM = Path(__file__).resolve().parents[3] / "shared" / "vectors"


@pytest.mark.parametrize("name", ["company_keys.tsv", "person_keys.tsv"])
def test_the_copy_of_the_team_vectors_matches_theirs(name: str) -> None:
    if not TEAM.is_dir():
        pytest.skip(f"{TEAM} is not here: the copy in tests/vectors/shared is used as it is")
    assert (COPY / name).read_text() == (TEAM / name).read_text(), (
        f"tests/vectors/shared/{name} differs from {TEAM / name}: copy it again"
    )
