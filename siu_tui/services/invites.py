"""A conference's invite list: who is invited, how and when, their replies, their agencies'
reports, the social worker's report, attendance on the day and the chair's decision when the
conference is not quorate.

Every change is one write transaction with its audit events (carrying the conference's id,
so the record's History tab shows them), and everything that can be checked is checked
before anything is written. Reading the list is a few keyed queries, so the invite tab costs
the same on any size of database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import exists
from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import (
    Conference,
    Family,
    Invitee,
    OutboxMessage,
    Room,
    SocialWorkerReport,
    Staff,
)
from siu_tui.domain.codes import (
    Agency,
    ConferenceStatus,
    ConferenceType,
    InquorateDecision,
    InviteMethod,
    InviteResponse,
    OutboxState,
    ReportFormat,
)
from siu_tui.domain.dates import format_date
from siu_tui.domain.invites import (
    ConferenceDetails,
    InviteeFacts,
    QuoracyOutlook,
    Receipt,
    agency_report_deadline,
    attendance_taken,
    describe_receipt,
    expects_agency_report,
    invitation_email,
    quoracy_outlook,
)
from siu_tui.domain.settings import Rules
from siu_tui.domain.timescales import report_deadlines
from siu_tui.services import audit, fields
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.outbox import queue_message, stop_message

INVITATION = "invitation"
"""The outbox kind of an invitation e-mail."""
MOVED = "conference moved"
"""The outbox kind of the message that follows a sent invitation when the conference moves."""
CANCELLED = "conference cancelled"
"""The outbox kind of the message that follows a sent invitation when it is cancelled."""
STOOD_DOWN = "conference stood down"
"""The outbox kind of the message that follows a sent invitation when it is stood down."""
NOTICE_OF_KIND: dict[str, str] = {
    INVITATION: "invitation",
    MOVED: "moved",
    CANCELLED: "cancelled",
    STOOD_DOWN: "stood_down",
}
"""Each kind of e-mail to an invitee, and the ``domain.invites.invitation_email`` notice it is
written (and rewritten) as."""

NAME_MAX = 120
ROLE_MAX = 120
PHONE_MAX = 40
_PHONE_CHARS = frozenset("0123456789 +()-.")

# The family first, then the child, then everyone else in the code list's order (children's
# social care leads the professionals).
_ORDER: dict[str, int] = {
    a.value: i
    for i, a in enumerate(
        [
            Agency.FAMILY,
            Agency.CHILD,
            *(a for a in Agency if a not in (Agency.FAMILY, Agency.CHILD)),
        ]
    )
}


# --- What the invite tab shows --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InviteeRow:
    """One invitee as the invite tab lists them."""

    id: str
    name: str
    role: str | None
    agency: str
    agency_label: str
    direct_contact: bool
    email: str | None
    phone: str | None
    invited_via: str | None
    invited_at: date | None
    response: str
    attended: bool | None
    report_format: str
    report_received_at: date | None
    expects_report: bool
    report: Receipt | None
    """The agency report judged against its deadline; None when no report is expected and
    none was received."""

    @property
    def contact(self) -> str:
        return self.email or self.phone or ""

    @property
    def response_label(self) -> str:
        return InviteResponse(self.response).label

    @property
    def invited_label(self) -> str:
        if self.invited_at is None:
            return ""
        via = InviteMethod(self.invited_via).label if self.invited_via else ""
        return f"{self.invited_at:%d/%m} {via}".strip()

    @property
    def report_label(self) -> str:
        """ "Other 20/11", "Due 24/11", "Overdue 24/11", or nothing for the family."""
        if self.report_received_at is not None:
            return f"{ReportFormat(self.report_format).label} {self.report_received_at:%d/%m}"
        if self.report is None:
            return ""
        if self.report.closed:
            return "None"
        if self.report.overdue:
            return "Overdue"
        return f"Due {self.report.deadline:%d/%m}"


@dataclass(frozen=True, slots=True)
class InviteSheet:
    """Everything the invite tab shows for one conference, read in one go."""

    conference_id: str
    reference: str
    type: str
    type_label: str
    date: date
    start_time: time
    status: str
    family_name: str
    social_worker: str | None
    social_worker_email: str | None
    rows: list[InviteeRow]
    quoracy: QuoracyOutlook
    to_parents: Receipt
    to_chair: Receipt
    agency_deadline: date
    decision: str | None
    decision_note: str | None
    queued: frozenset[str] = field(default_factory=frozenset)
    """Invitees with an invitation e-mail waiting in the outbox."""

    @property
    def attendance_taken(self) -> bool:
        return not self.quoracy.expected

    @property
    def decision_label(self) -> str | None:
        if self.decision is None:
            return None
        try:
            return InquorateDecision(self.decision).label
        except ValueError:
            return self.decision


def _facts(rows: Iterable[Invitee | InviteeRow]) -> list[InviteeFacts]:
    return [InviteeFacts(r.agency, r.direct_contact, r.response, r.attended) for r in rows]


def _row(invitee: Invitee, conference: Conference, desk: Desk, today: date) -> InviteeRow:
    expects = expects_agency_report(invitee.agency)
    report = None
    if expects or invitee.report_received_at is not None:
        deadline = agency_report_deadline(conference.type, conference.date, desk.rules)
        report = describe_receipt(invitee.report_received_at, deadline, conference.date, today)
    return InviteeRow(
        id=invitee.id,
        name=invitee.name,
        role=invitee.role,
        agency=invitee.agency,
        agency_label=Agency(invitee.agency).label,
        direct_contact=invitee.direct_contact,
        email=invitee.email,
        phone=invitee.phone,
        invited_via=invitee.invited_via,
        invited_at=invitee.invited_at,
        response=invitee.response,
        attended=invitee.attended,
        report_format=invitee.report_format,
        report_received_at=invitee.report_received_at,
        expects_report=expects,
        report=report,
    )


def _invitees(session: Session, conference_id: str) -> list[Invitee]:
    rows = list(session.exec(select(Invitee).where(Invitee.conference_id == conference_id)))
    rows.sort(key=lambda i: (_ORDER.get(i.agency, 99), i.name.casefold(), i.id))
    return rows


def _sw_report(session: Session, conference_id: str) -> SocialWorkerReport | None:
    return session.exec(
        select(SocialWorkerReport).where(SocialWorkerReport.conference_id == conference_id)
    ).first()


def invite_sheet(desk: Desk, conference_id: str, today: date | None = None) -> InviteSheet:
    """The conference's invite list with its quoracy and report receipts judged as of today."""
    today = today or clock.today()
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        if conference is None:
            raise NotFound("That conference is not on record")
        family = session.get(Family, conference.family_id)
        assert family is not None  # a foreign key
        invitees = _invitees(session, conference_id)
        report = _sw_report(session, conference_id)
        queued = set(
            session.exec(
                select(OutboxMessage.related_id)
                .where(col(OutboxMessage.related_id).in_([i.id for i in invitees]))
                .where(OutboxMessage.kind == INVITATION)
                .where(OutboxMessage.state == OutboxState.QUEUED.value)
            )
        )
    rules = desk.rules
    due = report_deadlines(conference.type, conference.date, rules)
    parents = report.to_parents_at if report else None
    chair = report.to_chair_at if report else None
    ctype = ConferenceType(conference.type)
    return InviteSheet(
        conference_id=conference.id,
        reference=conference.reference,
        type=ctype.value,
        type_label=ctype.label,
        date=conference.date,
        start_time=conference.start_time,
        status=conference.status,
        family_name=family.name,
        social_worker=family.social_worker,
        social_worker_email=family.social_worker_email,
        rows=[_row(i, conference, desk, today) for i in invitees],
        quoracy=quoracy_outlook(_facts(invitees), rules),
        to_parents=describe_receipt(parents, due.parents, conference.date, today),
        to_chair=describe_receipt(chair, due.chair, conference.date, today),
        agency_deadline=agency_report_deadline(conference.type, conference.date, rules),
        decision=conference.inquorate_decision,
        decision_note=conference.inquorate_note,
        queued=frozenset(q for q in queued if q),
    )


