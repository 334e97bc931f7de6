"""Reports outstanding: every report not yet received for the conferences still to come, the
most urgent deadline first, with the person to chase.

Two kinds of report are due before a conference: the social worker's (a copy to the parents
and one to the chair, each with its own deadline) and each invited agency's (due with the
chair's copy; ``domain.invites``). Deadlines are working days before the conference, so they
cannot be sorted by the database; they are computed here, but never for the whole table:

- conferences are read in date order through the (status, date, start_time, id) index, a
  chunk at a time, with their social worker's report (a unique key) and their agencies'
  missing reports (the invitee's conference index);
- a report's deadline is at most ``n`` working days before its conference, for the largest
  ``n`` the settings use, so once conferences up to day D have been read, every report due
  on or before the ``n``-th working day before D is known: those are sorted and paged, and
  reading stops as soon as a page is certain (usually within a few hundred conferences).

Pages are cut by keyset (the last row's deadline, conference and report), so rows recorded
meanwhile never shift a later page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from siu_tui.db.models import Conference, Family, Invitee, SocialWorkerReport, Staff
from siu_tui.domain.codes import Agency, ConferenceStatus, ConferenceType
from siu_tui.domain.invites import REPORTING_AGENCIES
from siu_tui.domain.settings import Rules
from siu_tui.domain.timescales import report_deadlines
from siu_tui.domain.workingdays import nth_working_day_before, working_days_between
from siu_tui.services.context import Desk

MAX_LIMIT = 1000
FIRST_CHUNK = 200
"""Conferences read in the first go; each further go reads twice as many."""

SW_PARENTS = "sw_parents"
SW_CHAIR = "sw_chair"
AGENCY = "agency"
_KIND_ORDER = {SW_PARENTS: 0, SW_CHAIR: 1, AGENCY: 2}
_REPORTING = [a.value for a in REPORTING_AGENCIES]

Key = tuple[date, date, time, str, int, str]
"""A report's place in the list: (deadline, conference date, start time, conference id, kind,
invitee id or "")."""


@dataclass(frozen=True)
class OutstandingFilter:
    """Narrow the list to one clerk's conferences, or to conferences in one week."""

    clerk_id: str | None = None
    week_of: date | None = None
    """Any day of the week wanted (Monday to Sunday); None for every week."""

    def week(self) -> tuple[date, date] | None:
        if self.week_of is None:
            return None
        monday = self.week_of - timedelta(days=self.week_of.weekday())
        return monday, monday + timedelta(days=6)


@dataclass(frozen=True, slots=True)
class OutstandingReport:
    """One report the clerk should chase."""

    key: Key
    kind: str
    what: str
    """"Social worker's report to parents", "Police report" ..."""
    deadline: date
    days_left: int
    """Working days from today to the deadline (0 on the day; negative once overdue)."""
    conference_id: str
    conference_reference: str
    conference_date: date
    start_time: time
    type_label: str
    family: str
    clerk: str
    chase: str
    """Who to chase: the social worker, or the invited professional."""
    contact: str
    """Their e-mail address, or telephone number."""
    invitee_id: str | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


EXPORT_COLUMNS = ("deadline", "days_left", "report", "conference", "reference", "family",
                  "chase", "contact")  # fmt: skip
"""What ``siu outstanding`` prints for each report, in order."""


def export_cells(row: OutstandingReport) -> list[str]:
    """A report's line as ``siu outstanding`` prints it, one cell per ``EXPORT_COLUMNS``."""
    return [
        row.deadline.isoformat(),
        str(row.days_left),
        row.what,
        f"{row.conference_date.isoformat()} {row.start_time:%H:%M}",
        row.conference_reference,
        row.family,
        row.chase,
        row.contact,
    ]


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_cell(text: str) -> str:
    """A cell that cannot break a tab-separated line: a tab, line break or backslash in a
    name is written as a visible ``\t``, ``\n``, ``\r`` or ``\\``."""
    return text.translate(_TSV_ESCAPES)


@dataclass(frozen=True)
class OutstandingPage:
    rows: list[OutstandingReport]
    cursor: Key | None
    """Pass back for the next page; None when this page holds the last report."""


_clerk = aliased(Staff, name="clerk")


