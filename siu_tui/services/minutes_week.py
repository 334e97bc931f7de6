"""The week view of the minutes workflow, the managers' weekly reviews, and the minutes
figures for any period.

A unit with a hundred thousand conferences has a few hundred in a busy week and a couple of
thousand minutes tasks falling due in it, so the week is read in two steps: first the keys of
every task in the week (minutes id, step, deadline, done date) from the minutes indexes alone
(a deadline range for the week, and for tasks carried into it the done-date indexes, where
"not done" sorts first), which is enough to count the summary line; then the full rows of
one page of them. Conferences are read a page at a time by keyset. Measured on
``siu demo --conferences 100000`` by ``bench/bench_week.py``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, literal, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import Conference, Family, Minutes, MinutesWeekReview, Staff
from siu_tui.domain.codes import ConferenceStatus, ConferenceType, MinutesStage
from siu_tui.domain.dates import format_date
from siu_tui.domain.minutes import (
    TASK_ORDER,
    DistributionFigures,
    MinutesTask,
    WeekCounts,
    count_week,
    days_overdue,
    distribution_figures,
    task_state,
)
from siu_tui.domain.periods import Period, week_of
from siu_tui.services import audit
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError

PAGE = 100
MAX_PAGE = 500
RECENT_WEEKS = 6
"""How many weeks before the one shown the review line covers."""

_holder = aliased(Staff, name="holder")
_chair = aliased(Staff, name="chair")
_clerk = aliased(Staff, name="clerk")

_TASK_COLUMNS: tuple[tuple[MinutesTask, Any, Any], ...] = (
    (MinutesTask.DECISION_LETTER, Minutes.decision_letter_due, Minutes.decision_letter_at),
    (MinutesTask.DRAFT, Minutes.draft_due, Minutes.draft_to_chair_at),
    (MinutesTask.DISTRIBUTION, Minutes.distribution_due, Minutes.distributed_at),
)


@dataclass(frozen=True, slots=True)
class WeekFilter:
    """Narrow the week to one clerk's or one chair's conferences (both may be set)."""

    clerk_id: str | None = None
    chair_id: str | None = None


@dataclass(frozen=True, slots=True, order=True)
class TaskKey:
    """Just enough of a task to count and order it; sorted by deadline, then step."""

    due: date
    order: int
    minutes_id: str
    task: str
    done: date | None


@dataclass(frozen=True, slots=True)
class WeekTask:
    """One minutes task as the week view lists it."""

    minutes_id: str
    conference_id: str
    task: str
    task_label: str
    due: date
    done: date | None
    state: str
    state_label: str
    days_overdue: int
    carried: bool
    """Due before the week and still undone when it began."""
    stage: str
    stage_label: str
    holder: str
    family: str
    conference_reference: str
    conference_date: date
    chair: str
    clerk: str
    returned_note: str | None


@dataclass(frozen=True, slots=True)
class WeekConference:
    id: str
    reference: str
    date: date
    start_time: time
    type_label: str
    status: str
    status_label: str
    family: str
    chair: str
    clerk: str
    minutes_stage: str | None
    minutes_stage_label: str


@dataclass(frozen=True, slots=True)
class WeekReview:
    week_start: date
    reviewed_by: str
    reviewed_at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class ConferenceCursor:
    date: date
    start_time: time
    id: str


@dataclass(frozen=True, slots=True)
class WeekView:
    """One working week: its conferences (first page), its minutes tasks (all keys, first
    page of rows), the summary line, and the manager's review."""

    week: Period
    today: date
    conferences: list[WeekConference]
    conferences_total: int
    conference_cursor: ConferenceCursor | None
    """Where the next page of conferences starts; None when this page was the last."""
    task_keys: list[TaskKey]
    tasks: list[WeekTask]
    counts: WeekCounts
    review: WeekReview | None
    recent_reviews: list[tuple[date, WeekReview | None]]
    """The weeks before this one, oldest first, and whether each was reviewed."""

    @property
    def is_current(self) -> bool:
        return self.week.start <= self.today <= self.week.start + timedelta(days=6)


