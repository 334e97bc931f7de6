"""Booking a conference: the deadline is computed for the clerk, never typed.

The booking screen and the command line both come through here, so every booking is
validated the same way and leaves the same audit trail. ``preview_booking`` shows the clerk,
as they type, the deadline and anything unusual about the date, chair or room, using the
same rules (``timescale``, ``clash_warnings``) that saving and moving a conference use.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from siu_tui.db.models import Child, Conference, ConferenceChild, Family, Room, Staff
from siu_tui.domain.codes import ConferenceStatus, ConferenceType, Reason, Role
from siu_tui.domain.dates import format_date
from siu_tui.domain.settings import Rules
from siu_tui.domain.timescales import (
    birth_since,
    conference_deadline,
    is_late,
    pre_birth_gestation_warning,
)
from siu_tui.domain.workingdays import holiday_name, is_working_day, working_days_between
from siu_tui.services import advocacy, audit, fields
from siu_tui.services.context import Desk
from siu_tui.services.errors import ValidationError
from siu_tui.services.invites import carry_over_invitees
from siu_tui.services.standdown import link_rebooking, rebooked_from

_REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

FULL_TERM_WEEKS = 40
"""Gestation at the expected date of birth, to word the pre-birth warning in weeks'
gestation ("after 28 weeks") as midwives and procedures do."""


def new_reference(day: date) -> str:
    """A reference a clerk can read out: unique across machines without asking a server."""
    tail = "".join(secrets.choice(_REF_ALPHABET) for _ in range(5))
    return f"CPC-{day:%y%m%d}-{tail}"


@dataclass
class BookingRequest:
    family_id: str
    child_ids: list[str]
    conference_type: str
    date: date | None
    """None only in a preview: the form shows the deadline before the date is typed."""
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
    override_clash_reason: str | None = None
    """Book even though the chair or room is taken then (a second room in the same building),
    and why: kept in the audit trail. Without it a clash is refused."""


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
        .order_by(
            col(Conference.date).desc(), col(Conference.start_time).desc(), col(Conference.id)
        )
        .limit(1)
    )
    return session.exec(query).first()


@dataclass(frozen=True, slots=True)
class Timescale:
    """Where a conference's deadline runs from, and the deadline itself (None until known)."""

    trigger_date: date | None
    trigger_from_previous: bool
    previous_type: str | None
    deadline: date | None
    missing: str | None = None
    """Why there is no trigger yet, worded for the trigger field."""


def timescale(
    session: Session,
    ctype: ConferenceType,
    children: list[Child],
    conference_date: date,
    trigger: date | None,
    rules: Rules,
) -> Timescale:
    """The trigger and deadline a booking gets: shared by booking and its preview, so what the
    form shows before saving is exactly what is saved.

    A review with no trigger typed runs from the children's previous held conference. A review
    after a pre-birth conference is also capped by the baby's birth, when it is recorded.
    """
    previous = None
    if ctype.is_review and children:
        previous = previous_held_conference(session, [c.id for c in children], conference_date)
    from_previous = False
    previous_type: str | None = None
    if ctype.is_review and trigger is None:
        if previous is None:
            return Timescale(
                None,
                False,
                None,
                None,
                "These children have no held conference before that date: enter its date",
            )
        trigger, from_previous = previous.date, True
    if trigger is None:
        return Timescale(None, False, None, None, f"Enter the {ctype.trigger_label.lower()}")
    birth = None
    if previous is not None and previous.date == trigger:
        previous_type = previous.type
        birth = birth_since(previous.date, [c.date_of_birth for c in children])
    deadline = conference_deadline(
        ctype, trigger, rules, previous_type=previous_type, birth_date=birth
    )
    return Timescale(trigger, from_previous, previous_type, deadline)


