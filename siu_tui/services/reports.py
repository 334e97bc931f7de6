"""The quarterly and annual thematic report, counted by the database.

Every figure is a GROUP BY: Python sees a few hundred grouped rows, never one row per
conference or child, so the annual report of a large unit (a million conferences) stays a
matter of seconds. The rules the counting follows (groups, bands, rounding, timeliness) come
from ``domain``; only the SQL lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, String, and_, case, func, literal, or_, select, type_coerce, union_all
from sqlalchemy.orm import aliased
from sqlmodel import col

from siu_tui import clock
from siu_tui.db.models import (
    Child,
    ChildProtectionPlan,
    Conference,
    Minutes,
    PlanPeriod,
    SocialWorkerReport,
)
from siu_tui.domain.codes import ConferenceStatus, ConferenceType, ReportTimeliness
from siu_tui.domain.minutes import DistributionTally, days_to_distribution
from siu_tui.domain.periods import quarter
from siu_tui.domain.reports import (
    AGE_KEYS,
    CATEGORY_KEYS,
    ETHNIC_GROUP_KEYS,
    NOT_RECORDED,
    QUARTER_KEYS,
    REASON_KEYS,
    TIMELINESS_KEYS,
    PeriodError,
    ReportPeriod,
    ReportTable,
    age_thresholds,
    category_key,
    ethnic_group,
    percent,
    report_period,
    report_tables,
)
from siu_tui.domain.timescales import report_deadlines
from siu_tui.services.advocacy import advocacy_figures
from siu_tui.services.challenges import challenge_figures
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.standdown import StandDownFilter, late_totals, stood_down_totals
from siu_tui.services.values import stored_date

ProgressFn = Callable[[int, int, str], None]
"""Called as each part of the report is counted: (done, total, what is being counted)."""

_HELD = ConferenceStatus.HELD.value
_INITIAL_TYPES = tuple(t.value for t in ConferenceType if t.is_initial)


@dataclass(frozen=True)
class ThematicReport:
    """A report as counted: the figures (the JSON the command line writes), the snapshot of
    the quarter before for the commentary, and when it was counted."""

    period: ReportPeriod
    figures: dict[str, Any]
    previous: dict[str, Any] = field(default_factory=dict)
    counted_on: date = field(default_factory=clock.today)

    def tables(self) -> list[ReportTable]:
        return report_tables(self.figures, self.previous)

    def as_json(self) -> dict[str, Any]:
        return self.figures


def parse_period(kind: str, year: int | str, quarter_number: int | str | None) -> ReportPeriod:
    """The period a clerk typed or chose, or a ValidationError naming the field at fault."""
    try:
        year_value = int(year)
    except (TypeError, ValueError):
        raise ValidationError.single("year", f"{year!r} is not a year, e.g. 2025") from None
    q: int | None = None
    if quarter_number not in (None, ""):
        try:
            q = int(quarter_number)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError.single("quarter", "A quarter is 1, 2, 3 or 4") from None
        if q not in (1, 2, 3, 4):
            raise ValidationError.single("quarter", "A quarter is 1, 2, 3 or 4")
    try:
        return report_period(kind, year_value, q)
    except PeriodError as exc:
        raise ValidationError.single(exc.field, str(exc)) from None


def thematic_report(
    desk: Desk,
    kind: str,
    year: int,
    quarter_number: int | None = None,
    *,
    progress: ProgressFn | None = None,
) -> ThematicReport:
    """Count the report for a council year (``kind`` "annual") or one quarter of it."""
    period = parse_period(kind, year, quarter_number)
    figures: dict[str, Any] = {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()}
    }
    previous: dict[str, Any] = {}
    start, end = period.start, period.end

    def activity() -> None:
        figures["conference_activity"] = conference_activity(desk, start, end)

    snapshots: dict[int, Snapshot] = {}
    days = {q: quarter(period.year, q).end for q in period.quarters}
    if len(period.quarters) == 1:  # its commentary compares with the quarter before
        year_before, q_before = period.previous_quarter()
        days[0] = quarter(year_before, q_before).end

    def plans() -> None:
        snapshots.update(zip(days, plans_on(desk, list(days.values())), strict=True))

    def ended() -> None:
        figures["plans_ended"] = plans_ended(desk, start, end)

    def timeliness() -> None:
        both = report_timeliness(desk, start, end)
        figures["report_to_parents"] = both["parents"]
        figures["report_to_chair"] = both["chair"]

    def late() -> None:
        figures["held_after_deadline"] = held_after_deadline(desk, start, end)
        totals = stood_down_totals(desk, StandDownFilter(date_from=start, date_to=end))
        figures["stood_down"] = {
            "total": totals.total,
            "by_reason": {reason.value: n for reason, n in totals.by_reason},
        }

    def others() -> None:
        figures["advocacy"] = advocacy_figures(desk, start, end).as_dict()
        figures["challenges"] = _challenges(desk, start, end)
        figures["minutes"] = _minutes(desk, start, end)

    steps = [
        ("Children on a plan at each quarter-end", plans),
        ("Report timeliness", timeliness),
        ("Advocacy, challenges and minutes", others),
        ("Conference activity", activity),
        ("Plans ended", ended),
        ("Late and stood-down conferences", late),
    ]
    _run_parts(steps, progress)
    for q in period.quarters:
        key = QUARTER_KEYS[q - 1]
        categories, ethnicity, ages = snapshots[q]
        figures.setdefault("plans_by_category", {})[key] = categories
        figures.setdefault("plans_by_ethnicity", {})[key] = ethnicity
        figures.setdefault("plans_by_age", {})[key] = ages
    if 0 in snapshots:
        previous.update(zip(("plans_by_category", "plans_by_ethnicity", "plans_by_age"),
                            snapshots[0], strict=True))  # fmt: skip
    order = (
        "period",
        "conference_activity",
        "plans_by_category",
        "plans_by_ethnicity",
        "plans_by_age",
        "plans_ended",
        "report_to_parents",
        "report_to_chair",
        "held_after_deadline",
        "stood_down",
        "advocacy",
        "challenges",
        "minutes",
    )
    return ThematicReport(period, {k: figures[k] for k in order}, previous)


PARALLEL_QUERIES = 3
"""Parts of the report counted at once: the database does the work and releases the GIL
while it does, so a second core (and the disk's queue) is put to use."""


def _run_parts(steps: list[tuple[str, Callable[[], None]]], progress: ProgressFn | None) -> None:
    """Count the parts side by side, each in its own read transaction; ``progress`` hears
    of each as it finishes. The first failure is raised once every part has stopped."""
    if progress:
        progress(0, len(steps), steps[0][0])
    with ThreadPoolExecutor(max_workers=PARALLEL_QUERIES, thread_name_prefix="report") as pool:
        futures = {pool.submit(step): label for label, step in steps}
        for done, future in enumerate(as_completed(futures), start=1):
            future.result()
            if progress:
                progress(done, len(steps), futures[future])


# --- The figures, one query (or two) each --------------------------------------------------


def _held_between(start: date, end: date) -> Any:
    return and_(
        Conference.status == _HELD, col(Conference.date) >= start, col(Conference.date) <= end
    )


def conference_activity(desk: Desk, start: date, end: date) -> dict[str, int]:
    """Held conferences in the period by type, every type listed, and the total."""
    query = (
        select(Conference.type, func.count())
        .where(_held_between(start, end))
        .group_by(Conference.type)
    )
    with desk.store.read() as session:
        counts = dict(session.connection().execute(query).all())
    result = {t.value: int(counts.get(t.value, 0)) for t in ConferenceType}
    result["total"] = sum(result.values())
    return result


def _flag(column: Any, weight: int) -> Any:
    return case((column.is_(True), weight), else_=0)


Snapshot = tuple[dict[str, int], dict[str, int], dict[str, int]]
"""Children on a plan on one day: by category, by ethnic group, by age band."""


def _age_band(day: date) -> Any:
    one, five, ten, sixteen = age_thresholds(day)
    dob = col(Child.date_of_birth)
    return case(
        (or_(dob.is_(None), dob > day), "unborn"),
        (dob > one, "under_1"),
        (dob > five, "1_4"),
        (dob > ten, "5_9"),
        (dob > sixteen, "10_15"),
        else_="16_plus",
    )


def plans_on(desk: Desk, days: list[date]) -> list[Snapshot]:
    """Children subject to a plan at the end of each of ``days``, by category, ethnic group
    and age, in one pass over the plan periods.

    A plan counts from the day of the conference that made it until the day of the one that
    ended it (not included), with the categories last set on or before the day: exactly the
    plan periods (``PlanPeriod``) that span it. The database counts, for each combination of
    categories, ethnicity code and each day's age band, how many periods span each day; each
    period and child is read once however many days are asked for.
    """
    if not days:
        return []
    start, end = col(PlanPeriod.start_date), col(PlanPeriod.end_date)
    flags = (PlanPeriod.neglect, PlanPeriod.physical, PlanPeriod.emotional, PlanPeriod.sexual)
    bands = [_age_band(day) for day in days]
    spans = [
        func.sum(case((and_(start <= day, or_(end.is_(None), end > day)), 1), else_=0))
        for day in days
    ]
    query = (
        select(*flags, Child.ethnicity, *bands, *spans)
        .select_from(PlanPeriod)
        .join(Child, col(Child.id) == PlanPeriod.child_id)
        .where(or_(end.is_(None), end > min(days)))
        .where(start <= max(days))
        .group_by(*flags, Child.ethnicity, *bands)
        .with_hint(Child, "INDEXED BY ix_child_report", "sqlite")
    )
    snapshots = [
        (
            dict.fromkeys((*CATEGORY_KEYS, "total"), 0),
            dict.fromkeys(ETHNIC_GROUP_KEYS, 0),
            dict.fromkeys(AGE_KEYS, 0),
        )
        for _ in days
    ]
    width = len(days)
    with desk.store.read() as session:
        for row in session.connection().execute(query):
            key = category_key(*(bool(flag) for flag in row[:4]))
            group = ethnic_group(row[4])
            for (categories, ethnicity, ages), band, n in zip(
                snapshots, row[5 : 5 + width], row[5 + width :], strict=True
            ):
                if not n:
                    continue
                if key is not None:
                    categories[key] += n
                categories["total"] += n
                ethnicity[group] += n
                ages[band] += n
    return snapshots


def plans_at(desk: Desk, day: date) -> Snapshot:
    """Children subject to a plan at the end of ``day`` (see ``plans_on``)."""
    return plans_on(desk, [day])[0]


def plans_ended(desk: Desk, start: date, end: date) -> dict[str, int | float]:
    """Plans ended in the period, and how many at their first review."""
    ending = aliased(Conference)
    query = (
        select(
            func.count(),
            func.coalesce(
                func.sum(case((ending.type == ConferenceType.FIRST_REVIEW.value, 1), else_=0)), 0
            ),
        )
        .select_from(ChildProtectionPlan)
        .join(ending, col(ending.id) == ChildProtectionPlan.end_conference_id)
        .where(col(ChildProtectionPlan.end_date) >= start, col(ChildProtectionPlan.end_date) <= end)
    )
    with desk.store.read() as session:
        total, first = session.connection().execute(query).one()
    return {
        "total": int(total),
        "at_first_review": int(first),
        "at_first_review_percent": percent(int(first), int(total)),
    }


def _report_due(start: date, end: date, desk: Desk) -> Any:
    """Each day of the period with the last days the social worker's report may reach the
    parents and the chair for an initial conference and a review held on it, as a table
    the database can join (a UNION of one row per day: portable, and a period is at most
    366 days, under SQLite's 500-term limit)."""
    rows = []
    day = start
    while day <= end:
        initial = report_deadlines(ConferenceType.INITIAL, day, desk.rules)
        review = report_deadlines(ConferenceType.FIRST_REVIEW, day, desk.rules)
        rows.append(
            select(
                literal(day, Date).label("day"),
                literal(initial.parents, Date).label("initial_parents"),
                literal(initial.chair, Date).label("initial_chair"),
                literal(review.parents, Date).label("review_parents"),
                literal(review.chair, Date).label("review_chair"),
            )
        )
        day += timedelta(days=1)
    return union_all(*rows).cte("report_due") if len(rows) > 1 else rows[0].cte("report_due")


def _receipt_class(received: Any, deadline: Any, held: Any) -> Any:
    """``domain.timescales.classify_receipt`` as the database evaluates it, so a year's
    conferences are classed where they lie; tests/services/test_reports_demo.py checks the
    two agree conference by conference."""
    return case(
        (received.is_(None), ReportTimeliness.NOT_RECEIVED.value),
        (received <= deadline, ReportTimeliness.ON_TIME.value),
        (received == held, ReportTimeliness.ON_THE_DAY.value),
        (received < held, ReportTimeliness.LATE.value),
        else_=ReportTimeliness.NOT_RECEIVED.value,
    )


def report_timeliness(desk: Desk, start: date, end: date) -> dict[str, dict[str, Any]]:
    """The social worker's report to the parents and to the chair, for held conferences,
    initial types and reviews apart: on time, late, on the day or not received, each
    conference classed against the deadlines of its day and counted by the database."""
    if end < start:
        raise ValidationError.single("end", "The period ends before it starts")
    due = _report_due(start, end, desk)
    initial = col(Conference.type).in_(_INITIAL_TYPES)
    parents_due = case((initial, due.c.initial_parents), else_=due.c.review_parents)
    chair_due = case((initial, due.c.initial_chair), else_=due.c.review_chair)
    held = col(Conference.date)
    classes = (
        select(
            case((initial, 1), else_=0).label("initial"),
            _receipt_class(col(SocialWorkerReport.to_parents_at), parents_due, held).label("p"),
            _receipt_class(col(SocialWorkerReport.to_chair_at), chair_due, held).label("c"),
        )
        .select_from(Conference)
        .join(due, due.c.day == Conference.date)
        .outerjoin(SocialWorkerReport, col(SocialWorkerReport.conference_id) == Conference.id)
        # The days come from the joined table alone: with the period's range here as well,
        # SQLite would search the whole range once per day.
        .where(Conference.status == _HELD)
        .with_hint(SocialWorkerReport, "INDEXED BY ix_sw_report_receipts", "sqlite")
        .subquery()
    )
    query = select(classes.c.initial, classes.c.p, classes.c.c, func.count()).group_by(
        classes.c.initial, classes.c.p, classes.c.c
    )
    result = {
        to: {kind: dict.fromkeys(TIMELINESS_KEYS, 0) for kind in ("initial", "review")}
        for to in ("parents", "chair")
    }
    with desk.store.read() as session:
        for is_initial, to_parents, to_chair, n in session.connection().execute(query):
            bucket = "initial" if is_initial else "review"
            result["parents"][bucket][to_parents] += n
            result["chair"][bucket][to_chair] += n
    return result


def held_after_deadline(desk: Desk, start: date, end: date) -> dict[str, Any]:
    """Conferences held after their deadline, initial and review apart, and by reason (a
    late conference with no reason recorded is counted as such, not hidden)."""
    totals = late_totals(desk, start, end)
    by_reason = dict.fromkeys((*REASON_KEYS, NOT_RECORDED), 0)
    for reason, n in (*totals.initial, *totals.review):
        by_reason[reason.value if reason else NOT_RECORDED] += n
    return {
        "initial": totals.initial_total,
        "review": sum(n for _, n in totals.review),
        "by_reason": by_reason,
    }


def _challenges(desk: Desk, start: date, end: date) -> dict[str, Any]:
    figures = challenge_figures(desk, start, end)

    def line(fl: Any) -> dict[str, Any]:
        average = fl.average_days
        return {
            "raised": fl.raised,
            "open": fl.open,
            "overdue": fl.overdue,
            "escalated": fl.escalated,
            "resolved": fl.resolved,
            "average_days_to_resolution": None if average is None else round(average, 1),
        }

    return {
        "by_level": {fl.code: line(fl) for fl in figures.by_level},
        "by_category": {fl.code: line(fl) for fl in figures.by_category},
        "total": line(figures.total),
    }


def _minutes(desk: Desk, start: date, end: date) -> dict[str, Any]:
    """How the minutes of the period's held conferences went out, as they stand today;
    counted by conference day, deadline and day distributed, each group judged once."""
    query = (
        select(
            type_coerce(Conference.date, String),
            type_coerce(Minutes.distribution_due, String),
            type_coerce(Minutes.distributed_at, String),
            func.count(),
        )
        .select_from(Conference)
        .join(Minutes, col(Minutes.conference_id) == Conference.id)
        .where(_held_between(start, end))
        .group_by(Conference.date, Minutes.distribution_due, Minutes.distributed_at)
        .with_hint(Minutes, "INDEXED BY ix_minutes_distribution", "sqlite")
    )
    tally = DistributionTally(clock.today())
    with desk.store.read() as session:
        rows = session.connection().execute(query).all()
    for held, due, distributed, n in rows:
        done = stored_date(distributed) if distributed else None
        tally.add(stored_date(due), done, days_to_distribution(stored_date(held), done), n)
    overall = tally.figures()
    return {
        "conferences": overall.conferences,
        "within": overall.within,
        "late": overall.late,
        "outstanding": overall.outstanding,
        "outstanding_overdue": overall.outstanding_overdue,
        "within_percent": overall.within_percent,
        "average_working_days": overall.average_working_days,
    }
