"""Reference data every form picks from: staff, rooms and locality teams.

People and rooms that conferences point to are never deleted, only made inactive: the
record of who chaired a conference in 2024 must still name them. Inactive entries drop out
of the pickers and can be brought back.

Locality teams are a list to pick from, not a link: a family keeps its team's name as text,
as it was recorded. Renaming a team changes what new families are given, and leaves the
families already recorded as they were, so past reports still say what was true then. A unit
that has not set up its list yet can still type any team name (see ``locality_team_name``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

from sqlalchemy import func
from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import Challenge, Conference, Family, LocalityTeam, Minutes, Room, Staff
from siu_tui.domain.codes import ConferenceStatus, Role
from siu_tui.services import audit, fields
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.people import StaffRow, add_staff, list_staff

__all__ = [
    "KEEP",
    "LocalityTeamRow",
    "RoomRow",
    "StaffRow",
    "add_locality_team",
    "add_room",
    "add_staff",
    "delete_staff",
    "list_locality_teams",
    "list_rooms",
    "list_staff",
    "locality_team_name",
    "rename_locality_team",
    "rename_room",
    "set_locality_team_active",
    "set_room_active",
    "set_room_site",
    "set_staff_active",
    "update_staff",
]


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP
"""Leave a field as it is (``None`` clears it)."""


def _booked_from_today(session: Session, *conditions: object) -> int:
    query = (
        select(func.count())
        .select_from(Conference)
        .where(Conference.status == ConferenceStatus.BOOKED.value)
        .where(col(Conference.date) >= clock.today())
        .where(*conditions)  # type: ignore[arg-type]
    )
    return session.exec(query).one()


def _set_active(
    desk: Desk, session: Session, row: Staff | Room | LocalityTeam, active: bool
) -> bool:
    """Flip ``active`` with its audit event; False when it was already so."""
    if row.active == active:
        return False
    before = audit.snapshot(row)
    row.active = active
    session.add(row)
    audit.record(session, desk.actor, "activate" if active else "deactivate", row, before=before)
    return True


# --- Staff ----------------------------------------------------------------------------------


def _staff(session: Session, staff_id: str) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("That member of staff is not on record")
    return staff


def update_staff(
    desk: Desk,
    staff_id: str,
    *,
    name: str | None = None,
    role: str | None = None,
    email: str | _Keep | None = KEEP,
) -> None:
    """Correct a member of staff's name, role or e-mail (``None`` or "" clears the e-mail).

    An IRO who still chairs booked conferences keeps the IRO role until those have another
    chair, since a conference must be chaired by an IRO.
    """
    errors: dict[str, str] = {}
    if name is not None:
        name = fields.line("name", name, fields.NAME_MAX, label="The name", errors=errors) or ""
        if not name and "name" not in errors:
            errors["name"] = "Enter the person's name"
    if role is not None:
        try:
            role = Role.parse(role).value
        except ValueError as exc:
            errors["role"] = str(exc)
    if isinstance(email, str):
        email = fields.email("email", email, errors=errors)
    if errors:
        raise ValidationError(errors)
    with desk.store.write() as session:
        staff = _staff(session, staff_id)
        if role is not None and staff.role == Role.IRO.value and role != Role.IRO.value:
            chairing = _booked_from_today(session, Conference.chair_id == staff_id)
            if chairing:
                raise ValidationError.single(
                    "role",
                    f"{staff.name} chairs {chairing} booked conference(s): give them another "
                    "chair first",
                )
        before = audit.snapshot(staff)
        if name is not None:
            staff.name = name.strip()
        if role is not None:
            staff.role = role
        if not isinstance(email, _Keep):
            staff.email = (email or "").strip() or None
        if audit.snapshot(staff) == before:
            return
        session.add(staff)
        audit.record(session, desk.actor, "update", staff, before=before)


def set_staff_active(desk: Desk, staff_id: str, active: bool) -> int:
    """Take someone off the pickers (they left) or bring them back.

    Returns how many booked conferences from today they still chair or clerk, so the screen
    can say those need someone else; deactivating is not refused for them, because the
    person has gone whether or not the diary has caught up.
    """
    with desk.store.write() as session:
        staff = _staff(session, staff_id)
        _set_active(desk, session, staff, active)
        if active:
            return 0
        return _booked_from_today(
            session, (Conference.chair_id == staff_id) | (Conference.clerk_id == staff_id)
        )


def delete_staff(desk: Desk, staff_id: str) -> None:
    """Remove someone added by mistake. Anyone a conference, challenge or set of minutes
    points to is refused: deactivate them instead, so the records still name them."""
    with desk.store.write() as session:
        staff = _staff(session, staff_id)
        uses = (
            select(Conference.id).where(
                (Conference.chair_id == staff_id) | (Conference.clerk_id == staff_id)
            ),
            select(Challenge.id).where(Challenge.raised_by_id == staff_id),
            select(Minutes.id).where(Minutes.holder_id == staff_id),
        )
        if any(session.exec(query.limit(1)).first() for query in uses):
            raise ValidationError.single(
                "staff",
                f"{staff.name} is named on conference records: make them inactive instead",
            )
        audit.record(session, desk.actor, "delete", staff)
        session.delete(staff)


# --- Rooms ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoomRow:
    id: str
    name: str
    site: str | None
    active: bool


def list_rooms(desk: Desk, *, active_only: bool = True) -> list[RoomRow]:
    query = select(Room).order_by(col(Room.name), col(Room.id))
    if active_only:
        query = query.where(col(Room.active).is_(True))
    with desk.store.read() as session:
        return [RoomRow(r.id, r.name, r.site, r.active) for r in session.exec(query)]


def _room(session: Session, room_id: str) -> Room:
    room = session.get(Room, room_id)
    if room is None:
        raise NotFound("That room is not on record")
    return room


def _clean_name(name: str, what: str) -> str:
    cleaned = " ".join((fields.line("name", name, fields.NAME_MAX, label="The name") or "").split())
    if not cleaned:
        raise ValidationError.single("name", f"Enter the {what}'s name")
    return cleaned


def _check_room_name(session: Session, name: str, exclude_id: str | None = None) -> None:
    """Names are unique ignoring case, so "Room 2" and "room 2" cannot both be picked."""
    query = select(Room.name).where(func.lower(Room.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Room.id != exclude_id)
    taken = session.exec(query).first()
    if taken is not None:
        raise ValidationError.single("name", f"There is already a room called {taken}")


def add_room(desk: Desk, name: str, site: str | None = None) -> str:
    name = _clean_name(name, "room")
    site = fields.line("site", site, fields.NAME_MAX, label="The site")
    with desk.store.write() as session:
        _check_room_name(session, name)
        room = Room(name=name, site=site)
        session.add(room)
        audit.record(session, desk.actor, "create", room)
        return room.id


def update_room(desk: Desk, room_id: str, *, name: str, site: str | None) -> None:
    """Correct a room's name and site together (one change in the audit trail)."""
    name = _clean_name(name, "room")
    cleaned_site = fields.line("site", site, fields.NAME_MAX, label="The site")
    with desk.store.write() as session:
        room = _room(session, room_id)
        _check_room_name(session, name, exclude_id=room_id)
        if (room.name, room.site) == (name, cleaned_site):
            return
        before = audit.snapshot(room)
        room.name, room.site = name, cleaned_site
        session.add(room)
        audit.record(session, desk.actor, "update", room, before=before)


