"""The one-line view of a conference that every list shows (home, conference list, a family's
history), and the query that builds it.

Lists share one row type and one builder so that a conference reads the same wherever it
appears, and so each list costs a fixed number of queries per page (the rows, then one
grouped query for the children's names) however many rows it holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from siu_tui.db.models import Child, Conference, ConferenceChild, Family, Room, Staff
from siu_tui.domain.codes import ConferenceStatus, ConferenceType
from siu_tui.domain.invites import NO_RISK, UpcomingRisk
from siu_tui.domain.workingdays import working_days_between


@dataclass(frozen=True, slots=True)
class ConferenceRow:
    """A conference as a list shows it: labels for reading, codes for filtering and styling."""

    id: str
    reference: str
    date: date
    start_time: time
    type_label: str
    family: str
    children: int
    chair: str
    venue: str
    status: str
    deadline: date
    days_left: int
    child_names: str = ""
    """First names, eldest first (unborn last): "Robin, Sam"."""
    type: str = ""
    status_code: str = ""
    family_id: str = ""
    family_reference: str = ""
    room: str = ""
    clerk: str = ""
    duration_minutes: int = 0
    risk: UpcomingRisk = NO_RISK
    """Set by ``services.risk.with_risks`` for booked conferences in the next few working
    days that are expected inquorate or whose social worker's report is overdue."""

    @property
    def late(self) -> bool:
        return self.date > self.deadline

    @property
    def place(self) -> str:
        """Where it is held, as a list shows it: the venue typed, or else the room booked."""
        return self.venue or self.room


_chair = aliased(Staff, name="chair")
_clerk = aliased(Staff, name="clerk")

ROW_COLUMNS: tuple[Any, ...] = (
    Conference.id,
    Conference.reference,
    Conference.date,
    Conference.start_time,
    Conference.duration_minutes,
    Conference.type,
    Conference.status,
    Conference.deadline,
    Conference.venue,
    Conference.family_id,
    Family.name,
    Family.reference,
    _chair.name,
    _clerk.name,
    Room.name,
)


def row_select() -> Any:
    """The columns a ``ConferenceRow`` needs, joined; callers add WHERE, ORDER BY and LIMIT.

    The joins are all on primary keys, so they cost one index probe per row returned.
    """
    return (
        select(*ROW_COLUMNS)
        .join(Family, col(Family.id) == Conference.family_id)
        .outerjoin(_chair, col(_chair.id) == Conference.chair_id)
        .outerjoin(_clerk, col(_clerk.id) == Conference.clerk_id)
        .outerjoin(Room, col(Room.id) == Conference.room_id)
    )


def children_by_conference(session: Session, conference_ids: Sequence[str]) -> dict[str, list[str]]:
    """Each conference's children's first names, eldest first, in one grouped query."""
    names: dict[str, list[str]] = defaultdict(list)
    if not conference_ids:
        return names
    born = func.coalesce(Child.date_of_birth, Child.expected_date_of_birth)
    query = (
        select(ConferenceChild.conference_id, Child.first_name)
        .join(Child, col(Child.id) == ConferenceChild.child_id)
        .where(col(ConferenceChild.conference_id).in_(list(conference_ids)))
        .order_by(born, col(Child.first_name), col(Child.id))
    )
    for conference_id, first_name in session.connection().execute(query):
        names[conference_id].append(first_name)
    return names


def fetch_rows(session: Session, query: Any, today: date) -> list[ConferenceRow]:
    """Run a ``row_select()`` query and turn its results into rows (two queries in all).

    Core execution: plain columns need none of the ORM's per-row handling, which on a page
    of a hundred rows costs as much as the query.
    """
    return build_rows(session, session.connection().execute(query).all(), today)


def build_rows(session: Session, results: Sequence[Any], today: date) -> list[ConferenceRow]:
    """Rows from ``row_select()`` results, with every row's children read in one query."""
    names = children_by_conference(session, [r[0] for r in results])
    return [_row(r, names.get(r[0], []), today) for r in results]


def _row(r: Any, children: list[str], today: date) -> ConferenceRow:
    (
        cid,
        reference,
        when,
        start,
        duration,
        ctype,
        status,
        deadline,
        venue,
        family_id,
        family,
        family_reference,
        chair,
        clerk,
        room,
    ) = r
    return ConferenceRow(
        id=cid,
        reference=reference,
        date=when,
        start_time=start,
        type_label=ConferenceType(ctype).label,
        family=family,
        children=len(children),
        chair=chair or "—",
        venue=venue or "",
        status=ConferenceStatus(status).label,
        deadline=deadline,
        days_left=working_days_between(today, deadline),
        child_names=", ".join(children),
        type=ctype,
        status_code=status,
        family_id=family_id,
        family_reference=family_reference,
        room=room or "",
        clerk=clerk or "",
        duration_minutes=duration,
    )