# --- Checking what was typed ----------------------------------------------------------------


@dataclass(frozen=True)
class InviteeInput:
    """Everything the add and edit forms send; codes are the stored ones."""

    name: str
    agency: str
    role: str | None = None
    direct_contact: bool = True
    email: str | None = None
    phone: str | None = None
    invited_via: str | None = None
    invited_at: date | None = None
    response: str = InviteResponse.NOT_KNOWN.value
    attended: bool | None = None
    report_format: str = ReportFormat.NONE.value
    report_received_at: date | None = None


def _code(kind: type, value: str, field_name: str, errors: dict[str, str]) -> str | None:
    try:
        return str(kind.parse(value).value)
    except ValueError as exc:
        errors[field_name] = str(exc)
        return None


def _not_future(
    value: date | None, field_name: str, what: str, today: date, errors: dict[str, str]
) -> None:
    if value is not None and value > today:
        errors[field_name] = f"{what} cannot be later than today ({format_date(today)})"


def _check_method(via: str | None, on: date | None, today: date, errors: dict[str, str]) -> None:
    if via:
        _code(InviteMethod, via, "invited_via", errors)
    if via and on is None:
        errors["invited_at"] = "Say when the invitation was sent"
    if on is not None and not via:
        errors["invited_via"] = "Say how the invitation was sent"
    _not_future(on, "invited_at", "The invitation date", today, errors)


