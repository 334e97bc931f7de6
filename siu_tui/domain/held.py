"""When a conference can be recorded as held: not before its day has come.

The record screen asks before opening the held dialog, and the service asks again inside its
write, so a clerk is told at once rather than after choosing every child's decision.
"""

from __future__ import annotations

from datetime import date

from siu_tui.domain.dates import format_date


def not_yet_held(conference_date: date, today: date) -> str | None:
    """Why a conference on this date cannot be marked held today, or None: the day itself
    is allowed (the outcome is recorded as the conference ends)."""
    if conference_date > today:
        return f"The conference is on {format_date(conference_date)}: it has not happened yet"
    return None
