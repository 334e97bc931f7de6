"""Booking a conference: the deadline is computed for the clerk, never typed.

The booking screen (a later feature) and the command line both come through here, so every
booking is validated the same way and leaves the same audit trail.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, time

from sqlmodel import Session, col, select

from siu_tui.db.models import Child, Conference, ConferenceChild, Family, Staff
from siu_tui.domain.codes import ConferenceStatus, ConferenceType, Reason, Role
from siu_tui.domain.timescales import conference_deadline
from siu_tui.services import audit
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError

_REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference(day: date) -> str:
    """A reference a clerk can read out: unique across machines without asking a server."""
    tail = "".join(secrets.choice(_REF_ALPHABET) for _ in range(5))
    return f"CPC-{day:%y%m%d}-{tail}"


@dataclass
class BookingRequest:
    family_id: str
    child_ids: list[str]
    conference_type: str
    date: date
    start_time: time = time(10, 0)
    duration_minutes: int = 90
    trigger_date: date | None = None
    venue: str | None = None
    room_id: str | None = None
    chair_id: str | None = None
    clerk_id: str | None = None
    late_reason: str | None = None
    late_note: str | None = None
    rebooks_id: str | None = None


def previous_held_conference(
    session: Session, child_ids: list[str], before: date
) -> Conference | None:
    """The children's latest held conference before a date: where a review's deadline runs from.

    It is the children's, not the family's: siblings can be on different plan cycles.
    """
    query = (
        select(Conference)
        .join(ConferenceChild, col(ConferenceChild.conference_id) == Conference.id)
        .where(col(ConferenceChild.child_id).in_(child_ids))
        .where(Conference.status == ConferenceStatus.HELD.value)
        .where(col(Conference.date) < before)
        .order_by(col(Conference.date).desc(), col(Conference.start_time).desc())
        .limit(1)
    )
    return session.exec(query).first()


def book_conference(desk: Desk, request: BookingRequest) -> str:
    """Book a conference and its children in one transaction; returns the conference's id."""
    errors: dict[str, str] = {}
    try:
        ctype = ConferenceType.parse(request.conference_type)
    except ValueError as exc:
        raise ValidationError.single("conference_type", str(exc)) from None
    if not request.child_ids:
        errors["children"] = "Choose at least one child"
    if request.duration_minutes <= 0:
        errors["duration_minutes"] = "The expected length must be more than 0 minutes"
    if request.late_reason:
        try:
            Reason.parse(request.late_reason)
        except ValueError as exc:
            errors["late_reason"] = str(exc)
    if errors:
        raise ValidationError(errors)

    rules = desk.rules
    with desk.store.write() as session:
        family = session.get(Family, request.family_id)
        if family is None:
            raise ValidationError.single("family", "That family is no longer on record")
        children = session.exec(select(Child).where(col(Child.id).in_(request.child_ids))).all()
        if len(children) != len(set(request.child_ids)) or any(
            c.family_id != family.id for c in children
        ):
            raise ValidationError.single("children", "Every child must belong to this family")
        if request.chair_id is not None:
            chair = session.get(Staff, request.chair_id)
            if chair is None or chair.role != Role.IRO.value or not chair.active:
                raise ValidationError.single("chair", "The chair must be an active IRO")
        trigger = request.trigger_date
        previous_type: str | None = None
        if ctype.is_review and trigger is None:
            previous = previous_held_conference(session, request.child_ids, request.date)
            if previous is None:
                raise ValidationError.single(
                    "trigger_date",
                    "These children have no held conference before that date: enter its date",
                )
            trigger, previous_type = previous.date, previous.type
        if trigger is None:
            raise ValidationError.single("trigger_date", f"Enter the {ctype.trigger_label.lower()}")
        if trigger > request.date:
            raise ValidationError.single(
                "trigger_date", f"The {ctype.trigger_label.lower()} cannot be after the conference"
            )
        birth = min((c.date_of_birth for c in children if c.date_of_birth), default=None)
        deadline = conference_deadline(
            ctype, trigger, rules, previous_type=previous_type, birth_date=birth
        )
        if request.date > deadline and not request.late_reason:
            raise ValidationError.single(
                "late_reason",
                f"The conference is after its deadline ({deadline:%d/%m/%Y}): give a reason",
            )
        reference = new_reference(request.date)
        while session.exec(select(Conference.id).where(Conference.reference == reference)).first():
            reference = new_reference(request.date)
        conference = Conference(
            reference=reference,
            type=ctype.value,
            family_id=family.id,
            date=request.date,
            start_time=request.start_time,
            duration_minutes=request.duration_minutes,
            venue=request.venue,
            room_id=request.room_id,
            chair_id=request.chair_id,
            clerk_id=request.clerk_id,
            trigger_date=trigger,
            deadline=deadline,
            rebooks_id=request.rebooks_id,
            late_reason=request.late_reason if request.date > deadline else None,
            late_note=request.late_note if request.date > deadline else None,
        )
        session.add(conference)
        audit.record(session, desk.actor, "book", conference, conference_id=conference.id)
        for child in children:
            link = ConferenceChild(conference_id=conference.id, child_id=child.id)
            session.add(link)
            audit.record(session, desk.actor, "add child", link, conference_id=conference.id)
        return conference.id