def _check_report(
    report_format: str, received: date | None, today: date, errors: dict[str, str]
) -> None:
    fmt = _code(ReportFormat, report_format, "report_format", errors)
    if fmt is None:
        return
    if fmt != ReportFormat.NONE.value and received is None:
        errors["report_received_at"] = "Say when the report was received"
    if fmt == ReportFormat.NONE.value and received is not None:
        errors["report_format"] = "Choose the report's format (or clear the date received)"
    _not_future(received, "report_received_at", "The date received", today, errors)


def _attendance_message(conference: Conference) -> str:
    return f"Attendance is taken on the day: the conference is on {format_date(conference.date)}"


def _clean(data: InviteeInput, conference: Conference, today: date) -> dict[str, object]:
    """The stored values, or ValidationError naming every field that is wrong."""
    errors: dict[str, str] = {}
    name = fields.line("name", data.name, NAME_MAX, label="The name", errors=errors)
    name = " ".join((name or "").split())
    if not name and "name" not in errors:
        errors["name"] = "Enter the person's name"
    agency = _code(Agency, data.agency, "agency", errors)
    role = fields.line("role", data.role, ROLE_MAX, label="The role", errors=errors)
    role = " ".join((role or "").split()) or None
    email = fields.email("email", data.email, errors=errors)
    phone = fields.line("phone", data.phone, PHONE_MAX, label="The phone number", errors=errors)
    phone = " ".join((phone or "").split()) or None
    if phone and (len(phone) > PHONE_MAX or set(phone) - _PHONE_CHARS):
        errors["phone"] = "A telephone number is digits, spaces and + ( ) - only"
    _check_method(data.invited_via, data.invited_at, today, errors)
    response = _code(InviteResponse, data.response, "response", errors)
    invited_via = (
        _code(InviteMethod, data.invited_via, "invited_via", errors) if data.invited_via else None
    )
    report_format = _code(ReportFormat, data.report_format, "report_format", errors)
    if data.attended is not None and conference.date > today:
        errors["attended"] = _attendance_message(conference)
    _check_report(data.report_format, data.report_received_at, today, errors)
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "agency": agency,
        "role": role,
        "direct_contact": bool(data.direct_contact),
        "email": email,
        "phone": phone,
        "invited_via": invited_via,
        "invited_at": data.invited_at,
        "response": response,
        "attended": data.attended,
        "report_format": report_format,
        "report_received_at": data.report_received_at,
    }


# --- Loading for a change -------------------------------------------------------------------


def _conference(session: Session, conference_id: str) -> Conference:
    conference = session.get(Conference, conference_id)
    if conference is None:
        raise NotFound("That conference is not on record")
    if conference.status == ConferenceStatus.CANCELLED.value:
        raise ValidationError.single(
            "status", "This conference is cancelled: its invite list is kept as it was"
        )
    return conference


