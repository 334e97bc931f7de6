"""Challenge rules: the response's due date, overdue, state, and the figures for a period.

Dates worked out by hand from a calendar: 5 working days after Wednesday 25 November 2026 is
Wednesday 2 December; after Friday 18 December 2026 it is Tuesday 29 December (Christmas Day
is a Friday and Boxing Day's substitute is Monday 28th).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.challenges import (
    ChallengeFact,
    challenge_state,
    days_overdue,
    default_response_due,
    response_status,
    summarise_challenges,
)
from siu_tui.domain.codes import ChallengeCategory, ChallengeLevel, ChallengeState
from siu_tui.domain.settings import Rules
from siu_tui.domain.workingdays import is_working_day, working_days_between

from .strategies import PROPERTY, dates


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        (date(2026, 11, 25), date(2026, 12, 2)),
        (date(2026, 11, 23), date(2026, 11, 30)),
        (date(2026, 12, 18), date(2026, 12, 29)),
        (date(2026, 11, 28), date(2026, 12, 4)),  # raised on a Saturday: Monday is day 1
    ],
)
def test_default_response_due(raised: date, due: date) -> None:
    assert default_response_due(raised) == due


def test_response_due_follows_the_setting() -> None:
    assert default_response_due(date(2026, 11, 25), Rules(challenge_response_working_days=1)) == (
        date(2026, 11, 26)
    )
    assert default_response_due(date(2026, 11, 25), Rules(challenge_response_working_days=10)) == (
        date(2026, 12, 9)
    )


@given(dates, st.integers(min_value=1, max_value=30))
@PROPERTY
def test_response_due_is_that_many_working_days_on(raised: date, n: int) -> None:
    due = default_response_due(raised, Rules(challenge_response_working_days=n))
    assert is_working_day(due)
    assert working_days_between(raised, due) == n
    assert due > raised


def test_state() -> None:
    assert challenge_state(None, False) is ChallengeState.OPEN
    assert challenge_state(None, True) is ChallengeState.OPEN
    assert challenge_state(date(2026, 11, 1), True) is ChallengeState.ESCALATED
    assert challenge_state(date(2026, 11, 1), False) is ChallengeState.RESOLVED


@pytest.mark.parametrize(
    ("today", "overdue", "status"),
    [
        (date(2026, 11, 30), 0, "2 working days left"),
        (date(2026, 12, 1), 0, "1 working day left"),
        (date(2026, 12, 2), 0, "due today"),
        (date(2026, 12, 3), 1, "overdue by 1 working day"),
        (date(2026, 12, 5), 2, "overdue by 2 working days"),  # Saturday after: still 2
        (date(2026, 12, 7), 3, "overdue by 3 working days"),
    ],
)
def test_overdue_counts_working_days_after_the_due_date(
    today: date, overdue: int, status: str
) -> None:
    due = date(2026, 12, 2)
    assert days_overdue(due, None, today) == overdue
    assert response_status(due, None, today) == status


def test_a_closed_challenge_is_never_overdue() -> None:
    due = date(2026, 12, 2)
    assert days_overdue(due, date(2026, 12, 10), date(2027, 1, 5)) == 0
    assert response_status(due, date(2026, 12, 10), date(2027, 1, 5)) == ""


def test_due_on_a_closed_day_is_overdue_from_the_next_working_day() -> None:
    # Due on a Saturday (typed by hand): Sunday is overdue by one day, never zero.
    assert days_overdue(date(2026, 11, 28), None, date(2026, 11, 29)) == 1


# --- figures ----------------------------------------------------------------------------------

START, END = date(2026, 7, 1), date(2026, 9, 30)
TODAY = date(2026, 11, 25)


def fact(
    raised: date,
    *,
    level: str = "practice",
    category: str = "visits",
    resolved: date | None = None,
    escalated: bool = False,
    first: date | None = None,
    due: date | None = None,
    escalation: bool = False,
) -> ChallengeFact:
    return ChallengeFact(
        level=level,
        category=category,
        raised_on=raised,
        response_due=due or default_response_due(raised),
        resolved_on=resolved,
        escalated=escalated,
        first_raised_on=first or raised,
        escalation=escalation,
    )


def line(figures, code: str):  # type: ignore[no-untyped-def]
    return next(x for x in (*figures.by_level, *figures.by_category) if x.code == code)


def test_figures_count_each_level_of_an_escalated_challenge() -> None:
    facts = [
        # raised 1 July, escalated 8 July, resolved 20 July: 19 days from first raised
        fact(date(2026, 7, 1), resolved=date(2026, 7, 8), escalated=True),
        fact(
            date(2026, 7, 8),
            level="professional",
            resolved=date(2026, 7, 20),
            first=date(2026, 7, 1),
            escalation=True,
        ),
        # resolved at practice level in 4 days
        fact(date(2026, 8, 3), category="plan_delay", resolved=date(2026, 8, 7)),
        # still open at the end of the period, overdue
        fact(date(2026, 9, 1), category="plan_delay"),
        # closed after the period: open (and overdue) as at 30 September
        fact(date(2026, 9, 28), resolved=date(2026, 10, 20)),
        # outside the period
        fact(date(2026, 6, 30), resolved=date(2026, 7, 3)),
        fact(date(2026, 10, 1)),
    ]
    figures = summarise_challenges(facts, START, END, TODAY)
    assert figures.as_at == END
    practice = line(figures, "practice")
    assert (practice.challenges, practice.escalations) == (4, 0)
    assert (practice.open, practice.escalated_further, practice.resolved) == (2, 1, 1)
    assert practice.overdue == 1  # the 28 September one is due 5 October, after the end
    assert practice.average_days == 4
    professional = line(figures, "professional")
    assert (professional.challenges, professional.escalations) == (0, 1)
    assert (professional.resolved, professional.average_days) == (1, 19)
    assert line(figures, "team_manager").levels == 0
    assert line(figures, "team_manager").average_days is None
    plan = line(figures, "plan_delay")
    assert (plan.challenges, plan.open, plan.resolved) == (2, 1, 1)
    total = figures.total
    # Four challenges (the escalated one once) and one escalation: five levels raised.
    assert (total.challenges, total.escalations, total.levels) == (4, 1, 5)
    assert (total.open, total.overdue, total.escalated_further, total.resolved) == (2, 1, 1, 2)
    assert total.average_days == pytest.approx((19 + 4) / 2)
    assert [x.code for x in figures.by_level] == [lvl.value for lvl in ChallengeLevel]
    assert [x.code for x in figures.by_category] == [c.value for c in ChallengeCategory]


def test_a_period_still_running_is_taken_as_it_stands_today() -> None:
    facts = [fact(date(2026, 11, 2)), fact(date(2026, 11, 23))]
    figures = summarise_challenges(facts, date(2026, 10, 1), date(2026, 12, 31), TODAY)
    assert figures.as_at == TODAY
    assert (figures.total.open, figures.total.overdue) == (2, 1)  # 23 Nov is due 30 Nov


def test_a_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        summarise_challenges([], END, START, TODAY)


levels = st.sampled_from([lvl.value for lvl in ChallengeLevel])
categories = st.sampled_from([c.value for c in ChallengeCategory])


@st.composite
def facts_strategy(draw: st.DrawFn) -> ChallengeFact:
    raised = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)))
    closed = draw(st.none() | st.integers(min_value=0, max_value=90))
    resolved = None if closed is None else raised + timedelta(days=closed)
    first = raised - timedelta(days=draw(st.integers(min_value=0, max_value=60)))
    return fact(
        raised,
        level=draw(levels),
        category=draw(categories),
        resolved=resolved,
        escalated=resolved is not None and draw(st.booleans()),
        first=first,
        escalation=draw(st.booleans()),
    )


@given(st.lists(facts_strategy(), max_size=40), dates, st.integers(min_value=0, max_value=400))
@PROPERTY
def test_figures_add_up(facts: list[ChallengeFact], start: date, length: int) -> None:
    end = start + timedelta(days=length)
    figures = summarise_challenges(facts, start, end, TODAY)
    total = figures.total
    shown = [f for f in facts if start <= f.raised_on <= end]
    assert total.challenges == sum(1 for f in shown if not f.escalation)
    assert total.escalations == sum(1 for f in shown if f.escalation)
    assert total.levels == len(shown) == total.open + total.escalated_further + total.resolved
    assert total.overdue <= total.open
    names = ("challenges", "escalations", "open", "overdue", "escalated_further", "resolved")
    for lines in (figures.by_level, figures.by_category):
        for name in (*names, "days_to_resolution"):
            assert sum(getattr(x, name) for x in lines) == getattr(total, name)
    if total.resolved:
        assert total.average_days is not None and total.average_days >= 0
