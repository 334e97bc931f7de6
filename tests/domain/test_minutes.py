"""Minutes deadlines: working days after the conference."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.codes import MinutesStage
from siu_tui.domain.minutes import (
    STAGE_AFTER,
    DistributionFigures,
    MinutesAction,
    MinutesDeadlines,
    TaskState,
    WeekCounts,
    available_actions,
    count_week,
    days_overdue,
    distribution_figures,
    holder_role,
    in_week,
    minutes_deadlines,
    task_state,
)
from siu_tui.domain.periods import week_of
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


# --- More bank holidays ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conference", "expected"),
    [
        # Friday before the summer bank holiday (Monday 31 August 2026).
        (D(2026, 8, 28), MinutesDeadlines(D(2026, 9, 1), D(2026, 9, 7), D(2026, 9, 21))),
        # Christmas 2026: Friday 25th, Boxing Day's substitute Monday 28th, New Year Friday.
        (D(2026, 12, 23), MinutesDeadlines(D(2026, 12, 24), D(2027, 1, 4), D(2027, 1, 18))),
        # Friday before the spring bank holiday (Monday 25 May 2026).
        (D(2026, 5, 22), MinutesDeadlines(D(2026, 5, 26), D(2026, 6, 1), D(2026, 6, 15))),
        # A conference on a bank holiday itself still counts from the next working day.
        (D(2026, 12, 28), MinutesDeadlines(D(2026, 12, 29), D(2027, 1, 5), D(2027, 1, 19))),
    ],
)
def test_minutes_deadlines_across_bank_holidays(
    conference: date, expected: MinutesDeadlines
) -> None:
    assert minutes_deadlines(conference) == expected


# --- Stages -----------------------------------------------------------------------------------


def test_each_stage_offers_its_own_steps_and_the_letter_always() -> None:
    assert available_actions("awaiting_draft") == (MinutesAction.LETTER, MinutesAction.TO_CHAIR)
    assert available_actions("with_chair") == (
        MinutesAction.LETTER,
        MinutesAction.APPROVE,
        MinutesAction.RETURN,
    )
    assert available_actions("approved") == (MinutesAction.LETTER, MinutesAction.DISTRIBUTE)
    assert available_actions("distributed") == (MinutesAction.LETTER,)
    assert STAGE_AFTER[MinutesAction.RETURN] is MinutesStage.AWAITING_DRAFT
    assert [holder_role(s.value) for s in MinutesStage] == ["clerk", "chair", "clerk", "clerk"]


# --- Task state -------------------------------------------------------------------------------

FRI = D(2026, 11, 20)
MON = D(2026, 11, 23)
WED = D(2026, 11, 25)


def test_task_state_and_working_days_over() -> None:
    assert task_state(FRI, FRI, WED) is TaskState.ON_TIME
    assert task_state(FRI, D(2026, 11, 19), WED) is TaskState.ON_TIME
    assert task_state(FRI, MON, WED) is TaskState.LATE
    assert task_state(FRI, None, WED) is TaskState.OVERDUE
    assert task_state(WED, None, WED) is TaskState.DUE  # due today is not overdue yet
    assert days_overdue(FRI, MON, WED) == 1  # the weekend does not count
    assert days_overdue(FRI, None, WED) == 3
    assert days_overdue(WED, None, WED) == 0
    assert days_overdue(FRI, D(2026, 11, 19), WED) == 0
    # Over Christmas: due Thursday 24 December, done Tuesday 29th is 1 working day late.
    assert days_overdue(D(2026, 12, 24), D(2026, 12, 29), D(2027, 1, 5)) == 1


def test_in_week_at_the_week_boundary() -> None:
    last = (D(2026, 11, 16), FRI)
    this = (MON, D(2026, 11, 27))
    nxt = (D(2026, 11, 30), D(2026, 12, 4))
    # Due Friday: last week's. Undone: carried into this week and the next.
    assert in_week(FRI, None, *last, WED)
    assert in_week(FRI, None, *this, WED)
    assert in_week(FRI, None, *nxt, WED)
    # Done on Monday: also carried into this week (it was overdue when the week began).
    assert in_week(FRI, MON, *this, WED)
    assert not in_week(FRI, MON, *nxt, WED)
    # Done on Friday itself: never carried.
    assert not in_week(FRI, FRI, *this, WED)
    # Due Monday: this week's, not last week's.
    assert in_week(MON, None, *this, WED) and not in_week(MON, None, *last, WED)
    # Due Thursday this week, undone: a future week does not carry what is not yet overdue.
    assert not in_week(D(2026, 11, 26), None, *nxt, WED)


def test_count_week() -> None:
    start, end = MON, D(2026, 11, 27)
    tasks = [(FRI, MON), (FRI, None), (MON, MON), (D(2026, 11, 27), None), (MON, WED)]
    assert count_week(tasks, start, end, WED) == WeekCounts(
        due=3, carried=2, on_time=1, late=2, overdue=1, not_yet_due=1
    )
    assert count_week([], start, end, WED).total == 0


@PROPERTY
@given(dates, st.integers(min_value=0, max_value=40))
def test_an_undone_task_shows_in_its_week_then_every_week_once_overdue(
    due: date, late_by: int
) -> None:
    today = due + timedelta(days=late_by)
    weeks = [week_of(due + timedelta(weeks=n)) for n in range(-2, 12)]
    shown = [w for w in weeks if in_week(due, None, w.start, w.end, today)]
    due_week = week_of(due)
    expected = [
        w for w in weeks if (w == due_week and due.weekday() < 5) or (w.start > due and due < today)
    ]
    assert shown == expected


def test_distribution_figures() -> None:
    rows = [
        (D(2026, 11, 2), D(2026, 11, 23), D(2026, 11, 20)),  # 14 working days: in time
        (D(2026, 11, 2), D(2026, 11, 23), D(2026, 11, 24)),  # 16: late
        (D(2026, 11, 2), D(2026, 11, 23), None),  # outstanding and overdue
        (D(2026, 11, 20), D(2026, 12, 11), None),  # outstanding, not yet due
    ]
    figures = distribution_figures(rows, WED)
    assert figures == DistributionFigures(
        conferences=4,
        within=1,
        late=1,
        outstanding=2,
        outstanding_overdue=1,
        average_working_days=15.0,
    )
    assert figures.distributed == 2 and figures.within_percent == 50.0
    empty = distribution_figures([], WED)
    assert empty.average_working_days is None and empty.within_percent is None


@PROPERTY
@given(st.lists(st.tuples(dates, st.none() | dates), max_size=20), dates)
def test_count_week_agrees_with_task_state(
    tasks: list[tuple[date, date | None]], today: date
) -> None:
    """``count_week`` unrolls ``task_state`` for speed; the two must never disagree."""
    start = week_of(today).start
    end = start + timedelta(days=4)
    counts = count_week(tasks, start, end, today)
    states = [task_state(due, done, today) for due, done in tasks]
    assert counts.on_time == states.count(TaskState.ON_TIME)
    assert counts.late == states.count(TaskState.LATE)
    assert counts.overdue == states.count(TaskState.OVERDUE)
    assert counts.not_yet_due == states.count(TaskState.DUE)
    assert counts.due == sum(start <= due <= end for due, _ in tasks)
    assert counts.total == len(tasks)