def _invitee(session: Session, invitee_id: str) -> tuple[Invitee, Conference]:
    invitee = session.get(Invitee, invitee_id)
    if invitee is None:
        raise NotFound("That person is no longer on the invite list")
    return invitee, _conference(session, invitee.conference_id)


def _invitees_of(
    session: Session, conference_id: str, invitee_ids: Sequence[str]
) -> tuple[Conference, list[Invitee]]:
    conference = _conference(session, conference_id)
    if not invitee_ids:
        raise ValidationError.single("invitees", "Choose at least one person on the list")
    found = list(
        session.exec(
            select(Invitee)
            .where(col(Invitee.id).in_(list(invitee_ids)))
            .where(Invitee.conference_id == conference_id)
        )
    )
    if len(found) != len(set(invitee_ids)):
        raise NotFound("Someone chosen is no longer on the invite list: refresh and try again")
    return conference, found


def _write(desk: Desk) -> AbstractContextManager[Session]:
    """One write transaction, the settings read first: judging quoracy inside it must not
    need a second connection while this one holds the write lock."""
    desk.rules  # noqa: B018 - cached on the desk from here on
    return desk.store.write()


def _store_quorate(session: Session, desk: Desk, conference: Conference) -> None:
    """Keep the conference's stored quorate flag in step with attendance (None until it is
    taken), so reports read it without judging every invite list again."""
    invitees = list(session.exec(select(Invitee).where(Invitee.conference_id == conference.id)))
    facts = _facts(invitees)
    quorate = quoracy_outlook(facts, desk.rules).quorate if attendance_taken(facts) else None
    if conference.quorate == quorate:
        return
    before = audit.snapshot(conference)
    conference.quorate = quorate
    conference.updated_at = clock.now()
    session.add(conference)
    audit.record(
        session, desk.actor, "quoracy", conference, before=before, conference_id=conference.id
    )


# --- Changes --------------------------------------------------------------------------------


def add_invitee(desk: Desk, conference_id: str, data: InviteeInput) -> str:
    """Put someone on the invite list; returns their id."""
    today = clock.today()
    with _write(desk) as session:
        conference = _conference(session, conference_id)
        values = _clean(data, conference, today)
        invitee = Invitee(conference_id=conference_id, **values)  # type: ignore[arg-type]
        session.add(invitee)
        audit.record(session, desk.actor, "invite", invitee, conference_id=conference_id)
        _store_quorate(session, desk, conference)
        return invitee.id


def update_invitee(desk: Desk, invitee_id: str, data: InviteeInput) -> None:
    """Change everything recorded about one invitee (the edit form sends all of it)."""
    today = clock.today()
    with _write(desk) as session:
        invitee, conference = _invitee(session, invitee_id)
        values = _clean(data, conference, today)
        before = audit.snapshot(invitee)
        for key, value in values.items():
            setattr(invitee, key, value)
        if audit.snapshot(invitee) == before:
            return
        session.add(invitee)
        audit.record(
            session,
            desk.actor,
            "change invitee",
            invitee,
            before=before,
            conference_id=conference.id,
        )
        _store_quorate(session, desk, conference)


def remove_invitee(desk: Desk, invitee_id: str) -> str:
    """Take someone off the invite list (added by mistake); returns their name. An invitation
    still waiting in the outbox is withdrawn with them, so it is never sent."""
    with _write(desk) as session:
        invitee, conference = _invitee(session, invitee_id)
        name = invitee.name
        waiting = session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.related_id == invitee_id)
            .where(col(OutboxMessage.kind).in_(list(NOTICE_OF_KIND)))
            .where(OutboxMessage.state == OutboxState.QUEUED.value)
        ).all()
        for message in waiting:
            audit.record(
                session, desk.actor, "withdraw e-mail", message, conference_id=conference.id,
                removed=True,
            )  # fmt: skip
            session.delete(message)
        audit.record(
            session, desk.actor, "uninvite", invitee, conference_id=conference.id, removed=True
        )
        session.delete(invitee)
        session.flush()
        _store_quorate(session, desk, conference)
        return name


