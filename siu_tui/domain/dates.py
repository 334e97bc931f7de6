"""Reading and writing dates the way clerks and the command line write them.

Clerks type British dates (DD/MM/YYYY) into forms; imports and the command line use ISO
dates. Errors are worded to sit beside the field, so they say what to type or which date
is impossible rather than echoing a Python exception.
"""

from __future__ import annotations

import re
from datetime import date

_UK = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# [0-9] rather than \d: \d also matches other scripts' digits, which int() would accept and
# which no clerk means to type.

UK_HINT = "Enter a date as DD/MM/YYYY"


def _build(year: str, month: str, day: str, shown: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"{shown} is not a real date") from None


def parse_date(text: str) -> date:
    """A date typed in a form: DD/MM/YYYY (or D/M/YYYY), or YYYY-MM-DD pasted from elsewhere.

    Spaces are dropped anywhere because they creep in around the slashes when typing fast.
    """
    cleaned = "".join(text.split())
    if match := _UK.fullmatch(cleaned):
        day, month, year = match.groups()
        return _build(year, month, day, cleaned)
    if match := _ISO.fullmatch(cleaned):
        year, month, day = match.groups()
        return _build(year, month, day, cleaned)
    raise ValueError(UK_HINT)


def format_date(d: date | None) -> str:
    """The form a clerk reads and types back; an empty string keeps blank cells blank.

    Built by hand because ``strftime("%Y")`` does not pad years before 1000 on every
    platform, and then the text would not parse back.
    """
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def parse_iso_date(text: str) -> date:
    """A date from the command line or an import, where only YYYY-MM-DD is unambiguous."""
    cleaned = text.strip()
    if match := _ISO.fullmatch(cleaned):
        year, month, day = match.groups()
        return _build(year, month, day, cleaned)
    raise ValueError(f"{cleaned!r} is not a date (use YYYY-MM-DD)")


def years_before(on: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February falls back to the 28th. It is the latest
    date of birth of a child who is ``years`` old on ``on`` (the English convention for
    29 February birthdays: see ``domain.advocacy.age_on``)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)
