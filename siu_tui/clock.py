"""The one clock: every "today" and "now" in SIU Desk comes from here.

Tests, snapshots and demos pin it (``set_today`` or ``SIU_TODAY=YYYY-MM-DD``) so that nothing
shifts with the calendar. A pinned day reads as 09:00 UTC on that day, so audit times are
stable too. Moments are stored in UTC (offices and laptops may disagree on their clocks' zones)
and shown in local time.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time

_pinned: date | None = None
PINNED_TIME = time(9, 0)


def set_today(day: date | None) -> None:
    """Pin today's date (None returns to the real calendar, or to ``SIU_TODAY``)."""
    global _pinned
    _pinned = day


def pinned() -> date | None:
    if _pinned is not None:
        return _pinned
    env = os.environ.get("SIU_TODAY")
    return date.fromisoformat(env) if env else None


def today() -> date:
    return pinned() or date.today()


def now() -> datetime:
    day = pinned()
    if day is not None:
        return datetime.combine(day, PINNED_TIME, tzinfo=UTC)
    return datetime.now(UTC).replace(microsecond=0)


def local(moment: datetime) -> datetime:
    """A stored moment in the machine's local time, for display."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()