@dataclass(frozen=True, slots=True)
class CopyResult:
    copied: int
    already: int
    source_reference: str
    source_date: date


def previous_list_source(session: Session, conference: Conference) -> Conference | None:
    """The family's latest conference before this one that has an invite list."""
    has_invitees = exists().where(Invitee.conference_id == Conference.id)
    d, t, i = col(Conference.date), col(Conference.start_time), col(Conference.id)
    earlier = (
        (d < conference.date)
        | ((d == conference.date) & (t < conference.start_time))
        | ((d == conference.date) & (t == conference.start_time) & (i < conference.id))
    )
    return session.exec(
        select(Conference)
        .where(Conference.family_id == conference.family_id, earlier, has_invitees)
        .order_by(d.desc(), t.desc(), i.desc())
        .limit(1)
    ).first()


def copy_previous_list(desk: Desk, conference_id: str) -> CopyResult:
    """Copy the people (names, roles, agencies, contact details) from the family's previous
    conference's list. Invitations, replies, attendance and reports are this conference's
    own, so they start afresh; people already on the list are not added twice."""
    with _write(desk) as session:
        conference = _conference(session, conference_id)
        source = previous_list_source(session, conference)
        if source is None:
            raise ValidationError.single(
                "copy", "No earlier conference of this family has an invite list to copy"
            )
        present = {
            (i.name.casefold(), i.agency)
            for i in session.exec(select(Invitee).where(Invitee.conference_id == conference_id))
        }
        copied = already = 0
        for old in _invitees(session, source.id):
            key = (old.name.casefold(), old.agency)
            if key in present:
                already += 1
                continue
            present.add(key)
            new = Invitee(
                conference_id=conference_id,
                name=old.name,
                role=old.role,
                agency=old.agency,
                direct_contact=old.direct_contact,
                email=old.email,
                phone=old.phone,
            )
            session.add(new)
            audit.record(session, desk.actor, "invite (copied)", new, conference_id=conference_id)
            copied += 1
        if copied:
            _store_quorate(session, desk, conference)
        return CopyResult(copied, already, source.reference, source.date)


def carry_over_invitees(session: Session, actor: str, from_id: str, to_id: str) -> int:
    """Put a stood-down conference's invite list on the conference that re-books it, inside
    the booking's transaction: the same people, to be invited again for the new date (their
    invitations, replies, attendance and reports belong to the conference that did not
    happen)."""
    count = 0
    for old in _invitees(session, from_id):
        new = Invitee(
            conference_id=to_id,
            name=old.name,
            role=old.role,
            agency=old.agency,
            direct_contact=old.direct_contact,
            email=old.email,
            phone=old.phone,
        )
        session.add(new)
        audit.record(session, actor, "invite (carried over)", new, conference_id=to_id)
        count += 1
    return count


def mark_invited(
    desk: Desk, conference_id: str, invitee_ids: Sequence[str], via: str, on: date
) -> int:
    """Record that several invitations went out the same way on the same day; returns how
    many were changed."""
    errors: dict[str, str] = {}
    if not via:
        errors["invited_via"] = "Say how the invitations were sent"
    _check_method(via or None, on, clock.today(), errors)
    if errors:
        raise ValidationError(errors)
    via = str(InviteMethod.parse(via).value)
    changed = 0
    with _write(desk) as session:
        _conference_row, invitees = _invitees_of(session, conference_id, invitee_ids)
        for invitee in invitees:
            if (invitee.invited_via, invitee.invited_at) == (via, on):
                continue
            before = audit.snapshot(invitee)
            invitee.invited_via, invitee.invited_at = via, on
            session.add(invitee)
            audit.record(
                session, desk.actor, "invited", invitee, before=before, conference_id=conference_id
            )
            changed += 1
    return changed