def book_conference(desk: Desk, request: BookingRequest) -> str:
    """Book a conference and its children in one transaction; returns the conference's id.

    Only what would make the record wrong is refused (a chair who is not an active IRO, a
    child of another family, a late date with no reason, the chair or room already booked
    then, unless overridden with a reason); the preview's other warnings (a bank holiday, a
    weekend) are the clerk's call. The clash is checked inside the write transaction, so of
    two clerks booking the same slot at once only one succeeds.
    """
    errors: dict[str, str] = {}
    try:
        ctype = ConferenceType.parse(request.conference_type)
    except ValueError as exc:
        raise ValidationError.single("conference_type", str(exc)) from None
    assert isinstance(ctype, ConferenceType)
    if not request.child_ids:
        errors["children"] = "Choose at least one child"
    if request.date is None:
        errors["date"] = "Enter the date of the conference"
    if request.duration_minutes <= 0:
        errors["duration_minutes"] = "The expected length must be more than 0 minutes"
    if request.late_reason:
        try:
            Reason.parse(request.late_reason)
        except ValueError as exc:
            errors["late_reason"] = str(exc)
    venue = fields.line("venue", request.venue, fields.VENUE_MAX, label="The venue", errors=errors)
    late_note = fields.note("late_note", request.late_note, label="The note", errors=errors)
    if errors:
        raise ValidationError(errors)
    assert request.date is not None

    rules = desk.rules
    with desk.store.write() as session:
        family = session.get(Family, request.family_id)
        if family is None:
            raise ValidationError.single("family", "That family is no longer on record")
        children = list(
            session.exec(select(Child).where(col(Child.id).in_(request.child_ids))).all()
        )
        if len(children) != len(set(request.child_ids)) or any(
            c.family_id != family.id for c in children
        ):
            raise ValidationError.single("children", "Every child must belong to this family")
        check_people(session, chair_id=request.chair_id, clerk_id=request.clerk_id)
        check_room(session, request.room_id)
        source = None
        if request.rebooks_id:
            # A re-booking is the same conference again: it keeps the original deadline.
            source = rebooked_from(session, request.rebooks_id, family.id, ctype)
            scale = Timescale(
                source.conference.trigger_date, False, None, source.conference.deadline
            )
        else:
            scale = timescale(session, ctype, children, request.date, request.trigger_date, rules)
        if scale.trigger_date is None or scale.deadline is None:
            raise ValidationError.single("trigger_date", scale.missing or "Enter the date")
        trigger, deadline = scale.trigger_date, scale.deadline
        late_reason = request.late_reason
        if source is not None and not late_reason:
            late_reason = source.stand_down.reason  # why it is late: it was stood down
        if trigger > request.date:
            raise ValidationError.single(
                "trigger_date", f"The {ctype.trigger_label.lower()} cannot be after the conference"
            )
        if is_late(request.date, deadline) and not late_reason:
            raise ValidationError.single(
                "late_reason",
                f"The conference is after its deadline ({format_date(deadline)}): give a reason",
            )
        override = check_clashes(
            session,
            request.date,
            request.start_time,
            request.duration_minutes,
            chair_id=request.chair_id,
            room_id=request.room_id,
            override_reason=request.override_clash_reason,
        )
        reference = new_reference(request.date)
        while session.exec(select(Conference.id).where(Conference.reference == reference)).first():
            reference = new_reference(request.date)
        late = is_late(request.date, deadline)
        conference = Conference(
            reference=reference,
            type=ctype.value,
            family_id=family.id,
            date=request.date,
            start_time=request.start_time,
            duration_minutes=request.duration_minutes,
            venue=venue,
            room_id=request.room_id,
            chair_id=request.chair_id,
            clerk_id=request.clerk_id,
            trigger_date=trigger,
            deadline=deadline,
            rebooks_id=request.rebooks_id,
            late_reason=late_reason if late else None,
            late_note=late_note if late else None,
        )
        session.add(conference)
        audit.record(
            session, desk.actor, "book", conference, conference_id=conference.id, extra=override
        )
        if source is not None:
            link_rebooking(session, desk, source, conference.id)
        for child in children:
            link = ConferenceChild(conference_id=conference.id, child_id=child.id)
            session.add(link)
            audit.record(session, desk.actor, "add child", link, conference_id=conference.id)
        session.flush()
        advocacy.refer_eligible(session, desk.actor, conference, rules)
        if source is not None:
            # The same people are invited again, and the children keep their advocacy
            # referrals (and any answers) across a re-booking.
            carry_over_invitees(session, desk.actor, source.conference.id, conference.id)
            advocacy.carry_over_referrals(
                session, source.conference.id, conference.id, actor=desk.actor, rules=rules
            )
        return conference.id


