"""Working days and calendar months, checked against a printed calendar.

Weekdays noted in comments were checked by hand: 2025-12-25 is a Thursday, 2026-12-25 a
Friday, 2022-09-19 and 2023-05-08 Mondays.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from siu_tui.domain.workingdays import (
    add_months,
    add_working_days,
    bank_holidays,
    is_working_day,
    months_deadline,
    nth_working_day_before,
    working_day_on_or_after,
    working_day_on_or_before,
    working_days_between,
)

from .strategies import PROPERTY, counts, dates, months, naive_working_days

D = date


@pytest.mark.parametrize(
    "holiday",
    [
        D(2022, 6, 2),  # Spring bank holiday moved for the jubilee
        D(2022, 6, 3),  # Platinum Jubilee
        D(2022, 9, 19),  # State funeral of Queen Elizabeth II
        D(2023, 5, 8),  # Coronation of Charles III
        D(2026, 12, 28),  # Boxing Day (Saturday) observed on Monday
        D(2027, 12, 27),  # Christmas Day (Saturday) observed
        D(2027, 12, 28),  # Boxing Day (Sunday) observed
        D(2022, 1, 3),  # New Year's Day (Saturday) observed
        D(2026, 4, 3),  # Good Friday
        D(2026, 4, 6),  # Easter Monday
    ],
)
def test_bank_holidays_include_substitutes_and_one_offs(holiday: date) -> None:
    assert holiday in bank_holidays(holiday.year)
    assert not is_working_day(holiday)


def test_bank_holidays_are_england_not_scotland() -> None:
    assert D(2026, 1, 2) not in bank_holidays(2026)  # Scotland's 2 January
    assert D(2026, 8, 3) not in bank_holidays(2026)  # Scotland's summer holiday
    assert is_working_day(D(2026, 1, 2))
    assert D(2026, 3, 17) not in bank_holidays(2026)  # St Patrick's Day is Northern Ireland's


def test_bank_holidays_are_cached_per_year() -> None:
    assert bank_holidays(2026) is bank_holidays(2026)
    assert isinstance(bank_holidays(2026), frozenset)
    assert len([d for d in bank_holidays(2025) if d.weekday() < 5]) == 8


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (D(2026, 1, 5), True),  # Monday
        (D(2026, 1, 9), True),  # Friday
        (D(2026, 1, 10), False),  # Saturday
        (D(2026, 1, 11), False),  # Sunday
        (D(2026, 1, 1), False),  # New Year's Day, Thursday
        (D(2025, 12, 24), True),  # Christmas Eve is a working day
        (D(2026, 12, 26), False),  # Boxing Day on a Saturday
    ],
)
def test_is_working_day(d: date, expected: bool) -> None:
    assert is_working_day(d) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Christmas 2025: 25 Thu, 26 Fri and 1 Jan Thu are holidays.
        (D(2025, 12, 15), 15, D(2026, 1, 8)),
        # Christmas 2026: 25 Fri, 28 Mon (Boxing Day observed), 1 Jan 2027 Fri.
        (D(2026, 12, 14), 15, D(2027, 1, 7)),
        # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr.
        (D(2026, 3, 27), 15, D(2026, 4, 21)),
        # The state funeral, Monday 19 September 2022.
        (D(2022, 9, 5), 15, D(2022, 9, 27)),
        # May Day 1 May and the coronation 8 May 2023.
        (D(2023, 4, 28), 15, D(2023, 5, 23)),
        # Across a month end with no holidays.
        (D(2025, 1, 31), 15, D(2025, 2, 21)),
        # A weekend trigger: the Monday after is day 1, as it is for the Friday before.
        (D(2025, 6, 6), 15, D(2025, 6, 27)),
        (D(2025, 6, 7), 15, D(2025, 6, 27)),
        (D(2025, 6, 8), 15, D(2025, 6, 27)),
        # Small counts around a weekend and a holiday.
        (D(2026, 1, 9), 1, D(2026, 1, 12)),  # Friday -> Monday
        (D(2026, 1, 5), 1, D(2026, 1, 6)),
        (D(2025, 12, 24), 1, D(2025, 12, 29)),
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 1, 10), 0, D(2026, 1, 10)),  # zero leaves even a Saturday alone
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 1, 5), -1)
    with pytest.raises(ValueError, match="negative"):
        nth_working_day_before(D(2026, 1, 5), -1)


@pytest.mark.parametrize(
    ("d", "before", "after"),
    [
        (D(2026, 1, 7), D(2026, 1, 7), D(2026, 1, 7)),  # a Wednesday is itself
        (D(2026, 1, 10), D(2026, 1, 9), D(2026, 1, 12)),  # Saturday
        (D(2026, 1, 11), D(2026, 1, 9), D(2026, 1, 12)),  # Sunday
        (D(2026, 12, 25), D(2026, 12, 24), D(2026, 12, 29)),  # Christmas to the 28th
        (D(2026, 4, 6), D(2026, 4, 2), D(2026, 4, 7)),  # Easter Monday
        (D(2027, 12, 25), D(2027, 12, 24), D(2027, 12, 29)),  # Sat, Sun, Mon, Tue closed
    ],
)
def test_working_day_on_or_before_and_after(d: date, before: date, after: date) -> None:
    assert working_day_on_or_before(d) == before
    assert working_day_on_or_after(d) == after


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (D(2026, 3, 16), 1, D(2026, 3, 13)),  # Monday -> the Friday before
        (D(2026, 3, 16), 2, D(2026, 3, 12)),
        (D(2026, 3, 16), 3, D(2026, 3, 11)),
        (D(2026, 4, 7), 1, D(2026, 4, 2)),  # Tuesday after Easter -> Maundy Thursday
        (D(2026, 4, 7), 3, D(2026, 3, 31)),
        (D(2026, 1, 5), 2, D(2025, 12, 31)),  # skips New Year's Day
        (D(2026, 1, 10), 1, D(2026, 1, 9)),  # from a Saturday, Friday is 1st
        (D(2026, 1, 10), 0, D(2026, 1, 10)),
        (D(2022, 9, 20), 1, D(2022, 9, 16)),  # skips the state funeral
    ],
)
def test_nth_working_day_before(d: date, n: int, expected: date) -> None:
    assert nth_working_day_before(d, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 1, 7), D(2026, 1, 7), 0),
        (D(2026, 1, 9), D(2026, 1, 12), 1),  # Friday to Monday
        (D(2026, 1, 9), D(2026, 1, 10), 0),  # Friday to Saturday
        (D(2026, 1, 10), D(2026, 1, 11), 0),  # Saturday to Sunday
        (D(2026, 1, 10), D(2026, 1, 12), 1),  # Saturday to Monday
        (D(2025, 12, 24), D(2025, 12, 29), 1),
        (D(2026, 12, 24), D(2026, 12, 29), 1),
        (D(2025, 12, 15), D(2026, 1, 8), 15),
        (D(2026, 1, 8), D(2025, 12, 15), -15),
        (D(2026, 1, 12), D(2026, 1, 9), -1),
        (D(2025, 1, 1), D(2026, 1, 1), 253),  # England's working days in 2025
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2024, 2, 29), 3, D(2024, 5, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 10, 31), 3, D(2026, 1, 31)),  # across a year end
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 3, 15), 0, D(2026, 3, 15)),
    ],
)
def test_add_months(d: date, n: int, expected: date) -> None:
    assert add_months(d, n) == expected


@pytest.mark.parametrize(
    ("trigger", "n", "expected"),
    [
        # 31 Aug + 6 months clamps to Saturday 28 Feb 2026, so Friday 27th.
        (D(2025, 8, 31), 6, D(2026, 2, 27)),
        # 30 Nov 2027 + 3 months clamps to 29 Feb 2028, a Tuesday.
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        # Leap day + 3 months is Wednesday 29 May 2024 (after the 27th's bank holiday).
        (D(2024, 2, 29), 3, D(2024, 5, 29)),
        # Leap day + 12 months clamps to Friday 28 Feb 2025.
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        # Lands on the late summer bank holiday, Monday 31 Aug 2026.
        (D(2026, 5, 31), 3, D(2026, 8, 28)),
        # Lands on Boxing Day observed (Mon 28 Dec 2026); Christmas Friday is closed too.
        (D(2026, 6, 28), 6, D(2026, 12, 24)),
        # Lands on Tue 28 Dec 2027 (both Christmas holidays observed Mon and Tue).
        (D(2027, 6, 28), 6, D(2027, 12, 24)),
        # Lands on Easter Monday 2026; Good Friday is also closed.
        (D(2026, 1, 6), 3, D(2026, 4, 2)),
        # Lands on a Sunday.
        (D(2025, 9, 14), 3, D(2025, 12, 12)),
        (D(2025, 12, 15), 3, D(2026, 3, 13)),
        # A plain weekday stays put.
        (D(2026, 3, 10), 6, D(2026, 9, 10)),
    ],
)
def test_months_deadline(trigger: date, n: int, expected: date) -> None:
    assert months_deadline(trigger, n) == expected


# Properties -------------------------------------------------------------------------------


@PROPERTY
@given(dates)
def test_is_working_day_agrees_with_the_holidays_package(d: date) -> None:
    closed = d in holidays.country_holidays("GB", subdiv="ENG", years=d.year)
    assert is_working_day(d) == (d.weekday() < 5 and not closed)


@PROPERTY
@given(dates, counts)
def test_add_working_days_lands_on_the_nth_working_day(d: date, n: int) -> None:
    result = add_working_days(d, n)
    assert is_working_day(result)
    assert result > d
    assert naive_working_days(d, result) == n
    assert add_working_days(d, n - 1) < result  # the n-th, not a later one
    assert working_days_between(d, result) == n


@PROPERTY
@given(dates, dates, counts)
def test_add_working_days_is_monotone(a: date, b: date, n: int) -> None:
    early, late = sorted((a, b))
    assert add_working_days(early, n) <= add_working_days(late, n)


@PROPERTY
@given(dates, counts, counts)
def test_add_working_days_composes(d: date, m: int, n: int) -> None:
    assert add_working_days(add_working_days(d, m), n) == add_working_days(d, m + n)


@PROPERTY
@given(dates, counts)
def test_nth_working_day_before_counts_back_n_working_days(c: date, n: int) -> None:
    result = nth_working_day_before(c, n)
    assert is_working_day(result)
    assert result < c
    in_window = sum(is_working_day(result + timedelta(days=i)) for i in range((c - result).days))
    assert in_window == n  # exactly n working days in [result, C)
    assert add_working_days(result, n) == working_day_on_or_after(c)


@PROPERTY
@given(dates)
def test_on_or_before_and_after_are_the_nearest_working_days(d: date) -> None:
    before, after = working_day_on_or_before(d), working_day_on_or_after(d)
    assert is_working_day(before) and is_working_day(after)
    assert before <= d <= after
    assert naive_working_days(before, after) == (0 if is_working_day(d) else 1)


@PROPERTY
@given(dates, st.integers(min_value=-400, max_value=400))
def test_working_days_between_matches_a_day_by_day_count(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    expected = naive_working_days(start, end) if end >= start else -naive_working_days(end, start)
    assert working_days_between(start, end) == expected
    assert working_days_between(end, start) == -expected


@PROPERTY
@given(dates, dates, dates)
def test_working_days_between_adds_up(a: date, b: date, c: date) -> None:
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@PROPERTY
@given(dates, st.integers(min_value=-60, max_value=60))
def test_add_months_keeps_the_day_or_clamps_to_month_end(d: date, n: int) -> None:
    result = add_months(d, n)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n
    if result.day != d.day:
        assert result.day < d.day
        assert (result + timedelta(days=1)).day == 1  # clamped to the last day


@PROPERTY
@given(dates, months)
def test_months_deadline_is_the_last_working_day_by_the_date(trigger: date, n: int) -> None:
    result = months_deadline(trigger, n)
    target = add_months(trigger, n)
    assert is_working_day(result)
    assert trigger < result <= target
    assert naive_working_days(result, target) == 0  # the last working day on or before


@PROPERTY
@given(dates, dates, months)
def test_months_deadline_is_monotone(a: date, b: date, n: int) -> None:
    assume(a != b)
    early, late = sorted((a, b))
    assert months_deadline(early, n) <= months_deadline(late, n)