def set_response(desk: Desk, conference_id: str, invitee_ids: Sequence[str], response: str) -> int:
    """Record the same reply for one or more invitees; returns how many changed."""
    errors: dict[str, str] = {}
    code = _code(InviteResponse, response, "response", errors)
    if code is None:
        raise ValidationError(errors)
    response = code
    changed = 0
    with _write(desk) as session:
        _conference_row, invitees = _invitees_of(session, conference_id, invitee_ids)
        for invitee in invitees:
            if invitee.response == response:
                continue
            before = audit.snapshot(invitee)
            invitee.response = response
            session.add(invitee)
            audit.record(
                session, desk.actor, "reply", invitee, before=before, conference_id=conference_id
            )
            changed += 1
    return changed


def set_attendance(
    desk: Desk, conference_id: str, invitee_ids: Sequence[str], attended: bool | None
) -> QuoracyOutlook:
    """Tick (or untick) who attended, on or after the day; returns quoracy as it now stands."""
    with _write(desk) as session:
        conference, invitees = _invitees_of(session, conference_id, invitee_ids)
        if attended is not None and conference.date > clock.today():
            raise ValidationError.single("attended", _attendance_message(conference))
        for invitee in invitees:
            if invitee.attended == attended:
                continue
            before = audit.snapshot(invitee)
            invitee.attended = attended
            session.add(invitee)
            audit.record(
                session,
                desk.actor,
                "attendance",
                invitee,
                before=before,
                conference_id=conference_id,
            )
        session.flush()
        _store_quorate(session, desk, conference)
        everyone = session.exec(select(Invitee).where(Invitee.conference_id == conference_id))
        return quoracy_outlook(_facts(everyone), desk.rules)


def record_agency_report(
    desk: Desk, invitee_id: str, report_format: str, received: date | None
) -> None:
    """Record an agency's report: its format and the day it arrived ("none" and no date
    clears it)."""
    errors: dict[str, str] = {}
    _check_report(report_format, received, clock.today(), errors)
    if errors:
        raise ValidationError(errors)
    report_format = str(ReportFormat.parse(report_format).value)
    with _write(desk) as session:
        invitee, conference = _invitee(session, invitee_id)
        if (invitee.report_format, invitee.report_received_at) == (report_format, received):
            return
        before = audit.snapshot(invitee)
        invitee.report_format, invitee.report_received_at = report_format, received
        session.add(invitee)
        audit.record(
            session,
            desk.actor,
            "agency report",
            invitee,
            before=before,
            conference_id=conference.id,
        )


def record_sw_report(
    desk: Desk, conference_id: str, to_parents: date | None, to_chair: date | None
) -> None:
    """When the social worker's report reached the parents and the chair (None: not yet)."""
    errors: dict[str, str] = {}
    today = clock.today()
    _not_future(to_parents, "to_parents", "The date it reached the parents", today, errors)
    _not_future(to_chair, "to_chair", "The date it reached the chair", today, errors)
    if errors:
        raise ValidationError(errors)
    with _write(desk) as session:
        conference = _conference(session, conference_id)
        report = _sw_report(session, conference_id)
        if report is None:
            report = SocialWorkerReport(conference_id=conference_id)
            before = None
        else:
            before = audit.snapshot(report)
            if (report.to_parents_at, report.to_chair_at) == (to_parents, to_chair):
                return
        report.to_parents_at, report.to_chair_at = to_parents, to_chair
        session.add(report)
        audit.record(
            session, desk.actor, "social worker's report", report, before=before,
            conference_id=conference.id,
        )  # fmt: skip


