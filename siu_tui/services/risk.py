"""Conferences coming up soon that may not go ahead as booked: expected inquorate, or the
social worker's report overdue (``domain.invites.upcoming_risk``).

Lists flag only the rows they show, so the cost is two keyed queries for the conferences of
one page (their invitees through the invitee's conference index, their report by its unique
conference key), however large the database.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, String, or_, type_coerce
from sqlmodel import Session, col, select

from siu_tui.db.models import Invitee, SocialWorkerReport
from siu_tui.domain.codes import ConferenceStatus, InviteResponse
from siu_tui.domain.dates import format_date
from siu_tui.domain.invites import (
    NO_RISK,
    InviteeFacts,
    UpcomingRisk,
    risk_window_end,
    upcoming_risk,
)
from siu_tui.domain.settings import Rules
from siu_tui.domain.timescales import report_deadlines
from siu_tui.services.rows import ConferenceRow
from siu_tui.services.values import stored_date

CHUNK = 500
"""Keys per IN (...) list: well inside every database's parameter limit."""


@dataclass(frozen=True, slots=True)
class RiskInfo:
    """A conference's flags with the words the home screen shows beside them."""

    risk: UpcomingRisk
    quoracy: str
    """The quoracy outlook's summary ("Expected not quorate: ...")."""
    sw_report: str
    """Which copies of the social worker's report are overdue, and since when ("to parents
    due 23/11/2026")."""


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def assess_risks(
    session: Session,
    conferences: Iterable[tuple[str, str, date]],
    today: date,
    rules: Rules,
) -> dict[str, RiskInfo]:
    """Flags for each booked (id, type, date) in the look-ahead window; conferences outside
    it, or with nothing wrong, are left out of the answer."""
    end = risk_window_end(today, rules)
    wanted = [(cid, ctype, day) for cid, ctype, day in conferences if today <= day <= end]
    if not wanted:
        return {}
    ids = [cid for cid, _, _ in wanted]
    facts: dict[str, list[InviteeFacts]] = defaultdict(list)
    reports: dict[str, tuple[date | None, date | None]] = {}
    # Core execution with the values as stored (ISO text, 0/1), read by the C parsers: a list
    # page judges several hundred invitees, and SQLAlchemy's own date and boolean handling
    # cost more than the queries.
    connection = session.connection()
    for chunk in _chunks(ids):
        invitees = select(
            Invitee.conference_id,
            Invitee.agency,
            type_coerce(Invitee.direct_contact, Integer),
            Invitee.response,
            type_coerce(Invitee.attended, Integer),
        ).where(
            col(Invitee.conference_id).in_(list(chunk)),
            # Only these can make a quorum (attendance once taken, replies until then).
            or_(
                Invitee.response == InviteResponse.ATTENDING.value,
                col(Invitee.attended).is_not(None),
            ),
        )
        for cid, agency, direct, response, attended in connection.execute(invitees).all():
            present = None if attended is None else bool(attended)
            facts[cid].append(InviteeFacts(agency, bool(direct), response, present))
        sw = select(
            SocialWorkerReport.conference_id,
            type_coerce(SocialWorkerReport.to_parents_at, String),
            type_coerce(SocialWorkerReport.to_chair_at, String),
        ).where(col(SocialWorkerReport.conference_id).in_(list(chunk)))
        for cid, parents, chair in connection.execute(sw).all():
            reports[cid] = (stored_date(parents), stored_date(chair))
    out: dict[str, RiskInfo] = {}
    for cid, ctype, day in wanted:
        invited = facts.get(cid, [])
        parents, chair = reports.get(cid, (None, None))
        risk = upcoming_risk(ctype, day, today, invited, parents, chair, rules)
        if not risk:
            continue
        detail = ""
        if risk.sw_report_overdue:
            due = report_deadlines(ctype, day, rules)
            late = []
            if parents is None and today > due.parents:
                late.append(f"to parents due {format_date(due.parents)}")
            if chair is None and today > due.chair:
                late.append(f"to chair due {format_date(due.chair)}")
            detail = "; ".join(late)
        out[cid] = RiskInfo(risk, risk.quoracy, detail)
    return out


def with_risks(
    session: Session, rows: list[ConferenceRow], today: date, rules: Rules
) -> list[ConferenceRow]:
    """The same rows, with the booked ones in the look-ahead window flagged."""
    booked = [
        (r.id, r.type, r.date) for r in rows if r.status_code == ConferenceStatus.BOOKED.value
    ]
    risks = assess_risks(session, booked, today, rules)
    if not risks:
        return rows
    return [dataclasses.replace(r, risk=risks[r.id].risk) if r.id in risks else r for r in rows]


__all__ = ["NO_RISK", "RiskInfo", "assess_risks", "with_risks"]
