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

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased
from sqlmodel import col

from siu_tui import clock
from siu_tui.db.models import (
    ChildProtectionPlan,
    Conference,
    Minutes,
    PlanPeriod,
    SocialWorkerReport,
)
from siu_tui.db.planner import bare, constant, fill_temporary
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
    has_happened,
    percent,
    report_period,
    report_tables,
)
from siu_tui.domain.settings import Rules
from siu_tui.domain.timescales import (
    RECEIPT_CASES,
    RECEIPT_MISSING,
    RECEIPT_OTHERWISE,
    report_deadlines,
)
from siu_tui.services.advocacy import advocacy_figures
from siu_tui.services.challenges import challenge_figures
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.standdown import StandDownFilter, late_totals, stood_down_totals
from siu_tui.services.values import stored_date

ProgressFn = Callable[[int, int, str], None]
"""Called as each part of the report is counted: (done, total, what is being counted)."""

_HELD = ConferenceStatus.HELD.value


@dataclass(frozen=True)
class ThematicReport:
    """A report as counted: the figures (the JSON the command line writes), the snapshot of
    the quarter before for the commentary, and when it was counted. A quarter-end after
    that day has ``None`` for its figures: it has not happened."""

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

    today = clock.today()
    snapshots: dict[int, Snapshot] = {}
    days = {q: quarter(period.year, q).end for q in period.quarters}
    if len(period.quarters) == 1:  # its commentary compares with the quarter before
        year_before, q_before = period.previous_quarter()
        days[0] = quarter(year_before, q_before).end
    # A quarter-end still to come has no figures ("not yet"), so it is not counted at all.
    days = {q: day for q, day in days.items() if has_happened(day, today)}

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

    def advocacy() -> None:
        figures["advocacy"] = advocacy_figures(desk, start, end).as_dict()

    def challenges() -> None:
        figures["challenges"] = _challenges(desk, start, end)

    def minutes() -> None:
        figures["minutes"] = _minutes(desk, start, end)

    # The longest first, so the short ones fill the gaps at the end.
    steps = [
        ("Children on a plan at each quarter-end", plans),
        ("Report timeliness", timeliness),
        ("Advocacy referrals", advocacy),
        ("Minutes", minutes),
        ("Late and stood-down conferences", late),
        ("Plans ended", ended),
        ("Challenges", challenges),
        ("Conference activity", activity),
    ]
    _run_parts(steps, progress)
    for q in period.quarters:
        key = QUARTER_KEYS[q - 1]
        categories, ethnicity, ages = snapshots.get(q, (None, None, None))
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
    return ThematicReport(period, {k: figures[k] for k in order}, previous, today)


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


Snapshot = tuple[dict[str, int], dict[str, int], dict[str, int]]
"""Children on a plan on one day: by category, by ethnic group, by age band."""


def _age_band(day: date, born: Any) -> Any:
    """The age band on ``day`` of a child born on ``born``, as its place in ``AGE_KEYS``."""
    one, five, ten, sixteen = (constant(threshold) for threshold in age_thresholds(day))
    band = {key: constant(n) for n, key in enumerate(AGE_KEYS)}
    return case(
        (or_(born.is_(None), born > constant(day)), band["unborn"]),
        (born > one, band["under_1"]),
        (born > five, band["1_4"]),
        (born > ten, band["5_9"]),
        (born > sixteen, band["10_15"]),
        else_=band["16_plus"],
    )


_BY_CONFERENCE = "INDEXED BY ix_conference_report_by_id"
"""Read a year's conferences in id order, beside their reports, minutes and referrals."""


def plans_on(desk: Desk, days: list[date]) -> list[Snapshot]:
    """Children subject to a plan at the end of each of ``days``, by category, ethnic group
    and age, in one pass over the plan periods.

    A plan counts from the day of the conference that made it until the day of the one that
    ended it (not included), with the categories last set on or before the day: exactly the
    plan periods (``PlanPeriod``) that span it. The database reads the periods in the order
    of their index (date of birth, categories, ethnicity) and adds up, as it goes, how many
    span each day; then it puts each date of birth in its age band on each day and adds
    those groups up. Nothing is sorted and no child is looked up, so the pass costs what
    reading the index costs (its whole length: the days' test is made on each entry).
    """
    if not days:
        return []
    start, end = col(PlanPeriod.start_date), col(PlanPeriod.end_date)
    born, ethnicity_code = col(PlanPeriod.child_date_of_birth), col(PlanPeriod.child_ethnicity)
    flags = (PlanPeriod.neglect, PlanPeriod.physical, PlanPeriod.emotional, PlanPeriod.sexual)
    spans = [
        func.sum(
            case((and_(bare(start) <= day, or_(end.is_(None), bare(end) > day)), 1), else_=0)
        ).label(f"on_{i}")
        for i, day in enumerate(days)
    ]
    by_birth = (
        select(born, *flags, ethnicity_code, *spans)
        .where(or_(end.is_(None), bare(end) > min(days)))
        .where(bare(start) <= max(days))
        .group_by(born, *flags, ethnicity_code)
        .with_hint(PlanPeriod, "INDEXED BY ix_cp_plan_period_report", "sqlite")
        .subquery()
    )
    group = (
        by_birth.c.neglect,
        by_birth.c.physical,
        by_birth.c.emotional,
        by_birth.c.sexual,
        by_birth.c.child_ethnicity,
    )
    bands = [_age_band(day, bare(by_birth.c.child_date_of_birth)) for day in days]
    # A sum of sums is numeric (Decimal) on PostgreSQL: counted as a whole number on both.
    totals = [cast(func.sum(by_birth.c[f"on_{i}"]), Integer) for i in range(len(days))]
    query = select(*group, *bands, *totals).group_by(*group, *bands)
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
        rows = session.connection().execute(query).all()
    for row in rows:
        key = category_key(*(bool(flag) for flag in row[:4]))
        group_name = ethnic_group(row[4])
        for (categories, ethnicity, ages), band, n in zip(
            snapshots, row[5 : 5 + width], row[5 + width :], strict=True
        ):
            if not n:
                continue
            if key is not None:
                categories[key] += n
            categories["total"] += n
            ethnicity[group_name] += n
            ages[AGE_KEYS[band]] += n
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
        .with_hint(ending, _BY_CONFERENCE, "sqlite")
    )
    with desk.store.read() as session:
        total, first = session.connection().execute(query).one()
    return {
        "total": int(total),
        "at_first_review": int(first),
        "at_first_review_percent": percent(int(first), int(total)),
    }