def record_inquorate_decision(
    desk: Desk, conference_id: str, decision: str, note: str | None
) -> str:
    """Record what the chair decided about a conference that is not quorate on the day:
    proceed (the reason is required) or stand down. Returns the decision's code; standing
    down itself (reason, re-booking) is recorded separately, on the stand-down."""
    errors: dict[str, str] = {}
    code = _code(InquorateDecision, decision, "decision", errors) if decision else None
    if not decision:
        errors["decision"] = "Choose the chair's decision"
    note = fields.note("note", note, label="The note", errors=errors)
    if code == InquorateDecision.PROCEED.value and not note and "note" not in errors:
        errors["note"] = "Say why the chair decided to proceed without a quorum"
    if errors:
        raise ValidationError(errors)
    with _write(desk) as session:
        conference = _conference(session, conference_id)
        facts = _facts(session.exec(select(Invitee).where(Invitee.conference_id == conference_id)))
        if not attendance_taken(facts):
            raise ValidationError.single(
                "decision", "Take attendance first: the chair decides once we know who is here"
            )
        if quoracy_outlook(facts, desk.rules).quorate:
            raise ValidationError.single(
                "decision", "The conference is quorate: there is no decision to record"
            )
        before = audit.snapshot(conference)
        conference.inquorate_decision = code
        conference.inquorate_note = note
        conference.updated_at = clock.now()
        session.add(conference)
        audit.record(
            session, desk.actor, "inquorate decision", conference, before=before,
            conference_id=conference.id,
        )  # fmt: skip
        assert code is not None
        return code


# --- Invitation e-mails ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueResult:
    queued: int
    no_email: tuple[str, ...]
    """Names of the chosen people with no e-mail address (to invite another way)."""
    already: int
    """Already waiting in the outbox."""


def _details(session: Session, conference: Conference, rules: Rules) -> ConferenceDetails:
    family = session.get(Family, conference.family_id)
    assert family is not None
    chair = session.get(Staff, conference.chair_id) if conference.chair_id else None
    room = session.get(Room, conference.room_id) if conference.room_id else None
    return ConferenceDetails(
        reference=conference.reference,
        type_label=ConferenceType(conference.type).label,
        family_name=family.name,
        date=conference.date,
        start_time=conference.start_time,
        duration_minutes=conference.duration_minutes,
        venue=conference.venue or (room.name if room else ""),
        chair=chair.name if chair else None,
        report_due=agency_report_deadline(conference.type, conference.date, rules),
    )


def queue_invitations(
    desk: Desk, conference_id: str, invitee_ids: Sequence[str] | None = None
) -> QueueResult:
    """Put invitation e-mails in the outbox (sent whenever SMTP is reachable, never lost when
    it is not) for the chosen people, or, with no choice, everyone not yet invited. Each is
    recorded as invited by e-mail today unless already recorded as invited."""
    today = clock.today()
    with _write(desk) as session:
        conference = _conference(session, conference_id)
        if conference.status != ConferenceStatus.BOOKED.value or conference.date < today:
            raise ValidationError.single(
                "invitees", "Invitations go out for a booked conference that is still to come"
            )
        if invitee_ids:
            _conf, chosen = _invitees_of(session, conference_id, invitee_ids)
            chosen.sort(key=lambda i: (_ORDER.get(i.agency, 99), i.name.casefold(), i.id))
        else:
            chosen = [i for i in _invitees(session, conference_id) if i.invited_at is None]
        if not chosen:
            raise ValidationError.single(
                "invitees", "Everyone on the list is already invited: mark people to e-mail again"
            )
        waiting = set(
            session.exec(
                select(OutboxMessage.related_id)
                .where(col(OutboxMessage.related_id).in_([i.id for i in chosen]))
                .where(OutboxMessage.kind == INVITATION)
                .where(OutboxMessage.state == OutboxState.QUEUED.value)
            )
        )
        details = _details(session, conference, desk.rules)
        queued = already = 0
        no_email: list[str] = []
        for invitee in chosen:
            if not invitee.email:
                no_email.append(invitee.name)
                continue
            if invitee.id in waiting:
                already += 1
                continue
            subject, body = invitation_email(details, invitee.name, invitee.agency)
            message = OutboxMessage(
                kind=INVITATION,
                to_address=invitee.email,
                subject=subject[:250],
                body=body,
                state=OutboxState.QUEUED.value,
                related_id=invitee.id,
            )
            session.add(message)
            audit.record(session, desk.actor, "queue e-mail", message, conference_id=conference_id)
            if invitee.invited_at is None:
                before = audit.snapshot(invitee)
                invitee.invited_via, invitee.invited_at = InviteMethod.EMAIL.value, today
                session.add(invitee)
                audit.record(
                    session, desk.actor, "invited", invitee, before=before,
                    conference_id=conference_id,
                )  # fmt: skip
            queued += 1
        return QueueResult(queued, tuple(no_email), already)