def _conference_query(today: date, flt: OutstandingFilter) -> Any:
    query = (
        select(
            Conference.id,
            Conference.reference,
            Conference.type,
            Conference.date,
            Conference.start_time,
            Family.name,
            Family.social_worker,
            Family.social_worker_email,
            _clerk.name,
            SocialWorkerReport.to_parents_at,
            SocialWorkerReport.to_chair_at,
        )
        .join(Family, col(Family.id) == Conference.family_id)
        .outerjoin(_clerk, col(_clerk.id) == Conference.clerk_id)
        .outerjoin(SocialWorkerReport, col(SocialWorkerReport.conference_id) == Conference.id)
        .where(Conference.status == ConferenceStatus.BOOKED.value)
        .where(col(Conference.date) >= today)
    )
    if flt.clerk_id:
        query = query.where(Conference.clerk_id == flt.clerk_id)
    week = flt.week()
    if week is not None:
        query = query.where(col(Conference.date) >= week[0], col(Conference.date) <= week[1])
    return query


def _after_conference(key: tuple[date, time, str]) -> Any:
    d, t, i = col(Conference.date), col(Conference.start_time), col(Conference.id)
    day, start, cid = key
    return and_(
        d >= day,
        or_(d > day, and_(d == day, or_(t > start, and_(t == start, i > cid)))),
    )


@dataclass(frozen=True, slots=True)
class _Pending:
    """A report found while reading, before it is known to belong on this page."""

    key: Key
    kind: str
    conference: tuple[Any, ...]
    who: str
    agency: str | None
    contact: str


def _deadlines(rules: Rules) -> Any:
    @lru_cache(maxsize=4096)
    def due(ctype: str, day: date) -> tuple[date, date]:
        deadlines = report_deadlines(ctype, day, rules)
        return deadlines.parents, deadlines.chair

    return due


def _largest_gap(rules: Rules) -> int:
    return max(
        rules.report_parents_initial_working_days,
        rules.report_chair_initial_working_days,
        rules.report_parents_review_working_days,
        rules.report_chair_review_working_days,
    )


def _read_chunk(
    session: Session,
    base: Any,
    after: tuple[date, time, str] | None,
    size: int,
    due: Any,
) -> tuple[list[_Pending], tuple[date, time, str] | None, bool]:
    """Reports missing for the next ``size`` conferences after ``after``; returns them, the
    last conference's key, and whether the conferences ran out."""
    query = base
    if after is not None:
        query = query.where(_after_conference(after))
    d, t, i = col(Conference.date), col(Conference.start_time), col(Conference.id)
    connection = session.connection()
    conferences = connection.execute(query.order_by(d, t, i).limit(size)).all()
    exhausted = len(conferences) < size
    if not conferences:
        return [], after, True
    last = conferences[-1]
    found: list[_Pending] = []
    by_id = {}
    for row in conferences:
        cid, _ref, ctype, day, start, _fam, worker, worker_email, _clerk_name, parents, chair = row
        by_id[cid] = row
        to_parents, to_chair = due(ctype, day)
        who = worker or "(no social worker)"
        if parents is None:
            key = (to_parents, day, start, cid, 0, "")
            found.append(_Pending(key, SW_PARENTS, row, who, None, worker_email or ""))
        if chair is None:
            key = (to_chair, day, start, cid, 1, "")
            found.append(_Pending(key, SW_CHAIR, row, who, None, worker_email or ""))
    agencies = (
        select(
            Invitee.id,
            Invitee.conference_id,
            Invitee.name,
            Invitee.agency,
            Invitee.email,
            Invitee.phone,
        )
        .where(col(Invitee.conference_id).in_(list(by_id)))
        .where(col(Invitee.report_received_at).is_(None))
        .where(col(Invitee.agency).in_(_REPORTING))
    )
    for invitee_id, cid, name, agency, email, phone in connection.execute(agencies):
        row = by_id[cid]
        _id, _ref, ctype, day, start = row[:5]
        key = (due(ctype, day)[1], day, start, cid, 2, invitee_id)
        found.append(_Pending(key, AGENCY, row, name, agency, email or phone or ""))
    return found, (last[3], last[4], last[0]), exhausted


