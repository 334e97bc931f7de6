"""The minutes of one held conference: started when it is marked held, then moved on step by
step (draft to the chair, approved or returned, distributed) with the decision letter
recorded when it goes out.

Every step is one write transaction with its audit events, each carrying the conference's id
so the record's History tab tells the whole story, returns and their notes included. A step
that does not fit the stage, a date in the future or before the step it follows, or a return
without a note is refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import Conference, Family, Invitee, Minutes, MinutesRecipient, OutboxMessage
from siu_tui.db.models import Staff as StaffModel
from siu_tui.domain.codes import Agency, ConferenceStatus, MinutesStage, OutboxState
from siu_tui.domain.dates import format_date
from siu_tui.domain.minutes import (
    STAGE_AFTER,
    STAGE_BEFORE,
    MinutesAction,
    MinutesTask,
    available_actions,
    days_overdue,
    holder_role,
    minutes_deadlines,
    task_state,
)
from siu_tui.domain.settings import Rules
from siu_tui.services import audit, fields
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError

OUTBOX_KIND = "minutes"
"""The outbox's kind for the covering e-mails sent with the minutes."""


# --- Starting the minutes -------------------------------------------------------------------


def start_minutes(session: Session, actor: str, conference: Conference, rules: Rules) -> Minutes:
    """The minutes of a conference just held, awaiting the clerk's draft, with the deadlines
    counted from its date; added to the caller's transaction (``mark_held`` calls this, so the
    conference is never held without them). An existing record is returned untouched."""
    existing = session.exec(select(Minutes).where(Minutes.conference_id == conference.id)).first()
    if existing is not None:
        return existing
    due = minutes_deadlines(conference.date, rules)
    minutes = Minutes(
        conference_id=conference.id,
        stage=MinutesStage.AWAITING_DRAFT.value,
        holder_id=conference.clerk_id,
        decision_letter_due=due.decision_letter,
        draft_due=due.draft_to_chair,
        distribution_due=due.distribution,
    )
    session.add(minutes)
    audit.record(session, actor, "start minutes", minutes, conference_id=conference.id)
    return minutes


# --- Reading --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MinutesStep:
    """One step with a deadline, as the Minutes tab lists it."""

    task: str
    label: str
    due: date
    done: date | None
    state: str
    state_label: str
    days_overdue: int


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone the minutes go (or went) to, and why they are on the list."""

    invitee_id: str | None
    name: str
    role: str | None
    agency: str
    agency_label: str
    email: str | None
    attended: bool | None
    why: str
    """"parent / carer", "did not attend", "attended" or "invited"."""
    emailed: bool = False


@dataclass(frozen=True, slots=True)
class MinutesView:
    """Everything the Minutes tab shows about one conference's minutes."""

    id: str | None
    """None for a held conference whose minutes were never started (history brought in
    before SIU Desk kept them): the first step starts them."""
    conference_id: str
    conference_reference: str
    conference_date: date
    family_name: str
    stage: str
    stage_label: str
    holder_name: str | None
    chair_id: str | None
    chair_name: str | None
    clerk_name: str | None
    steps: tuple[MinutesStep, ...]
    draft_to_chair_at: date | None
    approved_at: date | None
    decision_letter_at: date | None
    distributed_at: date | None
    returned_note: str | None
    recipients: tuple[Recipient, ...]
    recipients_recorded: bool
    """True once distributed (the list as sent); before that, the invite list they will
    go to."""
    actions: tuple[str, ...]
    """``MinutesAction`` codes that fit the stage."""

    @property
    def returned(self) -> bool:
        """Sent back by the chair and not yet sent to them again."""
        return bool(self.returned_note) and self.stage == MinutesStage.AWAITING_DRAFT.value


def why_recipient(agency: str, attended: bool | None) -> str:
    """Why someone gets the minutes: parents always do; others as invited, whether or not
    they came."""
    if agency == Agency.FAMILY.value:
        return "parent / carer"
    if attended is False:
        return "did not attend"
    return "attended" if attended else "invited"


def _agency_label(code: str) -> str:
    try:
        return Agency(code).label
    except ValueError:
        return code


