"""What the home screen shows: today's and this week's conferences, and what needs attention
(conferences coming up soon that are at risk first).

Each list is a bounded query on an indexed column, so the home screen costs the same on a
database of a hundred conferences or of a hundred thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from siu_tui.db.models import (
    Challenge,
    Child,
    Conference,
    ConferenceChild,
    Family,
    Minutes,
    OutboxMessage,
    StandDown,
)
from siu_tui.domain.children import birth_overdue_before
from siu_tui.domain.codes import (
    ConferenceStatus,
    MinutesStage,
    OutboxState,
    Reason,
)
from siu_tui.domain.invites import risk_window_end
from siu_tui.domain.periods import week_of
from siu_tui.domain.settings import Rules
from siu_tui.services.context import Desk
from siu_tui.services.risk import assess_risks, with_risks
from siu_tui.services.rows import ConferenceRow, fetch_rows, row_select

__all__ = ["AttentionItem", "ConferenceRow", "HomeSummary", "home_summary"]

ATTENTION_LIMIT = 50

UNDISTRIBUTED = tuple(s.value for s in MinutesStage if s is not MinutesStage.DISTRIBUTED)
"""The stages before distribution, by name rather than "not distributed": SQLite then reads
the few minutes still open through the (stage, due) index instead of every one ever due
(15 ms rather than 180 ms on the home screen at 100,000 conferences)."""


@dataclass(frozen=True, slots=True)
class AttentionItem:
    kind: str
    when: date
    family: str
    detail: str
    conference_id: str | None


@dataclass(frozen=True, slots=True)
class HomeSummary:
    today: date
    todays: list[ConferenceRow]
    week: list[ConferenceRow]
    attention: list[AttentionItem]
    attention_total: int
    total_conferences: int
    attention_more: bool = False
    """More conferences coming up may be at risk than were judged: the total is a minimum."""


def _conference_rows(session: Session, start: date, end: date, today: date) -> list[ConferenceRow]:
    query = (
        row_select()
        .where(col(Conference.date) >= start, col(Conference.date) <= end)
        .where(col(Conference.status).in_([ConferenceStatus.BOOKED, ConferenceStatus.HELD]))
        .order_by(col(Conference.date), col(Conference.start_time), col(Conference.id))
        .limit(500)
    )
    return fetch_rows(session, query, today)


def _attention(session: Session, today: date) -> tuple[list[AttentionItem], int]:
    items: list[AttentionItem] = []
    total = 0

    overdue = (
        select(Conference.id, Conference.date, Conference.deadline, Family.name)
        .join(Family, col(Family.id) == Conference.family_id)
        .where(Conference.status == ConferenceStatus.BOOKED.value)
        .where(col(Conference.deadline) < today)
    )
    total += session.exec(select(func.count()).select_from(overdue.subquery())).one()
    for cid, when, deadline, family in session.exec(
        overdue.order_by(col(Conference.deadline), col(Conference.id)).limit(ATTENTION_LIMIT)
    ):
        items.append(
            AttentionItem(
                "Past deadline",
                when,
                family,
                f"Deadline was {deadline:%d/%m/%Y}",
                cid,
            )
        )

    not_rebooked = (
        select(Conference.id, Conference.date, Family.name, StandDown.reason)
        .join(StandDown, col(StandDown.conference_id) == Conference.id)
        .join(Family, col(Family.id) == Conference.family_id)
        .where(col(StandDown.rebooked_conference_id).is_(None))
    )
    total += session.exec(select(func.count()).select_from(not_rebooked.subquery())).one()
    for cid, when, family, reason in session.exec(
        not_rebooked.order_by(col(Conference.date).desc(), col(Conference.id)).limit(
            ATTENTION_LIMIT
        )
    ):
        label = Reason.label_of(reason)
        items.append(AttentionItem("Stood down, not re-booked", when, family, label, cid))

    minutes_late = (
        select(Conference.id, Minutes.distribution_due, Family.name, Minutes.stage)
        .join(Conference, col(Conference.id) == Minutes.conference_id)
        .join(Family, col(Family.id) == Conference.family_id)
        .where(col(Minutes.stage).in_(UNDISTRIBUTED))
        .where(col(Minutes.distribution_due) < today)
    )
    total += session.exec(select(func.count()).select_from(minutes_late.subquery())).one()
    for cid, due, family, stage in session.exec(
        minutes_late.order_by(col(Minutes.distribution_due), col(Conference.id)).limit(
            ATTENTION_LIMIT
        )
    ):
        items.append(
            AttentionItem(
                "Minutes overdue",
                due,
                family,
                f"Due {due:%d/%m/%Y}: {MinutesStage(stage).label.lower()}",
                cid,
            )
        )

    challenges = (
        select(Challenge.conference_id, Challenge.response_due, Family.name, Challenge.level)
        .join(Family, col(Family.id) == Challenge.family_id)
        .where(col(Challenge.resolved_on).is_(None))
        .where(col(Challenge.response_due) < today)
    )
    total += session.exec(select(func.count()).select_from(challenges.subquery())).one()
    for cid, due, family, _level in session.exec(
        challenges.order_by(col(Challenge.response_due), col(Challenge.id)).limit(ATTENTION_LIMIT)
    ):
        items.append(
            AttentionItem("Challenge response overdue", due, family, f"Due {due:%d/%m/%Y}", cid)
        )

    births, births_total = _births_to_record(session, today)
    items += births
    total += births_total

    failed = session.exec(
        select(func.count()).where(OutboxMessage.state == OutboxState.FAILED.value)
    ).one()
    if failed:
        total += failed
        items.append(
            AttentionItem("E-mail not sent", today, "", f"{failed} message(s) failed", None)
        )
    return items, total


def _births_to_record(session: Session, today: date) -> tuple[list[AttentionItem], int]:
    """Unborn children whose expected date has passed (``domain.children.birth_overdue``,
    its threshold ``birth_overdue_before``):
    the birth is to be recorded, or every report counts the baby as unborn for ever. Each
    opens the child's latest conference, where ``e`` records the birth. Few children are
    unborn, and the date of birth is indexed, so this stays cheap on any database."""
    latest = (
        select(ConferenceChild.conference_id)
        .join(Conference, col(Conference.id) == ConferenceChild.conference_id)
        .where(ConferenceChild.child_id == Child.id)
        .order_by(col(Conference.date).desc(), col(Conference.start_time).desc())
        .limit(1)
        .correlate(Child)
        .scalar_subquery()
    )
    due = (
        select(Child.first_name, Child.last_name, Child.expected_date_of_birth, Family.name, latest)
        .join(Family, col(Family.id) == Child.family_id)
        .where(col(Child.date_of_birth).is_(None))
        .where(col(Child.expected_date_of_birth) < birth_overdue_before(today))
    )
    total = session.exec(select(func.count()).select_from(due.subquery())).one()
    items = [
        AttentionItem(
            "Record the birth",
            expected,
            family,
            f"{first} {last} · press e on the record",
            conference_id,
        )
        for first, last, expected, family, conference_id in session.exec(
            due.order_by(col(Child.expected_date_of_birth)).limit(ATTENTION_LIMIT)
        )
    ]
    return items, total


RISK_CHUNK = 200
"""Conferences judged per go. The home screen lists the soonest risks, so it stops judging
once it has a screenful: a unit books a few dozen conferences in two weeks, the demo's
100,000-conference scale two thousand."""


def _after(when: date, start: time, cid: str) -> ColumnElement[bool]:
    """Conferences after this one in (date, start time, id) order: the next chunk's keyset."""
    d, t, i = col(Conference.date), col(Conference.start_time), col(Conference.id)
    return or_(d > when, and_(d == when, or_(t > start, and_(t == start, i > cid))))


