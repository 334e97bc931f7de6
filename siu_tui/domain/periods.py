"""Reporting periods (the council's April-to-March year, its quarters, working weeks) and the
age bands the figures are broken down by.

Reports are asked for as "--year 2013", meaning 2013-14, because that is how the council
names its years; everything that turns a year into dates goes through here so the screens,
the command line and the exports agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from siu_tui.domain.advocacy import age_on
from siu_tui.domain.dates import format_date

AGE_BANDS: tuple[str, ...] = ("unborn", "under 1", "1-4", "5-9", "10-15", "16+")
"""Report age bands, youngest first, so tables list them in this order."""


@dataclass(frozen=True)
class Period:
    """A run of days, both ends included, with the name a report prints for it."""

    start: date
    end: date
    label: str

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end


def _year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def financial_year(year: int) -> Period:
    """The council's year starting 1 April ``year``; 2013 is "2013-14"."""
    return Period(date(year, 4, 1), date(year + 1, 3, 31), _year_label(year))


_QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}


def quarter(year: int, q: int) -> Period:
    """Quarter ``q`` of the council's year ``year``; Q4 (January to March) falls in the next
    calendar year."""
    if q not in _QUARTER_MONTHS:
        raise ValueError(f"A quarter is 1, 2, 3 or 4, not {q!r}")
    first_month, last_month = _QUARTER_MONTHS[q]
    calendar_year = year + 1 if q == 4 else year
    start = date(calendar_year, first_month, 1)
    end = date(calendar_year + last_month // 12, last_month % 12 + 1, 1) - timedelta(days=1)
    return Period(start, end, f"{_year_label(year)} Q{q}")


def quarter_ends(year: int) -> list[date]:
    """The snapshot days for "children subject to a plan at each quarter end"."""
    return [quarter(year, q).end for q in (1, 2, 3, 4)]


def financial_year_of(d: date) -> int:
    """The council's year a day falls in, named by its starting calendar year."""
    return d.year if d.month >= 4 else d.year - 1


def week_of(d: date) -> Period:
    """The Monday-to-Friday week a manager reviews for ``d``; a weekend looks back at the week
    just finished, which is the one there is still work to review."""
    monday = d - timedelta(days=d.weekday())
    return Period(monday, monday + timedelta(days=4), f"Week commencing {format_date(monday)}")


def age_band(date_of_birth: date | None, on: date) -> str:
    """The report age band on a day; no date of birth, or one still to come, is unborn."""
    if date_of_birth is None or date_of_birth > on:
        return "unborn"
    age = age_on(date_of_birth, on)
    if age < 1:
        return "under 1"
    if age <= 4:
        return "1-4"
    if age <= 9:
        return "5-9"
    if age <= 15:
        return "10-15"
    return "16+"
