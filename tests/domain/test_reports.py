"""The report's rules: periods, ethnic groups, age bands, categories, rounding, tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.dates import years_before
from siu_tui.domain.periods import age_band
from siu_tui.domain.reports import (
    AGE_KEYS,
    ETHNIC_GROUPS,
    age_key,
    age_thresholds,
    category_key,
    ethnic_group,
    percent,
    report_period,
)

DFE_CODES = [
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
    "NOBT",
]


@pytest.mark.parametrize(
    ("code", "group"),
    [
        *((c, "white") for c in ("WBRI", "WIRI", "WIRT", "WOTH", "WROM")),
        *((c, "mixed") for c in ("MWBC", "MWBA", "MWAS", "MOTH")),
        *((c, "asian") for c in ("AIND", "APKN", "ABAN", "AOTH")),
        *((c, "black") for c in ("BCRB", "BAFR", "BOTH")),
        ("CHNE", "other"),
        ("OOTH", "other"),
        ("REFU", "undetermined"),
        ("NOBT", "undetermined"),
        (None, "undetermined"),
        ("", "undetermined"),
    ],
)
def test_every_dfe_code_has_its_group(code: str | None, group: str) -> None:
    assert ethnic_group(code) == group


def test_the_groups_cover_the_census_list_exactly_once() -> None:
    listed = [code for codes in ETHNIC_GROUPS.values() for code in codes]
    assert len(listed) == len(set(listed))
    assert set(listed) | {"REFU", "NOBT"} == set(DFE_CODES)


@pytest.mark.parametrize(
    ("on", "years", "expected"),
    [
        (date(2026, 3, 31), 10, date(2016, 3, 31)),
        (date(2024, 2, 29), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 4, date(2020, 2, 29)),
        (date(2025, 2, 28), 1, date(2024, 2, 28)),
    ],
)
def test_years_before(on: date, years: int, expected: date) -> None:
    assert years_before(on, years) == expected


@given(
    st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))),
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
)
def test_age_bands_agree_with_whole_years_on_the_day(born: date | None, on: date) -> None:
    """The thresholds the database compares with give the same band as counting birthdays
    (29 February included)."""
    labels = dict(zip(AGE_KEYS, ("unborn", "under 1", "1-4", "5-9", "10-15", "16+"), strict=True))
    assert labels[age_key(born, on)] == age_band(born, on)


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (None, "unborn"),
        (date(2026, 4, 1), "unborn"),
        (date(2026, 3, 31), "under_1"),
        (date(2025, 4, 1), "under_1"),
        (date(2025, 3, 31), "1_4"),
        (date(2021, 4, 1), "1_4"),
        (date(2021, 3, 31), "5_9"),
        (date(2016, 3, 31), "10_15"),
        (date(2010, 4, 1), "10_15"),
        (date(2010, 3, 31), "16_plus"),
    ],
)
def test_bands_at_a_quarter_end(born: date | None, band: str) -> None:
    assert age_key(born, date(2026, 3, 31)) == band


def test_thresholds_are_the_1st_5th_10th_and_16th_birthdays() -> None:
    assert age_thresholds(date(2026, 6, 30)) == (
        date(2025, 6, 30),
        date(2021, 6, 30),
        date(2016, 6, 30),
        date(2010, 6, 30),
    )


@pytest.mark.parametrize("bits", range(16))
def test_one_category_is_itself_two_or_more_are_multiple(bits: int) -> None:
    flags = [bool(bits & (1 << i)) for i in range(4)]
    names = [
        n for n, on in zip(("neglect", "physical", "emotional", "sexual"), flags, strict=True) if on
    ]
    expected = None if not names else names[0] if len(names) == 1 else "multiple"
    assert category_key(*flags) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (2, 3, 66.7),
        (1, 3, 33.3),
        (1, 8, 12.5),
        (1, 16, 6.3),
        (0, 0, 0.0),
        (5, 5, 100.0),
        (1, 200, 0.5),
    ],
)
def test_percentages_round_halves_up_to_one_place(part: int, whole: int, expected: float) -> None:
    assert percent(part, whole) == expected


def test_periods() -> None:
    year = report_period("annual", 2013)
    assert (year.start, year.end, year.quarters) == (
        date(2013, 4, 1),
        date(2014, 3, 31),
        (1, 2, 3, 4),
    )
    assert year.title == "Annual thematic report 2013-14"
    q4 = report_period("quarterly", 2013, 4)
    assert (q4.start, q4.end, q4.quarters) == (date(2014, 1, 1), date(2014, 3, 31), (4,))
    assert q4.previous_quarter() == (2013, 3)
    assert report_period("quarterly", 2013, 1).previous_quarter() == (2012, 4)
    assert q4.end + timedelta(days=1) == report_period("annual", 2014).start


@pytest.mark.parametrize(
    ("kind", "year", "q"),
    [("monthly", 2013, None), ("annual", 2013, 1), ("quarterly", 2013, None), ("annual", 12, None)],
)
def test_periods_that_make_no_sense(kind: str, year: int, q: int | None) -> None:
    with pytest.raises(ValueError):
        report_period(kind, year, q)
