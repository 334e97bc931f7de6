"""Values as the database driver hands them back, made into Python values once.

SQLite returns dates as ISO text (and aggregates such as MIN always as text), PostgreSQL as
dates; every service that reads a raw row goes through here rather than guessing again.
"""

from __future__ import annotations

from datetime import date
from typing import Any, overload


@overload
def stored_date(value: None) -> None: ...
@overload
def stored_date(value: date | str) -> date: ...
@overload
def stored_date(value: Any) -> date | None: ...
def stored_date(value: Any) -> date | None:
    """A stored date: None stays None, a date stays, ISO text (perhaps with a time after the
    day) becomes a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
