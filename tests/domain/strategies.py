"""Shared Hypothesis strategies and settings for the domain property tests."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import settings
from hypothesis import strategies as st

from siu_tui.domain.workingdays import is_working_day

PROPERTY = settings(max_examples=200, deadline=None)
"""Enough examples to hit weekends and bank holidays often; no deadline because the first
look-up of a year's bank holidays is slow and would be reported as flaky."""

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
counts = st.integers(min_value=1, max_value=60)
months = st.integers(min_value=1, max_value=24)


def naive_working_days(start: date, end: date) -> int:
    """Working days in (start, end], walked day by day as a clerk would with a calendar."""
    count = 0
    d = start
    while d < end:
        d += timedelta(days=1)
        count += is_working_day(d)
    return count