def check_people(
    session: Session, *, chair_id: str | None = None, clerk_id: str | None = None
) -> None:
    """Refuse a chair who is not an active IRO, or a clerk who is not active staff."""
    if chair_id is not None:
        chair = session.get(Staff, chair_id)
        if chair is None or chair.role != Role.IRO.value or not chair.active:
            raise ValidationError.single("chair", "The chair must be an active IRO")
    if clerk_id is not None:
        clerk = session.get(Staff, clerk_id)
        if clerk is None or not clerk.active:
            raise ValidationError.single("clerk", "The clerk must be an active member of staff")


def check_room(session: Session, room_id: str | None) -> None:
    """Refuse a room that is not on the list, or has been taken off it."""
    if room_id is None:
        return
    room = session.get(Room, room_id)
    if room is None:
        raise ValidationError.single("room", "That room is no longer on record")
    if not room.active:
        raise ValidationError.single("room", f"{room.name} is no longer in use: choose another")


# --- The preview the booking form shows as the clerk types ----------------------------------


@dataclass(frozen=True, slots=True)
class BookingWarning:
    """Something the clerk should see before saving; only ``needs_reason`` ones block it
    (until a late reason is chosen)."""

    field: str
    message: str
    needs_reason: bool = False


@dataclass(frozen=True, slots=True)
class BookingPreview:
    trigger_date: date | None
    trigger_label: str
    trigger_from_previous: bool
    """The trigger was filled in from the children's previous held conference."""
    deadline: date | None
    days_left: int | None
    """Working days from today to the deadline (negative once it has passed)."""
    warnings: list[BookingWarning]

    @property
    def needs_reason(self) -> bool:
        return any(w.needs_reason for w in self.warnings)


