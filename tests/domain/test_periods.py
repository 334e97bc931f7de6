"""The council's year, quarters, working weeks and report age bands."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given

from siu_tui.domain.periods import (
    AGE_BANDS,
    Period,
    age_band,
    financial_year,
    financial_year_of,
    quarter,
    quarter_ends,
    week_of,
)

from .strategies import PROPERTY, dates

D = date


def test_financial_year_2013_is_2013_14() -> None:
    year = financial_year(2013)
    assert year == Period(D(2013, 4, 1), D(2014, 3, 31), "2013-14")
    assert D(2013, 4, 1) in year
    assert D(2014, 3, 31) in year
    assert D(2013, 3, 31) not in year
    assert D(2014, 4, 1) not in year


@pytest.mark.parametrize(
    ("year", "label"), [(1999, "1999-00"), (2009, "2009-10"), (2025, "2025-26")]
)
def test_year_labels_across_centuries(year: int, label: str) -> None:
    assert financial_year(year).label == label


@pytest.mark.parametrize(
    ("q", "start", "end", "label"),
    [
        (1, D(2013, 4, 1), D(2013, 6, 30), "2013-14 Q1"),
        (2, D(2013, 7, 1), D(2013, 9, 30), "2013-14 Q2"),
        (3, D(2013, 10, 1), D(2013, 12, 31), "2013-14 Q3"),
        (4, D(2014, 1, 1), D(2014, 3, 31), "2013-14 Q4"),
    ],
)
def test_quarters(q: int, start: date, end: date, label: str) -> None:
    assert quarter(2013, q) == Period(start, end, label)


@pytest.mark.parametrize("q", [0, 5, -1])
def test_quarter_out_of_range(q: int) -> None:
    with pytest.raises(ValueError, match="A quarter is 1, 2, 3 or 4"):
        quarter(2013, q)


def test_quarter_ends() -> None:
    assert quarter_ends(2023) == [D(2023, 6, 30), D(2023, 9, 30), D(2023, 12, 31), D(2024, 3, 31)]


@pytest.mark.parametrize(
    ("d", "year"),
    [
        (D(2014, 3, 31), 2013),
        (D(2014, 4, 1), 2014),
        (D(2014, 1, 1), 2013),
        (D(2013, 12, 31), 2013),
    ],
)
def test_financial_year_of(d: date, year: int) -> None:
    assert financial_year_of(d) == year


@pytest.mark.parametrize(
    ("d", "monday"),
    [
        (D(2026, 1, 5), D(2026, 1, 5)),  # Monday
        (D(2026, 1, 7), D(2026, 1, 5)),  # Wednesday
        (D(2026, 1, 9), D(2026, 1, 5)),  # Friday
        (D(2026, 1, 10), D(2026, 1, 5)),  # Saturday belongs to the week before
        (D(2026, 1, 11), D(2026, 1, 5)),  # Sunday too
        (D(2026, 1, 12), D(2026, 1, 12)),  # next Monday starts a new week
        (D(2025, 12, 31), D(2025, 12, 29)),  # a week spanning the new year
        (D(2026, 1, 2), D(2025, 12, 29)),
    ],
)
def test_week_of(d: date, monday: date) -> None:
    week = week_of(d)
    assert week.start == monday
    assert week.end == monday + timedelta(days=4)
    assert week.label == f"Week commencing {monday:%d/%m/%Y}"


@pytest.mark.parametrize(
    ("on", "band"),
    [
        (D(2020, 6, 14), "unborn"),  # the day before birth
        (D(2020, 6, 15), "under 1"),  # the day of birth
        (D(2021, 6, 14), "under 1"),
        (D(2021, 6, 15), "1-4"),
        (D(2025, 6, 14), "1-4"),
        (D(2025, 6, 15), "5-9"),
        (D(2030, 6, 14), "5-9"),
        (D(2030, 6, 15), "10-15"),
        (D(2036, 6, 14), "10-15"),
        (D(2036, 6, 15), "16+"),
        (D(2045, 1, 1), "16+"),
    ],
)
def test_age_band_boundaries(on: date, band: str) -> None:
    assert age_band(D(2020, 6, 15), on) == band


def test_no_date_of_birth_is_unborn() -> None:
    assert age_band(None, D(2026, 1, 1)) == "unborn"
    assert AGE_BANDS == ("unborn", "under 1", "1-4", "5-9", "10-15", "16+")


def test_leap_day_birthday_band() -> None:
    assert age_band(D(2020, 2, 29), D(2021, 2, 28)) == "under 1"
    assert age_band(D(2020, 2, 29), D(2021, 3, 1)) == "1-4"


# Properties -------------------------------------------------------------------------------


@PROPERTY
@given(dates)
def test_every_day_is_in_exactly_one_quarter_of_its_year(d: date) -> None:
    year = financial_year_of(d)
    assert d in financial_year(year)
    assert d not in financial_year(year - 1)
    assert d not in financial_year(year + 1)
    assert sum(d in quarter(year, q) for q in (1, 2, 3, 4)) == 1


@PROPERTY
@given(dates)
def test_quarters_tile_the_year(d: date) -> None:
    year = financial_year_of(d)
    quarters = [quarter(year, q) for q in (1, 2, 3, 4)]
    assert quarters[0].start == financial_year(year).start
    assert quarters[-1].end == financial_year(year).end
    for before, after in itertools.pairwise(quarters):
        assert after.start == before.end + timedelta(days=1)
    assert quarter_ends(year) == [q.end for q in quarters]


@PROPERTY
@given(dates)
def test_week_of_is_the_working_week_just_started_or_finished(d: date) -> None:
    week = week_of(d)
    assert week.start.weekday() == 0
    assert week.end.weekday() == 4
    assert (d in week) == (d.weekday() < 5)
    assert week.start <= d <= week.end + timedelta(days=2)


@PROPERTY
@given(dates, dates)
def test_age_band_is_always_a_known_band_and_never_gets_younger(born: date, on: date) -> None:
    band = age_band(born, on)
    assert band in AGE_BANDS
    later = age_band(born, on + timedelta(days=366))
    assert AGE_BANDS.index(later) >= AGE_BANDS.index(band)


def test_contains_ignores_non_dates() -> None:
    assert "2013-05-01" not in financial_year(2013)