def week_start(day: date) -> date:
    """The Monday of the week a day falls in (a weekend belongs to the week just ended)."""
    return week_of(day).start


# --- Tasks ----------------------------------------------------------------------------------


def _filtered(query: Any, flt: WeekFilter) -> Any:
    if flt.clerk_id is None and flt.chair_id is None:
        return query
    query = query.join(Conference, col(Conference.id) == Minutes.conference_id)
    if flt.clerk_id is not None:
        query = query.where(Conference.clerk_id == flt.clerk_id)
    if flt.chair_id is not None:
        query = query.where(Conference.chair_id == flt.chair_id)
    return query


def task_keys(
    session: Session, start: date, end: date, today: date, flt: WeekFilter = WeekFilter()
) -> list[TaskKey]:
    """Every task ``domain.minutes.in_week`` puts in the week, as keys in deadline order.

    One statement of nine indexed parts, three per step: due in the week; due before it and
    still not done; due before it and done since it began.
    """
    carried_before = min(start, today)
    parts = []
    for task, due, done in _TASK_COLUMNS:
        base = _filtered(select(col(Minutes.id), literal(task.value).label("task"), due, done), flt)
        parts.append(base.where(due >= start, due <= end))
        parts.append(base.where(col(done).is_(None), due < carried_before))
        parts.append(base.where(done >= start, due < start))
    keys = [
        TaskKey(due_at, TASK_ORDER[task], minutes_id, task, done_at)
        for minutes_id, task, due_at, done_at in session.connection().execute(union_all(*parts))
    ]
    keys.sort()
    return keys


def task_rows(session: Session, keys: list[TaskKey], start: date, today: date) -> list[WeekTask]:
    """The full rows for a page of keys, in the keys' order (one query)."""
    if not keys:
        return []
    ids = sorted({k.minutes_id for k in keys})
    query = (
        select(
            Minutes.id,
            Minutes.conference_id,
            Minutes.stage,
            Minutes.returned_note,
            _holder.name,
            Conference.reference,
            Conference.date,
            Family.name,
            _chair.name,
            _clerk.name,
        )
        .join(Conference, col(Conference.id) == Minutes.conference_id)
        .join(Family, col(Family.id) == Conference.family_id)
        .outerjoin(_holder, col(_holder.id) == Minutes.holder_id)
        .outerjoin(_chair, col(_chair.id) == Conference.chair_id)
        .outerjoin(_clerk, col(_clerk.id) == Conference.clerk_id)
        .where(col(Minutes.id).in_(ids))
    )
    details = {row[0]: row for row in session.connection().execute(query)}
    out = []
    for key in keys:
        row = details.get(key.minutes_id)
        if row is None:  # removed since the keys were read
            continue
        _, conference_id, stage, note, holder, reference, held, family, chair, clerk = row
        state = task_state(key.due, key.done, today)
        out.append(
            WeekTask(
                minutes_id=key.minutes_id,
                conference_id=conference_id,
                task=key.task,
                task_label=MinutesTask(key.task).label,
                due=key.due,
                done=key.done,
                state=state.value,
                state_label=state.label,
                days_overdue=days_overdue(key.due, key.done, today),
                carried=key.due < start,
                stage=stage,
                stage_label=MinutesStage(stage).label,
                holder=holder or "—",
                family=family,
                conference_reference=reference,
                conference_date=held,
                chair=chair or "—",
                clerk=clerk or "—",
                returned_note=note,
            )
        )
    return out


def week_tasks_page(
    desk: Desk, keys: list[TaskKey], start: date, offset: int, limit: int = PAGE
) -> list[WeekTask]:
    """Another page of a week's tasks from the keys ``week_view`` returned."""
    limit = max(1, min(limit, MAX_PAGE))
    with desk.store.read() as session:
        return task_rows(session, keys[offset : offset + limit], start, clock.today())


# --- Conferences ----------------------------------------------------------------------------