def describe_day(d: date) -> str:
    """ "Monday 28 December 2026": how a warning names a day."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def day_warnings(d: date) -> list[BookingWarning]:
    """A weekend or a bank holiday, named, so the clerk sees why the date is unusual."""
    if is_working_day(d):
        return []
    name = holiday_name(d)
    if d.weekday() >= 5:
        text = f"{describe_day(d)} is at the weekend" + (f" ({name})" if name else "")
    else:
        text = f"{describe_day(d)} is a bank holiday ({name})"
    return [BookingWarning("date", text)]


def _end(start: time, minutes: int) -> time:
    moment = datetime.combine(date.min, start) + timedelta(minutes=minutes)
    return time(23, 59) if moment.date() > date.min else moment.time()


def _span(start: time, minutes: int) -> str:
    return f"{start:%H:%M}–{_end(start, minutes):%H:%M}"


def clash_warnings(
    session: Session,
    when: date,
    start: time,
    duration_minutes: int,
    *,
    chair_id: str | None,
    room_id: str | None,
    exclude_id: str | None = None,
) -> list[BookingWarning]:
    """Other booked conferences that day with the same chair or room at an overlapping time
    (start to start + length; one ending as the next starts is no clash), each named by its
    reference, family and time."""
    if chair_id is None and room_id is None:
        return []
    people = [col(Conference.chair_id) == chair_id] if chair_id else []
    rooms = [col(Conference.room_id) == room_id] if room_id else []
    query = (
        select(Conference, Family.name)
        .join(Family, col(Family.id) == Conference.family_id)
        .where(Conference.date == when, Conference.status == ConferenceStatus.BOOKED.value)
        .where(or_(*people, *rooms))
        .order_by(col(Conference.start_time), col(Conference.id))
    )
    if exclude_id is not None:
        query = query.where(Conference.id != exclude_id)
    end = _end(start, duration_minutes)
    warnings: list[BookingWarning] = []
    names: dict[str, str] = {}
    for other, family in session.exec(query):
        if not (other.start_time < end and start < _end(other.start_time, other.duration_minutes)):
            continue
        at = f"{other.reference} ({family}) at {_span(other.start_time, other.duration_minutes)}"
        if chair_id and other.chair_id == chair_id:
            if "chair" not in names:
                staff = session.get(Staff, chair_id)
                names["chair"] = staff.name if staff else "The chair"
            warnings.append(BookingWarning("chair", f"{names['chair']} already chairs {at}"))
        if room_id and other.room_id == room_id:
            if "room" not in names:
                room = session.get(Room, room_id)
                names["room"] = room.name if room else "The room"
            warnings.append(BookingWarning("room", f"{names['room']} is booked for {at}"))
    return warnings


OVERRIDE_MAX = 500


def check_clashes(
    session: Session,
    when: date,
    start: time,
    duration_minutes: int,
    *,
    chair_id: str | None,
    room_id: str | None,
    exclude_id: str | None = None,
    override_reason: str | None = None,
) -> dict[str, str] | None:
    """Refuse, inside the caller's write transaction, a booking or move that puts the chair or
    room in two conferences at once, naming the other conference and its time; a clerk who
    means it gives a reason instead. Returns what the audit event keeps: the reason and the
    clashes it overrode (None when nothing clashes)."""
    clashes = clash_warnings(
        session,
        when,
        start,
        max(duration_minutes, 1),
        chair_id=chair_id,
        room_id=room_id,
        exclude_id=exclude_id,
    )
    if not clashes:
        return None
    # The reason is person-typed text kept in the history: the same door as every note
    # (no control characters, a length the audit trail can show).
    reason = fields.note("override_clash_reason", override_reason, OVERRIDE_MAX, label="The reason")
    reason = " ".join((reason or "").split())
    if reason:
        return {
            "clash_override": reason,
            "clashes_with": "; ".join(w.message for w in clashes),
        }
    errors: dict[str, str] = {}
    for warning in clashes:
        what = "another time" if warning.field == "chair" else "another room or time"
        text = f"{warning.message} that day: choose {what}, or book anyway with a reason"
        earlier = errors.get(warning.field)
        errors[warning.field] = f"{earlier}; {text}" if earlier else text
    raise ValidationError(errors)


def _gestation_warnings(
    ctype: ConferenceType, children: list[Child], when: date, rules: Rules
) -> list[BookingWarning]:
    if ctype is not ConferenceType.INITIAL_PRE_BIRTH:
        return []
    weeks = FULL_TERM_WEEKS - rules.pre_birth_warn_weeks_before_edd
    warnings = []
    for child in children:
        due = child.expected_date_of_birth
        if child.date_of_birth is None and due and pre_birth_gestation_warning(when, due, rules):
            warnings.append(
                BookingWarning(
                    "date",
                    f"{child.first_name} {child.last_name} is due {format_date(due)}: the "
                    f"conference is after {weeks} weeks' gestation",
                )
            )
    return warnings


def _deadline_warning(when: date, deadline: date) -> BookingWarning:
    return BookingWarning(
        "date",
        f"{describe_day(when)} is after the deadline ({format_date(deadline)}): choose a reason",
        needs_reason=True,
    )


def date_warnings(
    session: Session,
    *,
    ctype: ConferenceType | None,
    children: list[Child],
    when: date,
    start: time,
    duration_minutes: int,
    chair_id: str | None,
    room_id: str | None,
    trigger: date | None,
    deadline: date | None,
    today: date,
    rules: Rules,
    exclude_id: str | None = None,
) -> list[BookingWarning]:
    """Everything unusual about a conference on ``when``, for a booking and a move alike: after
    the deadline (the one warning that needs a reason), passed, a weekend or bank holiday,
    after 28 weeks' gestation for a pre-birth conference, the chair or room taken then, and
    before the date its deadline runs from."""
    warnings: list[BookingWarning] = []
    if deadline is not None and is_late(when, deadline):
        warnings.append(_deadline_warning(when, deadline))
    if when < today:
        warnings.append(BookingWarning("date", f"{describe_day(when)} has passed"))
    warnings += day_warnings(when)
    if ctype is not None:
        warnings += _gestation_warnings(ctype, children, when, rules)
    warnings += clash_warnings(
        session,
        when,
        start,
        max(duration_minutes, 1),
        chair_id=chair_id,
        room_id=room_id,
        exclude_id=exclude_id,
    )
    if trigger is not None and trigger > when:
        label = ctype.trigger_label if ctype is not None else DEFAULT_TRIGGER_LABEL
        warnings.append(
            BookingWarning("trigger_date", f"The {label.lower()} is after the conference")
        )
    return warnings


DEFAULT_TRIGGER_LABEL = "Deadline runs from"
NO_DATE_YET_DAYS = 400
"""How far ahead a preview looks for the children's previous conference before a date is typed:
far enough that any conference already held, today's too, counts."""


