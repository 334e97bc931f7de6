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

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import String, and_, func, literal, or_, type_coerce, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import Conference, Family, Minutes, MinutesWeekReview, Staff
from siu_tui.domain.codes import ConferenceStatus, ConferenceType, MinutesStage
from siu_tui.domain.dates import format_date
from siu_tui.domain.minutes import (
    TASK_ORDER,
    DistributionFigures,
    DistributionTally,
    MinutesTask,
    WeekCounts,
    count_week,
    days_overdue,
    days_to_distribution,
    task_state,
)
from siu_tui.domain.periods import Period, week_of
from siu_tui.services import audit, fields
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.values import stored_date

PAGE = 60
MAX_PAGE = 500
RECENT_WEEKS = 6
"""How many weeks before the one shown the review line covers."""

SHOWN_STATUSES: tuple[str, ...] = tuple(
    s.value for s in ConferenceStatus if s is not ConferenceStatus.CANCELLED
)
"""The week's conferences: booked, held and stood down (a cancelled one needed no work)."""

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


class TaskKey(NamedTuple):
    """Just enough of a task to count, filter and order it. A plain tuple, so a week's few
    thousand sort by deadline, then step, then key, at C speed."""

    due: date
    order: int
    minutes_id: str
    task: str
    done: date | None
    conference_id: str


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


def _people_conferences(session: Session, flt: WeekFilter) -> set[str] | None:
    """The keys of every conference of the filter's clerk and chair, read from the (clerk_id,
    id) and (chair_id, id) indexes alone; None when there is no filter."""
    chosen: set[str] | None = None
    for column, person in (
        (Conference.clerk_id, flt.clerk_id),
        (Conference.chair_id, flt.chair_id),
    ):
        if person is None:
            continue
        query = select(Conference.id).where(column == person)
        ids = {row[0] for row in session.connection().execute(query).cursor.fetchall()}
        chosen = ids if chosen is None else chosen & ids
    return chosen


def task_keys(
    session: Session, start: date, end: date, today: date, flt: WeekFilter = WeekFilter()
) -> list[TaskKey]:
    """Every task ``domain.minutes.in_week`` puts in the week, as keys in deadline order.

    One statement of nine parts, three per step, each read from a covering index: due in
    the week; due before it and still not done; due before it and done since it began (late,
    so in the partial index of unfinished and late steps, which keeps this part small however
    far back the week is). A clerk or chair filter then keeps the tasks of that person's
    conferences, whose keys come from an index (joining the conference in each part instead
    made the database walk all their conferences once per part).
    """
    carried_before = min(start, today)
    parts = []
    for task, due, done in _TASK_COLUMNS:
        # Dates come back as the driver gives them (ISO text on SQLite): SQLAlchemy's own
        # conversion cost more than the query for a busy week.
        base = select(
            col(Minutes.id),
            literal(task.value).label("task"),
            type_coerce(due, String),
            type_coerce(done, String),
            col(Minutes.conference_id),
        )
        unfinished = or_(col(done).is_(None), done > due)  # the partial index's condition
        parts.append(base.where(due >= start, due <= end))
        parts.append(base.where(unfinished, col(done).is_(None), due < carried_before))
        parts.append(base.where(unfinished, done >= start, due < start))
    # Plain driver rows: a busy week has thousands, and SQLAlchemy's row objects would cost
    # more than the query.
    rows = session.connection().execute(union_all(*parts)).cursor.fetchall()
    keys = [
        TaskKey(
            stored_date(due_at),
            TASK_ORDER[task],
            minutes_id,
            task,
            stored_date(done_at) if done_at else None,
            conference_id,
        )
        for minutes_id, task, due_at, done_at, conference_id in rows
    ]
    chosen = _people_conferences(session, flt)
    if chosen is not None:
        keys = [k for k in keys if k.conference_id in chosen]
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


def _conference_where(
    query: Any, start: date, end: date, flt: WeekFilter, *, counting: bool = False
) -> Any:
    # A page is read in date order from the date index, stopping when full; a count names
    # the statuses instead, so it reads the (status, date) index alone.
    status = (
        col(Conference.status).in_(SHOWN_STATUSES)
        if counting
        else col(Conference.status) != ConferenceStatus.CANCELLED.value
    )
    query = query.where(col(Conference.date) >= start, col(Conference.date) <= end, status)
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
    errors: dict[str, str] = {}
    note = fields.note("note", note, label="The note", errors=errors) or ""
    if not note and "note" not in errors:
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
                select(func.count()).select_from(Conference),
                week.start,
                week.end,
                flt,
                counting=True,
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
            type_coerce(Conference.date, String),
            type_coerce(Minutes.distribution_due, String),
            type_coerce(Minutes.distributed_at, String),
        )
        .join(Minutes, col(Minutes.conference_id) == Conference.id)
        .where(Conference.status == ConferenceStatus.HELD.value)
        .where(col(Conference.date) >= start, col(Conference.date) <= end)
    )
    overall = DistributionTally(today)
    chairs: dict[str | None, DistributionTally] = {}
    with desk.store.read() as session:
        # Plain driver rows: a large unit's year has tens of thousands.
        for chair_id, held, due, distributed in (
            session.connection().execute(query).cursor.fetchall()
        ):
            done = stored_date(distributed) if distributed else None
            days = days_to_distribution(stored_date(held), done)
            deadline = stored_date(due)
            overall.add(deadline, done, days)
            tally = chairs.get(chair_id)
            if tally is None:
                tally = chairs[chair_id] = DistributionTally(today)
            tally.add(deadline, done, days)
        people = [chair_id for chair_id in chairs if chair_id is not None]
        names = dict(
            session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(people))).all()
        )
    by_chair = [
        ChairFigures(
            chair_id,
            names.get(chair_id, "No chair recorded") if chair_id else "No chair recorded",
            tally.figures(),
        )
        for chair_id, tally in chairs.items()
    ]
    by_chair.sort(key=lambda c: (c.chair_id is None, c.chair.lower()))
    return MinutesFigures(start, end, today, overall.figures(), by_chair)