def invite_list(session: Session, conference_id: str) -> list[Recipient]:
    """The conference's invitees as recipients of its minutes: parents first, then the
    professionals, each in name order."""
    rows = session.exec(
        select(Invitee)
        .where(Invitee.conference_id == conference_id)
        .order_by(col(Invitee.name), col(Invitee.id))
    ).all()
    out = [
        Recipient(
            invitee_id=i.id,
            name=i.name,
            role=i.role,
            agency=i.agency,
            agency_label=_agency_label(i.agency),
            email=i.email,
            attended=i.attended,
            why=why_recipient(i.agency, i.attended),
        )
        for i in rows
    ]
    return sorted(out, key=lambda r: r.agency != Agency.FAMILY.value)


def _recorded_recipients(session: Session, minutes_id: str) -> list[Recipient]:
    rows = session.exec(
        select(MinutesRecipient)
        .where(MinutesRecipient.minutes_id == minutes_id)
        .order_by(col(MinutesRecipient.name), col(MinutesRecipient.id))
    ).all()
    out = [
        Recipient(
            invitee_id=r.invitee_id,
            name=r.name,
            role=r.role,
            agency=r.agency,
            agency_label=_agency_label(r.agency),
            email=r.email,
            attended=r.attended,
            why=why_recipient(r.agency, r.attended),
            emailed=r.emailed,
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: r.agency != Agency.FAMILY.value)


def steps_of(minutes: Minutes, today: date) -> tuple[MinutesStep, ...]:
    """The three steps with a deadline, each judged as it stands today."""
    out = []
    for task, due, done in (
        (MinutesTask.DECISION_LETTER, minutes.decision_letter_due, minutes.decision_letter_at),
        (MinutesTask.DRAFT, minutes.draft_due, minutes.draft_to_chair_at),
        (MinutesTask.DISTRIBUTION, minutes.distribution_due, minutes.distributed_at),
    ):
        state = task_state(due, done, today)
        out.append(
            MinutesStep(
                task.value,
                task.label,
                due,
                done,
                state.value,
                state.label,
                days_overdue(due, done, today),
            )
        )
    return tuple(out)


def _staff_name(session: Session, staff_id: str | None) -> str | None:
    if staff_id is None:
        return None
    staff = session.get(StaffModel, staff_id)
    return staff.name if staff is not None else None


def _unstarted(conference: Conference, rules: Rules) -> Minutes:
    """What a held conference's minutes would be if started now (not added to any session)."""
    due = minutes_deadlines(conference.date, rules)
    return Minutes(
        id="",
        conference_id=conference.id,
        stage=MinutesStage.AWAITING_DRAFT.value,
        holder_id=conference.clerk_id,
        decision_letter_due=due.decision_letter,
        draft_due=due.draft_to_chair,
        distribution_due=due.distribution,
    )


def minutes_for_conference(desk: Desk, conference_id: str) -> MinutesView | None:
    """The conference's minutes, or None when it has not been held (there are none yet)."""
    today = clock.today()
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        if conference is None:
            raise NotFound("That conference is not on record")
        if conference.status != ConferenceStatus.HELD.value:
            return None
        minutes = session.exec(
            select(Minutes).where(Minutes.conference_id == conference_id)
        ).first()
        started = minutes is not None
        if minutes is None:
            minutes = _unstarted(conference, desk.rules)
        family = session.get(Family, conference.family_id)
        distributed = minutes.stage == MinutesStage.DISTRIBUTED.value
        recipients = (
            _recorded_recipients(session, minutes.id)
            if distributed
            else invite_list(session, conference_id)
        )
        return MinutesView(
            id=minutes.id if started else None,
            conference_id=conference.id,
            conference_reference=conference.reference,
            conference_date=conference.date,
            family_name=family.name if family is not None else "",
            stage=minutes.stage,
            stage_label=MinutesStage(minutes.stage).label,
            holder_name=_staff_name(session, minutes.holder_id),
            chair_id=conference.chair_id,
            chair_name=_staff_name(session, conference.chair_id),
            clerk_name=_staff_name(session, conference.clerk_id),
            steps=steps_of(minutes, today),
            draft_to_chair_at=minutes.draft_to_chair_at,
            approved_at=minutes.approved_at,
            decision_letter_at=minutes.decision_letter_at,
            distributed_at=minutes.distributed_at,
            returned_note=minutes.returned_note,
            recipients=tuple(recipients),
            recipients_recorded=distributed,
            actions=tuple(a.value for a in available_actions(minutes.stage)),
        )


# --- Moving them on -------------------------------------------------------------------------


def _load(session: Session, desk: Desk, conference_id: str) -> tuple[Conference, Minutes]:
    """The held conference and its minutes, started now if they never were."""
    conference = session.get(Conference, conference_id)
    if conference is None:
        raise NotFound("That conference is not on record")
    if conference.status != ConferenceStatus.HELD.value:
        status = ConferenceStatus(conference.status).label.lower()
        raise ValidationError.single(
            "stage", f"Minutes are kept for held conferences; this one is {status}"
        )
    return conference, start_minutes(session, desk.actor, conference, desk.rules)


def _check_stage(minutes: Minutes, action: MinutesAction) -> None:
    wanted = STAGE_BEFORE[action]
    if minutes.stage != wanted.value:
        now_label = MinutesStage(minutes.stage).label.lower()
        raise ValidationError.single(
            "stage",
            f"The minutes are {now_label}: only minutes {wanted.label.lower()} can be "
            f"{_VERBS[action]}",
        )


_VERBS: dict[MinutesAction, str] = {
    MinutesAction.TO_CHAIR: "sent to the chair",
    MinutesAction.APPROVE: "approved",
    MinutesAction.RETURN: "returned",
    MinutesAction.DISTRIBUTE: "distributed",
}


def _check_day(on: date, conference: Conference, after: date | None, what: str) -> None:
    """A step's date: not in the future, not before the conference or the step before it."""
    if on > clock.today():
        raise ValidationError.single("on", f"{format_date(on)} has not happened yet")
    if on < conference.date:
        raise ValidationError.single(
            "on", f"That is before the conference ({format_date(conference.date)})"
        )
    if after is not None and on < after:
        raise ValidationError.single("on", f"That is before {what} ({format_date(after)})")


def _holder_for(stage: MinutesStage, conference: Conference) -> str | None:
    return conference.chair_id if holder_role(stage.value) == "chair" else conference.clerk_id


def _move(
    session: Session,
    desk: Desk,
    conference: Conference,
    minutes: Minutes,
    action: MinutesAction,
    audit_action: str,
    **changes: object,
) -> None:
    before = audit.snapshot(minutes)
    stage = STAGE_AFTER[action]
    minutes.stage = stage.value
    minutes.holder_id = _holder_for(stage, conference)
    for name, value in changes.items():
        setattr(minutes, name, value)
    session.add(minutes)
    audit.record(
        session, desk.actor, audit_action, minutes, before=before, conference_id=conference.id
    )


def record_decision_letter(desk: Desk, conference_id: str, on: date) -> None:
    """Record the day the decision letter and outline plan went out (or put a wrong date
    right: the history keeps the old one)."""
    with desk.store.write() as session:
        conference, minutes = _load(session, desk, conference_id)
        _check_day(on, conference, None, "")
        if minutes.decision_letter_at == on:
            return
        before = audit.snapshot(minutes)
        minutes.decision_letter_at = on
        session.add(minutes)
        audit.record(
            session,
            desk.actor,
            "decision letter",
            minutes,
            before=before,
            conference_id=conference.id,
        )


def send_to_chair(desk: Desk, conference_id: str, on: date) -> None:
    """The clerk sends the draft to the chair, who then holds the minutes. The first draft's
    day is what the timescale judges; a draft sent again after a return keeps it."""
    with desk.store.write() as session:
        conference, minutes = _load(session, desk, conference_id)
        _check_stage(minutes, MinutesAction.TO_CHAIR)
        _check_day(on, conference, None, "")
        first = minutes.draft_to_chair_at or on
        _move(
            session,
            desk,
            conference,
            minutes,
            MinutesAction.TO_CHAIR,
            "send to chair" if minutes.draft_to_chair_at is None else "send to chair again",
            draft_to_chair_at=first,
        )


def approve_minutes(desk: Desk, conference_id: str, on: date) -> None:
    """The chair approves the draft; the clerk holds the minutes again, to send them out."""
    with desk.store.write() as session:
        conference, minutes = _load(session, desk, conference_id)
        _check_stage(minutes, MinutesAction.APPROVE)
        _check_day(on, conference, minutes.draft_to_chair_at, "the draft went to the chair")
        _move(
            session,
            desk,
            conference,
            minutes,
            MinutesAction.APPROVE,
            "approve minutes",
            approved_at=on,
        )


def return_minutes(desk: Desk, conference_id: str, note: str) -> None:
    """The chair sends the draft back to the clerk with what needs changing; the note stays
    on the minutes (and every note in the history) until the next return replaces it."""
    note = fields.note("note", note, label="The note") or ""
    if not note:
        raise ValidationError.single("note", "Say what needs changing before it is approved")
    with desk.store.write() as session:
        conference, minutes = _load(session, desk, conference_id)
        _check_stage(minutes, MinutesAction.RETURN)
        _move(
            session,
            desk,
            conference,
            minutes,
            MinutesAction.RETURN,
            "return minutes",
            returned_note=note,
        )


@dataclass(frozen=True, slots=True)
class DistributionResult:
    recipients: int
    emails: int
    """Covering e-mails queued in the outbox."""
    without_email: int
    """Recipients with no e-mail address (to be sent by post or by hand)."""


def _covering_email(recipient: Invitee, conference: Conference, on: date) -> tuple[str, str]:
    """Subject and body of the e-mail sent with the minutes: the reference and the date,
    never the family's name, since e-mail may pass through other hands."""
    subject = f"Child protection conference minutes: {conference.reference}"
    body = (
        f"Dear {recipient.name},\n\n"
        f"The minutes of the child protection conference held on "
        f"{format_date(conference.date)} (reference {conference.reference}) were distributed "
        f"on {format_date(on)}. They are sent to you separately and securely; please keep them "
        "confidential and tell the Safeguarding & Improvement Unit of anything that is "
        "wrong.\n\nSafeguarding & Improvement Unit"
    )
    return subject, body


def distribute_minutes(
    desk: Desk,
    conference_id: str,
    on: date,
    *,
    invitee_ids: Iterable[str] | None = None,
    send_emails: bool = False,
) -> DistributionResult:
    """Record that the approved minutes went out on ``on`` and to whom: everyone on the
    invite list (those invited, those who did not attend, the parents) unless
    ``invitee_ids`` chooses some; ``send_emails`` queues a covering e-mail in the outbox to
    each of them with an address. An empty invite list is allowed (minutes sent by post
    before the list was kept): nobody is recorded."""
    chosen = None if invitee_ids is None else set(invitee_ids)
    with desk.store.write() as session:
        conference, minutes = _load(session, desk, conference_id)
        _check_stage(minutes, MinutesAction.DISTRIBUTE)
        _check_day(on, conference, minutes.approved_at, "the chair approved them")
        invitees = session.exec(select(Invitee).where(Invitee.conference_id == conference_id)).all()
        if chosen is not None:
            strangers = chosen - {i.id for i in invitees}
            if strangers:
                raise ValidationError.single(
                    "recipients", "Someone chosen is not on this conference's invite list"
                )
            if invitees and not chosen:
                raise ValidationError.single(
                    "recipients", "Choose who the minutes went to from the invite list"
                )
            invitees = [i for i in invitees if i.id in chosen]
        _move(
            session,
            desk,
            conference,
            minutes,
            MinutesAction.DISTRIBUTE,
            "distribute minutes",
            distributed_at=on,
        )
        emails = 0
        for invitee in sorted(invitees, key=lambda i: i.name):
            email = send_emails and bool(invitee.email)
            recipient = MinutesRecipient(
                minutes_id=minutes.id,
                invitee_id=invitee.id,
                name=invitee.name,
                role=invitee.role,
                agency=invitee.agency,
                email=invitee.email,
                attended=invitee.attended,
                emailed=email,
            )
            session.add(recipient)
            audit.record(
                session, desk.actor, "minutes recipient", recipient, conference_id=conference.id
            )
            if email and invitee.email:
                subject, body = _covering_email(invitee, conference, on)
                message = OutboxMessage(
                    kind=OUTBOX_KIND,
                    to_address=invitee.email,
                    subject=subject,
                    body=body,
                    state=OutboxState.QUEUED.value,
                    related_id=minutes.id,
                )
                session.add(message)
                audit.record(
                    session, desk.actor, "queue e-mail", message, conference_id=conference.id
                )
                emails += 1
        return DistributionResult(
            recipients=len(invitees),
            emails=emails,
            without_email=sum(1 for i in invitees if not i.email),
        )