_REPORT_DUE = Table(
    "report_due",
    MetaData(),
    Column("day", Date, primary_key=True),
    Column("type", String(24), primary_key=True),
    Column("initial", Integer, nullable=False),
    Column("parents", Date, nullable=False),
    Column("chair", Date, nullable=False),
    prefixes=["TEMPORARY"],
)
"""Each day of the period and conference type with the last days the social worker's report
may reach the parents and the chair for a conference of that type held that day, and
whether the type is an initial one: a temporary table of the report's own connection, keyed
as the conferences are, so each conference read in id order finds its deadlines at once. It
is made inside the read transaction and goes when that ends."""


def _fill_report_due(connection: Any, start: date, end: date, rules: Rules) -> None:
    rows = []
    day = start
    while day <= end:
        for conference_type in ConferenceType:
            due = report_deadlines(conference_type, day, rules)
            rows.append(
                {
                    "day": day,
                    "type": conference_type.value,
                    "initial": int(conference_type.is_initial),
                    "parents": due.parents,
                    "chair": due.chair,
                }
            )
        day += timedelta(days=1)
    fill_temporary(connection, _REPORT_DUE, rows)


RECEIPT_CLASSES = (
    ReportTimeliness.NOT_RECEIVED,
    ReportTimeliness.ON_TIME,
    ReportTimeliness.ON_THE_DAY,
    ReportTimeliness.LATE,
)
"""The classes as the database numbers them (a number sorts and groups faster than text)."""


def receipt_class(received: Any, deadline: Any, held: Any) -> Any:
    """``domain.timescales.classify_receipt`` as the database evaluates it, made from the
    same table of cases (``RECEIPT_CASES``), so a year's conferences are classed where they
    lie: the class's place in ``RECEIPT_CLASSES``. tests/services/test_report_receipts.py
    checks the two agree on every receipt day around every conference day of a year."""
    number = {timeliness: constant(n) for n, timeliness in enumerate(RECEIPT_CLASSES)}
    days = {"deadline": deadline, "conference": held}
    return case(
        (received.is_(None), number[RECEIPT_MISSING]),
        *(
            (rule.compare(received, days[rule.against]), number[rule.timeliness])
            for rule in RECEIPT_CASES
        ),
        else_=number[RECEIPT_OTHERWISE],
    )


def report_timeliness(desk: Desk, start: date, end: date) -> dict[str, dict[str, Any]]:
    """The social worker's report to the parents and to the chair, for held conferences,
    initial types and reviews apart: on time, late, on the day or not received, each
    conference classed against the deadlines of its day and counted by the database."""
    if end < start:
        raise ValidationError.single("end", "The period ends before it starts")
    due = _REPORT_DUE
    held = bare(Conference.date)
    to_parents = receipt_class(bare(SocialWorkerReport.to_parents_at), due.c.parents, held)
    to_chair = receipt_class(bare(SocialWorkerReport.to_chair_at), due.c.chair, held)
    query = (
        select(due.c.initial, to_parents, to_chair, func.count())
        .select_from(Conference)
        .join(due, and_(due.c.day == Conference.date, due.c.type == Conference.type))
        .outerjoin(SocialWorkerReport, col(SocialWorkerReport.conference_id) == Conference.id)
        .where(_held_between(start, end))
        .group_by(due.c.initial, to_parents, to_chair)
        .with_hint(Conference, _BY_CONFERENCE, "sqlite")
        .with_hint(SocialWorkerReport, "INDEXED BY ix_sw_report_receipts", "sqlite")
    )
    result = {
        to: {kind: dict.fromkeys(TIMELINESS_KEYS, 0) for kind in ("initial", "review")}
        for to in ("parents", "chair")
    }
    rules = desk.rules
    with desk.store.read() as session:
        connection = session.connection()
        _fill_report_due(connection, start, end, rules)
        for is_initial, parents_class, chair_class, n in connection.execute(query):
            bucket = "initial" if is_initial else "review"
            result["parents"][bucket][RECEIPT_CLASSES[parents_class].value] += n
            result["chair"][bucket][RECEIPT_CLASSES[chair_class].value] += n
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
            "challenges": fl.challenges,
            "escalations": fl.escalations,
            "open": fl.open,
            "overdue": fl.overdue,
            "escalated_further": fl.escalated_further,
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
        .with_hint(Conference, _BY_CONFERENCE, "sqlite")
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