def _conference_query(start: date, end: date, flt: WeekFilter) -> Any:
    query = (
        select(
            Conference.id,
            Conference.reference,
            Conference.date,
            Conference.start_time,
            Conference.type,
            Conference.status,
            Family.name,
            _chair.name,
            _clerk.name,
            Minutes.stage,
        )
        .join(Family, col(Family.id) == Conference.family_id)
        .outerjoin(_chair, col(_chair.id) == Conference.chair_id)
        .outerjoin(_clerk, col(_clerk.id) == Conference.clerk_id)
        .outerjoin(Minutes, col(Minutes.conference_id) == Conference.id)
    )
    return _conference_where(query, start, end, flt)


def _conference_where(query: Any, start: date, end: date, flt: WeekFilter) -> Any:
    query = query.where(col(Conference.date) >= start, col(Conference.date) <= end).where(
        Conference.status != ConferenceStatus.CANCELLED.value
    )
    if flt.clerk_id is not None:
        query = query.where(Conference.clerk_id == flt.clerk_id)
    if flt.chair_id is not None:
        query = query.where(Conference.chair_id == flt.chair_id)
    return query


def _conferences(
    session: Session,
    start: date,
    end: date,
    flt: WeekFilter,
    after: ConferenceCursor | None,
    limit: int,
) -> tuple[list[WeekConference], ConferenceCursor | None]:
    query = _conference_query(start, end, flt)
    if after is not None:
        query = query.where(
            (col(Conference.date) > after.date)
            | and_(
                col(Conference.date) == after.date, col(Conference.start_time) > after.start_time
            )
            | and_(
                col(Conference.date) == after.date,
                col(Conference.start_time) == after.start_time,
                col(Conference.id) > after.id,
            )
        )
    query = query.order_by(
        col(Conference.date), col(Conference.start_time), col(Conference.id)
    ).limit(limit + 1)
    rows = session.connection().execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    out = [
        WeekConference(
            id=cid,
            reference=reference,
            date=when,
            start_time=start_time,
            type_label=ConferenceType(ctype).label,
            status=status,
            status_label=ConferenceStatus(status).label,
            family=family,
            chair=chair or "—",
            clerk=clerk or "—",
            minutes_stage=stage,
            minutes_stage_label=MinutesStage(stage).label if stage else "",
        )
        for cid, reference, when, start_time, ctype, status, family, chair, clerk, stage in rows
    ]
    cursor = None
    if more and out:
        last = out[-1]
        cursor = ConferenceCursor(last.date, last.start_time, last.id)
    return out, cursor


def week_conferences_page(
    desk: Desk,
    start: date,
    after: ConferenceCursor,
    flt: WeekFilter = WeekFilter(),
    limit: int = PAGE,
) -> tuple[list[WeekConference], ConferenceCursor | None]:
    """The next page of the week's conferences after ``after``."""
    limit = max(1, min(limit, MAX_PAGE))
    with desk.store.read() as session:
        return _conferences(session, start, start + timedelta(days=4), flt, after, limit)


# --- Reviews --------------------------------------------------------------------------------


def _review(row: MinutesWeekReview) -> WeekReview:
    return WeekReview(row.week_start, row.reviewed_by, row.reviewed_at, row.note)


def _reviews(session: Session, first: date, last: date) -> dict[date, WeekReview]:
    rows = session.exec(
        select(MinutesWeekReview).where(
            col(MinutesWeekReview.week_start) >= first, col(MinutesWeekReview.week_start) <= last
        )
    )
    return {row.week_start: _review(row) for row in rows}


def review_week(desk: Desk, day: date, note: str) -> WeekReview:
    """A manager marks the week of ``day`` reviewed, with a note of what they found. Marking
    it again replaces the note (the history keeps the old one). A week that has not started
    cannot be reviewed."""
    start = week_start(day)
    note = note.strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = "Write a note on the week: what was found, what was chased"
    if start > clock.today():
        errors["week"] = f"The week commencing {format_date(start)} has not started yet"
    if errors:
        raise ValidationError(errors)
    with desk.store.write() as session:
        row = session.exec(
            select(MinutesWeekReview).where(MinutesWeekReview.week_start == start)
        ).first()
        before = audit.snapshot(row) if row is not None else None
        if row is None:
            row = MinutesWeekReview(
                week_start=start, reviewed_by=desk.actor, reviewed_at=clock.now(), note=note
            )
        else:
            row.reviewed_by, row.reviewed_at, row.note = desk.actor, clock.now(), note
        session.add(row)
        audit.record(
            session, desk.actor, "review week" if before is None else "review week again", row,
            before=before,
        )  # fmt: skip
        return _review(row)


