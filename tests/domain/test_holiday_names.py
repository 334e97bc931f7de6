"""Naming bank holidays, so a warning can say why a date is closed.

Weekdays checked against a printed calendar: 2026-12-25 is a Friday, 2026-12-26 a Saturday,
2026-12-28 a Monday; 2027-12-27 and 2027-12-28 are Monday and Tuesday; 2023-05-08 a Monday.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from siu_tui.domain.timescales import birth_since
from siu_tui.domain.workingdays import bank_holidays, holiday_name, is_working_day

D = date


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 12, 25), "Christmas Day"),
        (D(2026, 12, 26), "Boxing Day"),  # a Saturday: named, though a weekend anyway
        (D(2026, 12, 28), "substitute day for Boxing Day"),
        (D(2027, 12, 27), "substitute day for Christmas Day"),
        (D(2027, 12, 28), "substitute day for Boxing Day"),
        (D(2027, 1, 1), "New Year's Day"),
        (D(2026, 4, 3), "Good Friday"),
        (D(2026, 8, 31), "Late Summer Bank Holiday"),
        (D(2023, 5, 8), "Coronation of Charles III"),
    ],
)
def test_holidays_are_named(day: date, name: str) -> None:
    assert holiday_name(day) == name


@pytest.mark.parametrize(
    "day", [D(2026, 12, 24), D(2026, 12, 29), D(2026, 11, 25), D(2026, 11, 28)]
)
def test_other_days_have_no_name(day: date) -> None:
    assert holiday_name(day) is None


@pytest.mark.parametrize("year", [2022, 2026, 2027])
def test_every_bank_holiday_has_a_name_and_only_they_do(year: int) -> None:
    start = D(year, 1, 1)
    named = {
        start + timedelta(days=n)
        for n in range(366)
        if (start + timedelta(days=n)).year == year and holiday_name(start + timedelta(days=n))
    }
    assert named == set(bank_holidays(year))
    assert all(not is_working_day(d) for d in named)


def test_birth_since_ignores_older_siblings_and_unborn_babies() -> None:
    pre_birth = D(2026, 10, 5)
    # An older sibling born years before, the baby born after the conference, a twin unborn.
    births = [D(2019, 6, 1), D(2026, 11, 20), None]
    assert birth_since(pre_birth, births) == D(2026, 11, 20)
    assert birth_since(pre_birth, [D(2019, 6, 1), None]) is None
    assert birth_since(pre_birth, []) is None
    # Born on the day of the conference itself still counts as born since it.
    assert birth_since(pre_birth, [pre_birth]) == pre_birth
