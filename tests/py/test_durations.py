"""Durations for people: what format_duration writes, parse_duration reads back."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from pyworker.durations import format_duration, parse_duration


@given(st.integers(min_value=1, max_value=10 * 365 * 86400))
def test_a_formatted_duration_reads_back_as_itself(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == timedelta(seconds=seconds)


def test_durations_read_as_people_write_them() -> None:
    assert [format_duration(s) for s in (1800, 5400, 2592000, None)] == [
        "30m",
        "1h30m",
        "30d",
        "none",
    ]
