"""The week view's contents, the managers' reviews and the minutes figures, on real SQLite.

Today is Wednesday 25 November 2026. The weeks used: 16-20 November (last week), 23-27
November (this week) and 30 November-4 December (next week).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlmodel import select

from siu_tui import clock
from siu_tui.db.models import Conference, Minutes
from siu_tui.domain.minutes import WeekCounts, in_week
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.minutes_week import (
    WeekFilter,
    minutes_figures,
    review_week,
    task_keys,
    week_conferences_page,
    week_tasks_page,
    week_view,
)
from siu_tui.services.people import add_staff

from .conftest import ACTOR, Event, People
from .helpers import history_conference

TODAY = date(2026, 11, 25)
LAST_WEEK = date(2026, 11, 16)
THIS_WEEK = date(2026, 11, 23)
NEXT_WEEK = date(2026, 11, 30)
EARLY = date(2026, 10, 1)
"""Letters and drafts due and done long before the weeks looked at, so only the distribution
task of each minutes row below is in play."""


def minutes(
    desk: Desk,
    people: People,
    *,
    due: date,
    done: date | None,
    chair_id: str | None = None,
    clerk_id: str | None = None,
    held_on: date = date(2026, 10, 30),
    stage: str | None = None,
    reference: str,
) -> str:
    conference_id = history_conference(
        desk, people.family, [people.amy], held_on, chair_id=chair_id, reference=reference
    )
    with desk.store.write() as session:
        conference = session.get(Conference, conference_id)
        assert conference is not None
        conference.clerk_id = clerk_id
        session.add(conference)
        session.add(
            Minutes(
                conference_id=conference_id,
                stage=stage or ("distributed" if done else "approved"),
                holder_id=clerk_id,
                decision_letter_due=EARLY,
                decision_letter_at=EARLY,
                draft_due=EARLY,
                draft_to_chair_at=EARLY,
                approved_at=EARLY,
                distribution_due=due,
                distributed_at=done,
            )
        )
    return conference_id


def test_the_week_boundary(desk: Desk, people: People) -> None:
    """Friday's task belongs to its week, Monday's to the next; a task undone when a week
    begins is carried into it, and stays in the week it fell due."""
    late_monday = minutes(
        desk, people, due=date(2026, 11, 20), done=date(2026, 11, 23), reference="LATE-MON"
    )
    undone = minutes(desk, people, due=date(2026, 11, 20), done=None, reference="UNDONE")
    monday = minutes(
        desk, people, due=date(2026, 11, 23), done=date(2026, 11, 23), reference="MONDAY"
    )
    friday = minutes(desk, people, due=date(2026, 11, 27), done=None, reference="FRIDAY")
    thursday = minutes(
        desk, people, due=date(2026, 11, 19), done=date(2026, 11, 19), reference="THURSDAY"
    )

    def shown(day: date) -> dict[str, tuple[str, int, bool]]:
        view = week_view(desk, day)
        return {t.conference_reference: (t.state, t.days_overdue, t.carried) for t in view.tasks}

    assert shown(date(2026, 11, 20)) == {
        "THURSDAY": ("on_time", 0, False),
        "LATE-MON": ("late", 1, False),
        "UNDONE": ("overdue", 3, False),
    }
    # Any day of the week (the weekend too) shows the same week.
    assert shown(THIS_WEEK) == shown(date(2026, 11, 29)) == shown(date(2026, 11, 27))
    assert shown(THIS_WEEK) == {
        "LATE-MON": ("late", 1, True),
        "UNDONE": ("overdue", 3, True),
        "MONDAY": ("on_time", 0, False),
        "FRIDAY": ("due", 0, False),
    }
    # Next week: only what is overdue already, not what is merely due before it.
    assert shown(NEXT_WEEK) == {"UNDONE": ("overdue", 3, True)}

    view = week_view(desk, THIS_WEEK)
    assert view.counts == WeekCounts(due=2, carried=2, on_time=1, late=1, overdue=1, not_yet_due=1)
    assert [t.conference_reference for t in view.tasks] == [
        "LATE-MON",
        "UNDONE",
        "MONDAY",
        "FRIDAY",
    ]
    assert {t.conference_id for t in view.tasks} == {late_monday, undone, monday, friday}
    assert thursday not in {t.conference_id for t in view.tasks}
    assert view.is_current and not week_view(desk, LAST_WEEK).is_current


def test_the_week_lists_every_step_with_its_stage_and_holder(desk: Desk, people: People) -> None:
    conference_id = history_conference(
        desk, people.family, [people.amy], date(2026, 11, 20), chair_id=people.iro
    )
    with desk.store.write() as session:
        session.add(
            Minutes(
                conference_id=conference_id,
                stage="with_chair",
                holder_id=people.iro,
                decision_letter_due=date(2026, 11, 23),
                decision_letter_at=None,
                draft_due=date(2026, 11, 27),
                draft_to_chair_at=date(2026, 11, 24),
                distribution_due=date(2026, 12, 11),
            )
        )
    view = week_view(desk, TODAY)
    assert [(t.task_label, t.state, t.days_overdue) for t in view.tasks] == [
        ("Decision letter", "overdue", 2),
        ("Draft to chair", "on_time", 0),
    ]
    assert {(t.stage_label, t.holder, t.chair, t.family) for t in view.tasks} == {
        ("With chair", "Iris Reed", "Iris Reed", "Smith")
    }


def test_filters_by_clerk_and_by_chair(desk: Desk, people: People) -> None:
    other_iro = add_staff(desk, "Olive Other", "iro")
    other_clerk = add_staff(desk, "Clara Other", "clerk")
    for n, (chair, clerk) in enumerate(
        [(people.iro, people.clerk), (people.iro, other_clerk), (other_iro, other_clerk)]
    ):
        minutes(
            desk,
            people,
            due=TODAY,
            done=None,
            chair_id=chair,
            clerk_id=clerk,
            held_on=date(2026, 11, 20),
            reference=f"F{n}",
        )

    def refs(flt: WeekFilter) -> tuple[list[str], list[str]]:
        view = week_view(desk, TODAY, flt)
        return sorted(t.conference_reference for t in view.tasks), sorted(
            c.reference for c in week_view(desk, date(2026, 11, 20), flt).conferences
        )

    assert refs(WeekFilter()) == (["F0", "F1", "F2"], ["F0", "F1", "F2"])
    assert refs(WeekFilter(chair_id=people.iro)) == (["F0", "F1"], ["F0", "F1"])
    assert refs(WeekFilter(clerk_id=other_clerk)) == (["F1", "F2"], ["F1", "F2"])
    assert refs(WeekFilter(clerk_id=other_clerk, chair_id=people.iro)) == (["F1"], ["F1"])


def test_the_week_s_tasks_are_exactly_those_the_rule_chooses(desk: Desk, people: People) -> None:
    """Random deadlines and done dates around three weeks: the indexed query and the rule in
    ``domain.minutes.in_week`` agree on every week and every step."""
    rng = random.Random(7)
    base = date(2026, 11, 2)
    rows: dict[str, tuple[date, date | None]] = {}
    for n in range(60):
        due = base + timedelta(days=rng.randrange(35))
        done = None
        if rng.random() < 0.6:
            done = min(due + timedelta(days=rng.randrange(-5, 12)), TODAY)
        conference_id = minutes(desk, people, due=due, done=done, reference=f"R{n:02d}")
        rows[conference_id] = (due, done)
    with desk.store.read() as session:
        ids = {m.id: m.conference_id for m in session.exec(select(Minutes))}
        for monday in (date(2026, 11, 9), LAST_WEEK, THIS_WEEK, NEXT_WEEK, date(2026, 12, 7)):
            friday = monday + timedelta(days=4)
            got = {
                ids[k.minutes_id]
                for k in task_keys(session, monday, friday, TODAY)
                if k.task == "distribution"
            }
            expected = {
                cid
                for cid, (due, done) in rows.items()
                if in_week(due, done, monday, friday, TODAY)
            }
            assert got == expected, monday


def test_tasks_and_conferences_come_a_page_at_a_time(desk: Desk, people: People) -> None:
    for n in range(7):
        minutes(
            desk,
            people,
            due=THIS_WEEK + timedelta(days=n % 5),
            done=None,
            held_on=LAST_WEEK + timedelta(days=n % 5),
            reference=f"P{n}",
        )
    view = week_view(desk, TODAY, limit=3)
    assert len(view.task_keys) == 7 and len(view.tasks) == 3
    rest = week_tasks_page(desk, view.task_keys, view.week.start, 3, limit=3)
    last = week_tasks_page(desk, view.task_keys, view.week.start, 6, limit=3)
    assert len(rest) == 3 and len(last) == 1
    dues = [t.due for t in view.tasks + rest + last]
    assert dues == sorted(dues)

    week = week_view(desk, LAST_WEEK, limit=3)
    assert week.conferences_total == 7 and len(week.conferences) == 3
    assert week.conference_cursor is not None
    seen = [c.reference for c in week.conferences]
    cursor = week.conference_cursor
    while cursor is not None:
        page, cursor = week_conferences_page(desk, LAST_WEEK, cursor, limit=3)
        seen += [c.reference for c in page]
    assert sorted(seen) == [f"P{n}" for n in range(7)]
    assert len(set(seen)) == 7


def test_cancelled_conferences_are_left_out_and_stages_shown(desk: Desk, people: People) -> None:
    minutes(desk, people, due=NEXT_WEEK, done=None, held_on=THIS_WEEK, reference="HELD")
    history_conference(
        desk, people.family, [people.amy], THIS_WEEK, status="cancelled", reference="CANCELLED"
    )
    history_conference(
        desk, people.family, [people.amy], TODAY, status="booked", reference="BOOKED"
    )
    view = week_view(desk, TODAY)
    assert [(c.reference, c.status_label, c.minutes_stage_label) for c in view.conferences] == [
        ("HELD", "Held", "Approved"),
        ("BOOKED", "Booked", ""),
    ]


# --- Reviews --------------------------------------------------------------------------------


def test_a_manager_reviews_a_week_with_a_note(
    desk: Desk, audit_events: Callable[..., list[Event]]
) -> None:
    assert week_view(desk, LAST_WEEK).review is None
    review = review_week(desk, date(2026, 11, 18), "  Two distributions chased.  ")
    assert (review.week_start, review.reviewed_by, review.note) == (
        LAST_WEEK,
        ACTOR,
        "Two distributions chased.",
    )
    view = week_view(desk, LAST_WEEK)
    assert view.review == review
    assert week_view(desk, THIS_WEEK).recent_reviews[-1] == (LAST_WEEK, review)
    assert [w for w, _ in week_view(desk, THIS_WEEK).recent_reviews] == [
        THIS_WEEK - timedelta(weeks=n) for n in range(6, 0, -1)
    ]

    again = Desk(desk.store, "manager.mo")
    review_week(again, LAST_WEEK, "All distributed by Friday.")
    assert week_view(desk, LAST_WEEK).review is not None
    assert week_view(desk, LAST_WEEK).review.reviewed_by == "manager.mo"  # type: ignore[union-attr]
    events = audit_events("minutes_week_review")
    assert [e.action for e in events] == ["review week", "review week again"]
    assert events[1].before is not None and events[1].after is not None
    assert events[1].before["note"] == "Two distributions chased."
    assert events[1].after["note"] == "All distributed by Friday."


def test_a_review_needs_a_note_and_a_week_that_has_started(
    desk: Desk, audit_events: Callable[..., list[Event]]
) -> None:
    with pytest.raises(ValidationError) as caught:
        review_week(desk, NEXT_WEEK, " ")
    assert set(caught.value.errors) == {"note", "week"}
    assert "30/11/2026 has not started yet" in caught.value.errors["week"]
    assert audit_events("minutes_week_review") == []
    review_week(desk, TODAY, "Reviewed on Wednesday: on track.")  # this week may be reviewed


# --- Figures --------------------------------------------------------------------------------


def test_minutes_figures_for_a_period_overall_and_by_chair(desk: Desk, people: People) -> None:
    other = add_staff(desk, "Olive Other", "iro")
    # Held Monday 2 November: distribution due Monday 23 November.
    held = date(2026, 11, 2)
    due = date(2026, 11, 23)
    minutes(desk, people, due=due, done=date(2026, 11, 20), held_on=held, chair_id=people.iro,
            reference="A")  # fmt: skip
    minutes(desk, people, due=due, done=date(2026, 11, 24), held_on=held, chair_id=people.iro,
            reference="B")  # fmt: skip
    minutes(desk, people, due=due, done=None, held_on=held, chair_id=other, reference="C")
    minutes(desk, people, due=date(2026, 12, 14), done=None, held_on=date(2026, 11, 20),
            chair_id=other, reference="D")  # fmt: skip
    minutes(desk, people, due=due, done=date(2026, 11, 23), held_on=date(2026, 10, 30),
            chair_id=other, reference="OUTSIDE")  # fmt: skip

    figures = minutes_figures(desk, date(2026, 11, 1), date(2026, 11, 30))
    overall = figures.overall
    assert (overall.conferences, overall.within, overall.late) == (4, 1, 1)
    assert (overall.outstanding, overall.outstanding_overdue) == (2, 1)
    # 2 Nov to 20 Nov is 14 working days; to 24 Nov, 16: 15 on average.
    assert overall.average_working_days == 15.0
    assert overall.within_percent == 50.0
    assert [(c.chair, c.figures.conferences, c.figures.within) for c in figures.by_chair] == [
        ("Iris Reed", 2, 1),
        ("Olive Other", 2, 0),
    ]
    with pytest.raises(ValidationError):
        minutes_figures(desk, date(2026, 11, 30), date(2026, 11, 1))


def test_figures_with_nothing_held_say_so(desk: Desk) -> None:
    clock.set_today(TODAY)
    figures = minutes_figures(desk, date(2026, 4, 1), date(2026, 6, 30))
    assert figures.overall.conferences == 0
    assert figures.overall.average_working_days is None
    assert figures.overall.within_percent is None
    assert figures.by_chair == []