# --- The week -------------------------------------------------------------------------------


def week_view(
    desk: Desk,
    day: date,
    flt: WeekFilter = WeekFilter(),
    *,
    today: date | None = None,
    limit: int = PAGE,
) -> WeekView:
    """The Monday-to-Friday week ``day`` falls in, as the week view shows it."""
    today = today or clock.today()
    week = week_of(day)
    limit = max(1, min(limit, MAX_PAGE))
    with desk.store.read() as session:
        keys = task_keys(session, week.start, week.end, today, flt)
        tasks = task_rows(session, keys[:limit], week.start, today)
        conferences, cursor = _conferences(session, week.start, week.end, flt, None, limit)
        total = len(conferences)
        if cursor is not None:
            count = _conference_where(
                select(func.count()).select_from(Conference), week.start, week.end, flt
            )
            total = session.exec(count).one()
        first = week.start - timedelta(weeks=RECENT_WEEKS)
        reviews = _reviews(session, first, week.start)
    recent = [
        (first + timedelta(weeks=n), reviews.get(first + timedelta(weeks=n)))
        for n in range(RECENT_WEEKS)
    ]
    return WeekView(
        week=week,
        today=today,
        conferences=conferences,
        conferences_total=total,
        conference_cursor=cursor,
        task_keys=keys,
        tasks=tasks,
        counts=count_week(((k.due, k.done) for k in keys), week.start, week.end, today),
        review=reviews.get(week.start),
        recent_reviews=recent,
    )


# --- Figures --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChairFigures:
    chair_id: str | None
    chair: str
    figures: DistributionFigures


@dataclass(frozen=True, slots=True)
class MinutesFigures:
    """Minutes of the conferences held in a period: in time, late, outstanding, by chair."""

    start: date
    end: date
    today: date
    overall: DistributionFigures
    by_chair: list[ChairFigures]


def minutes_figures(
    desk: Desk, start: date, end: date, *, today: date | None = None
) -> MinutesFigures:
    """Figures for the minutes of conferences held from ``start`` to ``end`` (both included),
    each judged as it stands ``today``; by chair in name order (no chair last). The annual
    report uses this too."""
    if end < start:
        raise ValidationError.single("end", "The period ends before it starts")
    today = today or clock.today()
    query = (
        select(
            Conference.chair_id,
            Staff.name,
            Conference.date,
            Minutes.distribution_due,
            Minutes.distributed_at,
        )
        .join(Minutes, col(Minutes.conference_id) == Conference.id)
        .outerjoin(Staff, col(Staff.id) == Conference.chair_id)
        .where(Conference.status == ConferenceStatus.HELD.value)
        .where(col(Conference.date) >= start, col(Conference.date) <= end)
    )
    everyone: list[tuple[date, date, date | None]] = []
    chairs: dict[str | None, list[tuple[date, date, date | None]]] = defaultdict(list)
    names: dict[str | None, str] = {}
    with desk.store.read() as session:
        for chair_id, name, held, due, distributed in session.connection().execute(query):
            row = (held, due, distributed)
            everyone.append(row)
            chairs[chair_id].append(row)
            names[chair_id] = name or "No chair recorded"
    by_chair = [
        ChairFigures(chair_id, names[chair_id], distribution_figures(rows, today))
        for chair_id, rows in chairs.items()
    ]
    by_chair.sort(key=lambda c: (c.chair_id is None, c.chair.lower()))
    return MinutesFigures(start, end, today, distribution_figures(everyone, today), by_chair)
