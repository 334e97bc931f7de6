"""Minutes deadlines: working days after the conference."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given

from siu_tui.domain.minutes import MinutesDeadlines, minutes_deadlines
from siu_tui.domain.settings import Rules
from siu_tui.domain.workingdays import is_working_day, working_days_between

from .strategies import PROPERTY, dates

D = date


@pytest.mark.parametrize(
    ("conference", "expected"),
    [
        # Monday before Christmas 2025: 25, 26 Dec and 1 Jan closed.
        (D(2025, 12, 22), MinutesDeadlines(D(2025, 12, 23), D(2025, 12, 31), D(2026, 1, 15))),
        # Maundy Thursday 2026: Good Friday and Easter Monday closed.
        (D(2026, 4, 2), MinutesDeadlines(D(2026, 4, 7), D(2026, 4, 13), D(2026, 4, 27))),
        # A Friday: the letter is due on Monday.
        (D(2026, 1, 9), MinutesDeadlines(D(2026, 1, 12), D(2026, 1, 16), D(2026, 1, 30))),
    ],
)
def test_minutes_deadlines(conference: date, expected: MinutesDeadlines) -> None:
    assert minutes_deadlines(conference) == expected


def test_minutes_deadlines_follow_the_settings() -> None:
    rules = Rules(
        minutes_decision_letter_working_days=2,
        minutes_draft_working_days=3,
        minutes_distribution_working_days=20,
    )
    assert minutes_deadlines(D(2026, 1, 9), rules) == MinutesDeadlines(
        D(2026, 1, 13), D(2026, 1, 14), D(2026, 2, 6)
    )


@PROPERTY
@given(dates)
def test_stages_are_ordered_working_days(conference: date) -> None:
    due = minutes_deadlines(conference)
    assert conference < due.decision_letter < due.draft_to_chair < due.distribution
    for day, n in ((due.decision_letter, 1), (due.draft_to_chair, 5), (due.distribution, 15)):
        assert is_working_day(day)
        assert working_days_between(conference, day) == n