def preview_booking(desk: Desk, request: BookingRequest, today: date) -> BookingPreview:
    """What booking ``request`` would give, and what the clerk should know first: read-only and
    quick (a handful of indexed reads), so the form can call it after every change.

    Never raises for incomplete input: a missing or unknown value just leaves the deadline
    unknown, and ``book_conference`` names the field when the clerk saves.
    """
    warnings: list[BookingWarning] = []
    try:
        ctype: ConferenceType | None = ConferenceType(request.conference_type)
    except ValueError:
        ctype = None
    # No date yet: any conference already held counts as the children's previous one, and
    # the warnings that need a date wait for it.
    when = request.date or today + timedelta(days=NO_DATE_YET_DAYS)
    with desk.store.read() as session:
        children: list[Child] = []
        if request.child_ids:
            children = list(
                session.exec(
                    select(Child)
                    .where(col(Child.id).in_(request.child_ids))
                    .where(Child.family_id == request.family_id)
                ).all()
            )
        scale = Timescale(request.trigger_date, False, None, None)
        original = session.get(Conference, request.rebooks_id) if request.rebooks_id else None
        if original is not None:
            scale = Timescale(original.trigger_date, False, None, original.deadline)
        elif ctype is not None:
            scale = timescale(session, ctype, children, when, request.trigger_date, desk.rules)
        if request.date is not None:
            warnings += date_warnings(
                session,
                ctype=ctype,
                children=children,
                when=request.date,
                start=request.start_time,
                duration_minutes=request.duration_minutes,
                chair_id=request.chair_id,
                room_id=request.room_id,
                trigger=scale.trigger_date,
                deadline=scale.deadline,
                today=today,
                rules=desk.rules,
            )
    if scale.missing and ctype is not None and ctype.is_review and request.child_ids:
        warnings.append(BookingWarning("trigger_date", scale.missing))
    label = ctype.trigger_label if ctype is not None else DEFAULT_TRIGGER_LABEL
    trigger = scale.trigger_date
    after_it = trigger is not None and request.date is not None and trigger > request.date
    if trigger is not None and not after_it and trigger > today:
        warnings.append(BookingWarning("trigger_date", f"The {label.lower()} is in the future"))
    deadline = scale.deadline
    return BookingPreview(
        trigger_date=trigger,
        trigger_label=label,
        trigger_from_previous=scale.trigger_from_previous,
        deadline=deadline,
        days_left=working_days_between(today, deadline) if deadline is not None else None,
        warnings=warnings,
    )