def _report(pending: _Pending, today: date) -> OutstandingReport:
    cid, reference, ctype, day, start, family, _w, _e, clerk, _p, _c = pending.conference
    deadline = pending.key[0]
    if pending.kind == SW_PARENTS:
        what = "Social worker's report to parents"
    elif pending.kind == SW_CHAIR:
        what = "Social worker's report to chair"
    else:
        what = f"{Agency(pending.agency).label} report"
    return OutstandingReport(
        key=pending.key,
        kind=pending.kind,
        what=what,
        deadline=deadline,
        days_left=working_days_between(today, deadline),
        conference_id=cid,
        conference_reference=reference,
        conference_date=day,
        start_time=start,
        type_label=ConferenceType(ctype).label,
        family=family,
        clerk=clerk or "",
        chase=pending.who,
        contact=pending.contact,
        invitee_id=pending.key[5] or None,
    )


def outstanding_reports(
    desk: Desk,
    today: date,
    flt: OutstandingFilter | None = None,
    cursor: Key | None = None,
    limit: int = 100,
) -> OutstandingPage:
    """One page of the reports still missing for booked conferences from today on, ordered
    by deadline (overdue ones first). Pass the page's ``cursor`` back for the next page."""
    flt = flt or OutstandingFilter()
    limit = max(1, min(limit, MAX_LIMIT))
    rules = desk.rules
    due = _deadlines(rules)
    gap = _largest_gap(rules)
    base = _conference_query(today, flt)
    if cursor is not None:
        # A report is due on or before its conference, so nothing after the cursor belongs
        # to a conference before the cursor's deadline.
        base = base.where(col(Conference.date) >= cursor[0])
    pool: list[_Pending] = []
    after: tuple[date, time, str] | None = None
    size = FIRST_CHUNK
    with desk.store.read() as session:
        while True:
            found, after, exhausted = _read_chunk(session, base, after, size, due)
            pool += [p for p in found if cursor is None or p.key > cursor]
            # Every report of a conference not yet read is due on or after this day.
            horizon = None if exhausted or after is None else nth_working_day_before(after[0], gap)
            certain = [p for p in pool if horizon is None or p.key[0] <= horizon]
            if exhausted or len(certain) > limit:
                break
            size *= 2
    certain.sort(key=lambda p: p.key)
    page = certain[:limit]
    next_cursor = page[-1].key if len(certain) > limit else None
    return OutstandingPage([_report(p, today) for p in page], next_cursor)


def count_outstanding(desk: Desk, today: date, flt: OutstandingFilter | None = None) -> int:
    """How many reports are missing in all (the summary line); counted in the database, so
    slower than a page on a large one: screens ask in a worker of their own."""
    flt = flt or OutstandingFilter()
    terms = [
        Conference.status == ConferenceStatus.BOOKED.value,
        col(Conference.date) >= today,
    ]
    if flt.clerk_id:
        terms.append(Conference.clerk_id == flt.clerk_id)
    week = flt.week()
    if week is not None:
        terms += [col(Conference.date) >= week[0], col(Conference.date) <= week[1]]
    with desk.store.read() as session:
        agencies = session.exec(
            select(func.count())
            .select_from(Invitee)
            .join(Conference, col(Conference.id) == Invitee.conference_id)
            .where(*terms)
            .where(col(Invitee.report_received_at).is_(None))
            .where(col(Invitee.agency).in_(_REPORTING))
        ).one()
        missing = func.coalesce(func.sum(_missing(SocialWorkerReport.to_parents_at)), 0)
        missing_chair = func.coalesce(func.sum(_missing(SocialWorkerReport.to_chair_at)), 0)
        parents, chair = session.exec(
            select(missing, missing_chair)
            .select_from(Conference)
            .outerjoin(SocialWorkerReport, col(SocialWorkerReport.conference_id) == Conference.id)
            .where(*terms)
        ).one()
    return int(agencies) + int(parents) + int(chair)


def _missing(column: Any) -> Any:
    return case((col(column).is_(None), 1), else_=0)


def week_choices(today: date, weeks: int = 8) -> Sequence[tuple[str, date]]:
    """The weeks a clerk may narrow the list to: this one and the next few (label, Monday)."""
    monday = today - timedelta(days=today.weekday())
    out = []
    for n in range(weeks):
        start = monday + timedelta(weeks=n)
        if n < 2:
            label = f"{'This' if n == 0 else 'Next'} week (from {start:%a %d/%m})"
        else:
            label = f"Week from {start:%a %d/%m}"
        out.append((label, start))
    return out