def _upcoming_risks(
    session: Session, today: date, rules: Rules
) -> tuple[list[AttentionItem], int, bool]:
    """Booked conferences in the next few working days that are expected inquorate or whose
    social worker's report is overdue: one item per reason, soonest first. Returns the items,
    how many were found, and whether more conferences were left unjudged (the count is then
    a lower bound)."""
    end = risk_window_end(today, rules)
    query = (
        select(Conference.id, Conference.type, Conference.date, Conference.start_time, Family.name)
        .join(Family, col(Family.id) == Conference.family_id)
        .where(Conference.status == ConferenceStatus.BOOKED.value)
        .where(col(Conference.date) >= today, col(Conference.date) <= end)
        .order_by(col(Conference.date), col(Conference.start_time), col(Conference.id))
    )
    items: list[AttentionItem] = []
    chunk = query
    while True:
        upcoming = session.connection().execute(chunk.limit(RISK_CHUNK)).all()
        if upcoming:
            cid, _t, when, start, _f = upcoming[-1]
            chunk = query.where(_after(when, start, cid))
        risks = assess_risks(session, ((c[0], c[1], c[2]) for c in upcoming), today, rules)
        for cid, _ctype, when, start, family in upcoming:
            info = risks.get(cid)
            if info is None:
                continue
            # The date is in its own column: the detail starts with the time.
            if info.risk.expected_inquorate:
                why = info.quoracy.partition(": ")[2] or info.quoracy
                detail = f"{start:%H:%M} · {why}"
                items.append(AttentionItem("Expected inquorate", when, family, detail, cid))
            if info.risk.sw_report_overdue:
                detail = f"{start:%H:%M} · {info.sw_report}"
                items.append(AttentionItem("SW report overdue", when, family, detail, cid))
        if len(upcoming) < RISK_CHUNK:
            return items, len(items), False
        if len(items) >= ATTENTION_LIMIT:
            return items, len(items), True


def home_summary(desk: Desk, today: date) -> HomeSummary:
    week = week_of(today)
    rules = desk.rules
    with desk.store.read() as session:
        week_rows = with_risks(
            session, _conference_rows(session, week.start, week.end, today), today, rules
        )
        risk_items, risk_total, more = _upcoming_risks(session, today, rules)
        attention, attention_total = _attention(session, today)
        attention = risk_items + attention
        attention_total += risk_total
        total = session.exec(select(func.count()).select_from(Conference)).one()
    return HomeSummary(
        today=today,
        todays=[r for r in week_rows if r.date == today],
        week=week_rows,
        attention=attention,
        attention_total=attention_total,
        total_conferences=total,
        attention_more=more,
    )