# --- Keeping the e-mails true when the conference changes ------------------------------------

_WENT = (OutboxState.SENT.value, OutboxState.SENDING.value)
"""States of a message that has (or may have) reached the invitee."""


def _mail_by_invitee(
    session: Session, conference_id: str
) -> list[tuple[Invitee, list[OutboxMessage]]]:
    """Each invitee of the conference with every e-mail to them about it, oldest first
    (linked exactly: the message's ``related_id`` is the invitee)."""
    invitees = _invitees(session, conference_id)
    mail: dict[str, list[OutboxMessage]] = {i.id: [] for i in invitees}
    if invitees:
        for message in session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.related_id).in_(list(mail)))
            .where(col(OutboxMessage.kind).in_(list(NOTICE_OF_KIND)))
            .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
        ):
            mail[message.related_id or ""].append(message)
    return [(i, mail[i.id]) for i in invitees]


def _rewrite(
    session: Session,
    actor: str,
    message: OutboxMessage,
    invitee: Invitee,
    details: ConferenceDetails,
) -> None:
    """A message not yet sent says what is true now: the same kind of e-mail, rewritten."""
    subject, body = invitation_email(
        details, invitee.name, invitee.agency, NOTICE_OF_KIND[message.kind]
    )
    subject = subject[:250]
    if (subject, body) == (message.subject, message.body):
        return
    before = audit.snapshot(message)
    message.subject, message.body = subject, body
    session.add(message)
    audit.record(
        session, actor, "update e-mail", message, before=before, conference_id=invitee.conference_id
    )


def _follow(
    session: Session,
    actor: str,
    invitee: Invitee,
    sent: list[OutboxMessage],
    kind: str,
    details: ConferenceDetails,
) -> None:
    """Queue the message that follows one already sent, to the invitee's address now."""
    address = invitee.email or sent[-1].to_address
    subject, body = invitation_email(details, invitee.name, invitee.agency, NOTICE_OF_KIND[kind])
    queue_message(
        session,
        actor,
        kind=kind,
        to_address=address,
        subject=subject,
        body=body,
        related_id=invitee.id,
        conference_id=invitee.conference_id,
    )


def invitations_follow_change(
    session: Session, actor: str, conference: Conference, rules: Rules, *, moved: bool
) -> None:
    """After a move (date, time, length, room or venue) or a new chair, inside the change's
    transaction: every e-mail to an invitee still waiting in the outbox is rewritten with the
    new details (and the report due date worked out again from the new date), and, after a
    move, anyone whose invitation has already gone and who has nothing waiting is sent a short
    "the conference has moved" message with the new details."""
    details = _details(session, conference, rules)
    for invitee, messages in _mail_by_invitee(session, conference.id):
        waiting = [m for m in messages if m.state == OutboxState.QUEUED.value]
        for message in waiting:
            _rewrite(session, actor, message, invitee, details)
        sent = [m for m in messages if m.state in _WENT]
        if moved and sent and not waiting:
            _follow(session, actor, invitee, sent, MOVED, details)


def withdraw_invitations(
    session: Session,
    actor: str,
    conference: Conference,
    rules: Rules,
    why: str,
    *,
    tell: str | None,
) -> int:
    """The conference will not take place as invited (held, stood down, cancelled): every
    e-mail to an invitee still waiting in the outbox is marked not needed, so it is never sent
    or exported, and, with ``tell`` (the kind of notice: ``CANCELLED``, ``STOOD_DOWN``),
    anyone whose invitation has already gone is sent that notice. Returns how many waiting
    e-mails were withdrawn."""
    details = _details(session, conference, rules) if tell else None
    stopped = 0
    for invitee, messages in _mail_by_invitee(session, conference.id):
        for message in messages:
            if message.state != OutboxState.QUEUED.value:
                continue
            stop_message(session, actor, message, why, conference.id)
            stopped += 1
        sent = [m for m in messages if m.state in _WENT]
        if tell is not None and details is not None and sent:
            _follow(session, actor, invitee, sent, tell, details)
    return stopped