def rename_room(desk: Desk, room_id: str, name: str) -> None:
    update_room(desk, room_id, name=name, site=_current_site(desk, room_id))


def set_room_site(desk: Desk, room_id: str, site: str | None) -> None:
    with desk.store.read() as session:
        name = _room(session, room_id).name
    update_room(desk, room_id, name=name, site=site)


def _current_site(desk: Desk, room_id: str) -> str | None:
    with desk.store.read() as session:
        return _room(session, room_id).site


def set_room_active(desk: Desk, room_id: str, active: bool) -> int:
    """Take a room off the pickers or bring it back; returns how many booked conferences from
    today are still in it (they keep it until moved)."""
    with desk.store.write() as session:
        room = _room(session, room_id)
        _set_active(desk, session, room, active)
        return 0 if active else _booked_from_today(session, Conference.room_id == room_id)


# --- Locality teams -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalityTeamRow:
    id: str
    name: str
    active: bool
    families: int
    """Families recorded with exactly this team name."""


def list_locality_teams(desk: Desk, *, active_only: bool = True) -> list[LocalityTeamRow]:
    query = select(LocalityTeam).order_by(col(LocalityTeam.name), col(LocalityTeam.id))
    if active_only:
        query = query.where(col(LocalityTeam.active).is_(True))
    with desk.store.read() as session:
        teams = list(session.exec(query))
        counts: dict[str | None, int] = {}
        if teams:
            grouped = (
                select(Family.locality_team, func.count())
                .where(col(Family.locality_team).in_([t.name for t in teams]))
                .group_by(col(Family.locality_team))
            )
            counts = dict(session.exec(grouped).all())
        return [LocalityTeamRow(t.id, t.name, t.active, counts.get(t.name, 0)) for t in teams]


def _team(session: Session, team_id: str) -> LocalityTeam:
    team = session.get(LocalityTeam, team_id)
    if team is None:
        raise NotFound("That locality team is not on record")
    return team


def _check_team_name(session: Session, name: str, exclude_id: str | None = None) -> None:
    query = select(LocalityTeam.name).where(func.lower(LocalityTeam.name) == name.lower())
    if exclude_id is not None:
        query = query.where(LocalityTeam.id != exclude_id)
    taken = session.exec(query).first()
    if taken is not None:
        raise ValidationError.single("name", f"There is already a team called {taken}")


def add_locality_team(desk: Desk, name: str) -> str:
    name = _clean_name(name, "team")
    with desk.store.write() as session:
        _check_team_name(session, name)
        team = LocalityTeam(name=name)
        session.add(team)
        audit.record(session, desk.actor, "create", team)
        return team.id


def rename_locality_team(desk: Desk, team_id: str, name: str) -> None:
    """Rename a team in the list; families already recorded keep the name they were given."""
    name = _clean_name(name, "team")
    with desk.store.write() as session:
        team = _team(session, team_id)
        _check_team_name(session, name, exclude_id=team_id)
        if team.name == name:
            return
        before = audit.snapshot(team)
        team.name = name
        session.add(team)
        audit.record(session, desk.actor, "update", team, before=before)


def set_locality_team_active(desk: Desk, team_id: str, active: bool) -> None:
    with desk.store.write() as session:
        _set_active(desk, session, _team(session, team_id), active)


def locality_team_name(session: Session, text: str | None) -> str | None:
    """The team name to store for a family: one of the active teams (matched ignoring case,
    stored as listed). While the unit has no teams listed at all, any name is taken as typed,
    so a new database can be used before its lists are set up."""
    line = fields.line("locality_team", text, fields.NAME_MAX, label="The team")
    cleaned = " ".join((line or "").split())
    if not cleaned:
        return None
    teams = session.exec(select(LocalityTeam.name, LocalityTeam.active)).all()
    if not teams:
        return cleaned
    for team_name, active in teams:
        if active and team_name.lower() == cleaned.lower():
            return team_name
    choices = ", ".join(sorted(name for name, active in teams if active))
    raise ValidationError.single(
        "locality_team", f"{cleaned} is not a current locality team (choose from: {choices})"
    )
