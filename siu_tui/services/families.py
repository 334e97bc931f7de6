"""Families and their children as the booking form picks them.

Creating families and adding children stay in ``services.people`` (re-exported here), so a
form that books for a new family can import everything it needs from one module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import Child, Conference, Family
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound
from siu_tui.services.matching import Matcher, tidy
from siu_tui.services.people import add_child, create_family
from siu_tui.services.rows import ConferenceRow, fetch_rows, row_select

__all__ = [
    "ChildRow",
    "FamilyRow",
    "add_child",
    "create_family",
    "family_children",
    "previous_conferences",
    "search_families",
]


@dataclass(frozen=True, slots=True)
class FamilyRow:
    id: str
    reference: str
    name: str
    locality_team: str | None
    children: int
    social_worker: str | None = None


@dataclass(frozen=True, slots=True)
class ChildRow:
    id: str
    case_reference: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    expected_date_of_birth: date | None
    sex: str
    ethnicity: str | None

    @property
    def unborn(self) -> bool:
        """No date of birth yet (the expected date is known instead)."""
        return self.date_of_birth is None


SEARCH_CANDIDATES = 500
"""Families looked at per search (the first by name); a picker shows the first 20."""
FAMILY_ORDER = (col(Family.name), col(Family.reference), col(Family.id))
"""How families are listed: by name, then reference; the id makes the order total."""


def search_families(desk: Desk, text: str, limit: int = 20) -> list[FamilyRow]:
    """Families whose name contains ``text`` or whose reference starts with it, or who have a
    child it names (first or last name, "first last", case reference, or a date of birth),
    by name; names are matched without accents or case ("slezak" finds Ślęzak). An empty
    search lists families by name, for a picker to start from."""
    text = tidy(text)
    with desk.store.read() as session:
        matcher = Matcher(session.get_bind().dialect.name)
        if not text:
            query = select(Family.id).order_by(*FAMILY_ORDER)
            ids = list(session.exec(query.limit(limit)).all())
        else:
            # Each query's candidates are the first by name (a total order, ending in the id),
            # so the same letters show the same families on SQLite and PostgreSQL.
            found: set[str] = set()
            for family_query in matcher.family_id_queries(text):
                ordered = family_query.order_by(*FAMILY_ORDER).limit(SEARCH_CANDIDATES)
                found.update(session.exec(ordered).all())
            by_child = (
                select(Child.family_id)
                .join(Family, col(Family.id) == Child.family_id)
                .where(matcher.child_condition(Child, text))
                .order_by(*FAMILY_ORDER)
            )
            found.update(session.exec(by_child.limit(SEARCH_CANDIDATES)).all())
            ids = sorted(found)
        return _family_rows(session, ids, limit)


def _family_rows(session: Session, ids: list[str], limit: int) -> list[FamilyRow]:
    if not ids:
        return []
    children = (
        select(func.count()).where(Child.family_id == Family.id).correlate(Family).scalar_subquery()
    )
    query = (
        select(Family, children).where(col(Family.id).in_(ids)).order_by(*FAMILY_ORDER).limit(limit)
    )
    return [
        FamilyRow(f.id, f.reference, f.name, f.locality_team, n, f.social_worker)
        for f, n in session.exec(query)
    ]


def get_family(desk: Desk, family_id: str) -> FamilyRow:
    """One family as a picker row; NotFound when it is not on record."""
    with desk.store.read() as session:
        rows = _family_rows(session, [family_id], 1)
    if not rows:
        raise NotFound("That family is not on record")
    return rows[0]


def family_children(desk: Desk, family_id: str) -> list[ChildRow]:
    """The family's children, eldest first and unborn babies last, as a booking lists them."""
    born = col(Child.date_of_birth)
    query = (
        select(Child)
        .where(Child.family_id == family_id)
        .order_by(
            born.is_(None),
            born,
            col(Child.expected_date_of_birth),
            col(Child.first_name),
            col(Child.id),
        )
    )
    with desk.store.read() as session:
        return [
            ChildRow(
                c.id,
                c.case_reference,
                c.first_name,
                c.last_name,
                c.date_of_birth,
                c.expected_date_of_birth,
                c.sex,
                c.ethnicity,
            )
            for c in session.exec(query)
        ]


def previous_conferences(desk: Desk, family_id: str, limit: int = 10) -> list[ConferenceRow]:
    """The family's conferences, latest first (every status), so the clerk booking a review
    sees what came before."""
    query = (
        row_select()
        .where(Conference.family_id == family_id)
        .order_by(
            col(Conference.date).desc(), col(Conference.start_time).desc(), col(Conference.id)
        )
        .limit(limit)
    )
    with desk.store.read() as session:
        return fetch_rows(session, query, clock.today())
