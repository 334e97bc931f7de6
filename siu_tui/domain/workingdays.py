"""Working-day and calendar-month arithmetic for England & Wales.

Statutory timescales are counted in working days (Monday to Friday, not bank holidays) or in
calendar months. Lists call these once per row, so each year's bank holidays are looked up
once and cached; the ``holidays`` package knows the substitute days and one-off holidays
(the 2022 state funeral, the 2023 coronation) that a hand-kept table would miss. Loading it
(its tables of every country) costs a tenth of a second on the way to the first screen's
data, so the years in use are read from a table written out from it
(``bank_holiday_table``, checked against it by a test), and the package is imported only for
a year outside that table.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import cache

from siu_tui.domain.bank_holiday_table import raw_names

_DAY = timedelta(days=1)


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England & Wales bank holidays in ``year``, including substitute days."""
    return frozenset(_bank_holiday_names(year))


_OBSERVED = " (observed)"


@cache
def _bank_holiday_names(year: int) -> dict[date, str]:
    raw = raw_names(year)
    if raw is None:
        import holidays

        raw = dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())
    names: dict[date, str] = {}
    for day, name in raw.items():
        # gov.uk calls a day moved off a weekend a "substitute day"; clerks know that word.
        parts = [
            "substitute day for " + p.removesuffix(_OBSERVED) if p.endswith(_OBSERVED) else p
            for p in str(name).split("; ")
        ]
        names[day] = "; ".join(parts)
    return names


def holiday_name(d: date) -> str | None:
    """The bank holiday ``d`` is (e.g. "substitute day for Boxing Day"), or None on any other
    day, so a warning can say why a date is closed rather than only that it is. Weekend days
    that are holidays in name (Boxing Day on a Saturday) are named too."""
    return _bank_holiday_names(d.year).get(d)


def is_working_day(d: date) -> bool:
    """Whether the unit is open: a weekday that is not a bank holiday."""
    return d.weekday() < 5 and d not in bank_holidays(d.year)


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError(f"a number of working days cannot be negative ({n})")


def add_working_days(d: date, n: int) -> date:
    """The deadline for "within ``n`` working days of ``d``": the first working day after
    ``d`` is day 1, so the answer is always a working day strictly after ``d`` (``n`` = 0
    leaves ``d`` alone, for settings that switch a timescale off)."""
    _check_count(n)
    result = d
    while n:
        result += _DAY
        if is_working_day(result):
            n -= 1
    return result


def working_day_on_or_before(d: date) -> date:
    """``d`` itself when the unit is open, otherwise the last working day before it."""
    while not is_working_day(d):
        d -= _DAY
    return d


def working_day_on_or_after(d: date) -> date:
    """``d`` itself when the unit is open, otherwise the next working day."""
    while not is_working_day(d):
        d += _DAY
    return d


def nth_working_day_before(d: date, n: int) -> date:
    """The latest date satisfying "at least ``n`` working days before ``d``": counting back,
    the working day before ``d`` is the 1st. ``n`` = 0 gives ``d`` (due on the day)."""
    _check_count(n)
    result = d
    while n:
        result -= _DAY
        if is_working_day(result):
            n -= 1
    return result


def _weekdays_before(ordinal: int) -> int:
    """Weekdays with ordinal in [1, ordinal); ordinal 1 (1 January 1) was a Monday."""
    weeks, extra = divmod(ordinal - 1, 7)
    return weeks * 5 + min(extra, 5)


def _working_days_after(start: date, end: date) -> int:
    """Working days in (start, end] for start <= end, without walking day by day: a screen
    may ask this for every row, and spans can run to years in reports."""
    count = _weekdays_before(end.toordinal() + 1) - _weekdays_before(start.toordinal() + 1)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for h in bank_holidays(year) if start < h <= end and h.weekday() < 5)
    return count


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative (mirrored) when
    ``end`` is earlier. With a deadline and today this gives "days left" when positive and
    "days overdue" when negative; it undoes ``add_working_days``."""
    if end >= start:
        return _working_days_after(start, end)
    return -_working_days_after(end, start)


def add_months(d: date, n: int) -> date:
    """The same day of the month ``n`` months on, clamped to the end of a shorter month
    (31 January + 1 month is the last day of February)."""
    year, month0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last_day))


def months_deadline(trigger: date, n: int) -> date:
    """The deadline for "within ``n`` months of ``trigger``": pulled back, never pushed on,
    when the date falls when the unit is closed, so the conference is still in time."""
    return working_day_on_or_before(add_months(trigger, n))
