"""Advocacy referrals: every child old enough is offered an advocate, and the service is told.

Booking a conference, adding a child to one and moving one all call ``refer_eligible`` inside
their own transaction, so a referral exists exactly when the booking does: once per child
per conference (the table's unique pair), never twice however often the date moves.
Cancelling withdraws the referrals (kept, with ``withdrawn_at``); re-booking a stood-down
conference carries them over (``carry_over_referrals``). Each referral, and each change the
advocacy service needs to know about, queues an e-mail in the outbox (``services.outbox``).

While a referral's e-mail is still waiting in the outbox it is simply rewritten (a moved
date) or marked not needed (a withdrawal), so the service only ever hears the current
details; once it has gone, a short update follows it.

``advocacy_figures`` gives the counts for a period, for the advocacy screen and the reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Column, Date, MetaData, Table, case, func, or_
from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import (
    AdvocacyReferral,
    Child,
    Conference,
    ConferenceChild,
    Family,
    OutboxMessage,
    Room,
    Setting,
    Staff,
)
from siu_tui.db.planner import bare, fill_temporary
from siu_tui.domain.advocacy import (
    NOTICES,
    AdvocacyFigures,
    NoticeDetails,
    age_label,
    compose_notice,
    eligible_for_advocacy,
    figures_from_counts,
    latest_birth_at_referral_age,
)
from siu_tui.domain.codes import AdvocacyOutcome, ConferenceStatus, ConferenceType, OutboxState
from siu_tui.domain.dates import format_date
from siu_tui.domain.settings import Rules
from siu_tui.services import audit, fields
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.outbox import queue_message, stop_message

KIND = "advocacy"
"""The outbox kind of every message about a referral."""
REASON_MAX = 500


# --- Settings read inside a transaction -----------------------------------------------------


def _stored(session: Session, key: str) -> object:
    row = session.get(Setting, key)
    return json.loads(row.value) if row is not None else None


def advocacy_address(session: Session) -> str:
    """The advocacy service's address as set now ("" while it has not been set)."""
    value = _stored(session, "advocacy_email")
    return value if isinstance(value, str) else ""


def _rules(session: Session) -> Rules:
    from siu_tui.services.settings import PREFERENCE_KEYS

    values = {
        row.key: json.loads(row.value)
        for row in session.exec(select(Setting))
        if row.key not in PREFERENCE_KEYS
    }
    return Rules.from_mapping(values)


# --- The e-mail -----------------------------------------------------------------------------


def _details(
    session: Session, conference: Conference, child: Child, referral: AdvocacyReferral
) -> NoticeDetails:
    family = session.get(Family, conference.family_id)
    room = session.get(Room, conference.room_id) if conference.room_id else None
    chair = session.get(Staff, conference.chair_id) if conference.chair_id else None
    venue = conference.venue or (room.name if room else "") or "to be confirmed"
    contact = (family.social_worker_email if family else None) or "contact the unit"
    return NoticeDetails(
        child_name=f"{child.first_name} {child.last_name}",
        age_label=age_label(child.date_of_birth, conference.date),
        conference_reference=conference.reference,
        conference_type=ConferenceType(conference.type).label,
        date=conference.date,
        start_time=conference.start_time,
        venue=venue,
        chair=chair.name if chair else "to be confirmed",
        social_worker=(family.social_worker if family else None) or "not recorded",
        social_worker_contact=contact,
        automatic=referral.automatic,
        reason=referral.reason,
        min_age=_rules(session).advocacy_min_age,
    )


def _latest_message(session: Session, referral_id: str) -> OutboxMessage | None:
    return session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.related_id == referral_id, OutboxMessage.kind == KIND)
        .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
        .limit(1)
    ).first()


def _notify(
    session: Session,
    actor: str,
    referral: AdvocacyReferral,
    conference: Conference,
    child: Child,
    notice: str,
    why: str | None = None,
) -> OutboxMessage:
    subject, body = compose_notice(_details(session, conference, child, referral), notice, why)
    return queue_message(
        session,
        actor,
        kind=KIND,
        to_address=advocacy_address(session),
        subject=subject,
        body=body,
        related_id=referral.id,
        conference_id=conference.id,
    )


def _rewrite(
    session: Session,
    actor: str,
    message: OutboxMessage,
    referral: AdvocacyReferral,
    conference: Conference,
    child: Child,
) -> None:
    """A message not yet sent is brought up to date rather than followed by a correction."""
    notice = "rebooked" if message.subject.startswith(NOTICES["rebooked"][0]) else "referral"
    subject, body = compose_notice(_details(session, conference, child, referral), notice)
    if (subject, body) == (message.subject, message.body):
        return
    before = audit.snapshot(message)
    message.subject, message.body = subject, body
    session.add(message)
    audit.record(
        session, actor, "update e-mail", message, before=before, conference_id=conference.id
    )


# --- Hooks called by booking and changes ----------------------------------------------------


def _children(session: Session, conference_id: str, child_ids: list[str] | None) -> list[Child]:
    query = (
        select(Child)
        .join(ConferenceChild, col(ConferenceChild.child_id) == Child.id)
        .where(ConferenceChild.conference_id == conference_id)
        .order_by(col(Child.date_of_birth), col(Child.id))
    )
    if child_ids is not None:
        query = query.where(col(Child.id).in_(child_ids))
    return list(session.exec(query))


def _referrals(session: Session, conference_id: str) -> dict[str, AdvocacyReferral]:
    return {
        r.child_id: r
        for r in session.exec(
            select(AdvocacyReferral).where(AdvocacyReferral.conference_id == conference_id)
        )
    }


def refer_eligible(
    session: Session,
    actor: str,
    conference: Conference,
    rules: Rules,
    *,
    child_ids: list[str] | None = None,
) -> list[AdvocacyReferral]:
    """Refer every child at the conference old enough on its date who has no referral for it
    (or only a withdrawn one, which is reinstated), and queue each e-mail. Returns the new
    or reinstated referrals."""
    existing = _referrals(session, conference.id)
    made: list[AdvocacyReferral] = []
    for child in _children(session, conference.id, child_ids):
        if not eligible_for_advocacy(child.date_of_birth, conference.date, rules):
            continue
        referral = existing.get(child.id)
        if referral is not None and referral.withdrawn_at is None:
            continue  # once per child per conference
        if referral is None:
            referral = AdvocacyReferral(
                child_id=child.id, conference_id=conference.id, referred_at=clock.now()
            )
            session.add(referral)
            audit.record(
                session, actor, "refer for advocacy", referral, conference_id=conference.id
            )
        else:
            before = audit.snapshot(referral)
            referral.withdrawn_at = None
            if referral.automatic:
                referral.reason = None  # why it was withdrawn no longer applies
            referral.outcome = AdvocacyOutcome.PENDING.value
            referral.supported = None
            referral.referred_at = clock.now()
            session.add(referral)
            audit.record(
                session,
                actor,
                "refer for advocacy again",
                referral,
                before=before,
                conference_id=conference.id,
            )
        _notify(session, actor, referral, conference, child, "referral")
        made.append(referral)
    return made


def _withdraw(
    session: Session,
    actor: str,
    referral: AdvocacyReferral,
    conference: Conference,
    why: str,
    *,
    tell_service: bool = True,
) -> None:
    before = audit.snapshot(referral)
    referral.withdrawn_at = clock.now()
    referral.reason = referral.reason or why
    session.add(referral)
    audit.record(
        session, actor, "withdraw referral", referral, before=before, conference_id=conference.id
    )
    went = False
    for message in session.exec(
        select(OutboxMessage).where(
            OutboxMessage.related_id == referral.id, OutboxMessage.kind == KIND
        )
    ):
        if message.state in (OutboxState.SENT.value, OutboxState.SENDING.value):
            went = True
        if message.state != OutboxState.QUEUED.value:
            continue
        stop_message(
            session, actor, message, f"the referral was withdrawn ({why.lower()})", conference.id
        )
    if tell_service and went:
        # The service has heard of the referral (perhaps not of a later update that was
        # waiting): it is told the referral is withdrawn.
        child = session.get(Child, referral.child_id)
        assert child is not None  # a foreign key
        _notify(session, actor, referral, conference, child, "withdrawn", why)


def withdraw_referrals(
    session: Session,
    actor: str,
    conference: Conference,
    why: str,
    *,
    child_id: str | None = None,
) -> None:
    """Withdraw the conference's live referrals (or one child's): kept, with the date, and
    the service told if it had already heard of them."""
    for referral in _referrals(session, conference.id).values():
        if referral.withdrawn_at is None and child_id in (None, referral.child_id):
            _withdraw(session, actor, referral, conference, why)


def conference_changed(
    session: Session, actor: str, conference: Conference, rules: Rules, *, moved: bool
) -> None:
    """After a move (or a new chair): waiting e-mails are rewritten with the new details,
    the service is told of a move it already knew the old date of, and children who are
    now old enough are referred.

    A move works both ways: an automatic referral of a child who is no longer old enough on
    the new date is withdrawn (kept, with the reason; its waiting e-mail not sent, or the
    service told if it had gone). A referral made by hand stands whatever the date."""
    children = {c.id: c for c in _children(session, conference.id, None)}
    for referral in _referrals(session, conference.id).values():
        child = children.get(referral.child_id)
        if referral.withdrawn_at is not None or child is None:
            continue
        if (
            moved
            and referral.automatic
            and not eligible_for_advocacy(child.date_of_birth, conference.date, rules)
        ):
            why = (
                f"Under {rules.advocacy_min_age} on the conference date after it moved to "
                f"{format_date(conference.date)}"
            )
            _withdraw(session, actor, referral, conference, why)
            continue
        message = _latest_message(session, referral.id)
        if message is None:
            continue
        if message.state == OutboxState.QUEUED.value:
            _rewrite(session, actor, message, referral, conference, child)
        elif moved and message.state in (OutboxState.SENT.value, OutboxState.SENDING.value):
            _notify(session, actor, referral, conference, child, "moved")
    if moved:
        refer_eligible(session, actor, conference, rules)


def carry_over_referrals(
    session: Session,
    from_conference_id: str,
    to_conference_id: str,
    *,
    actor: str = "siu",
    rules: Rules | None = None,
) -> list[AdvocacyReferral]:
    """Carry a stood-down conference's referrals over to the conference that re-books it,
    inside the caller's write transaction.

    Each live referral whose child is at the new conference moves with the child's answer
    so far (a child who accepted an advocate keeps them): a referral on the new conference
    carrying the same outcome, by-hand reason and first referral date, and an e-mail telling
    the service the new date (or the first e-mail, if the old one never went). If booking the
    new conference already referred the child automatically, that referral takes the old
    one's history instead of adding a second. The old referrals are withdrawn ("carried
    over"), so each child is counted once. Children at the new conference who are old enough
    and had no referral are referred as at any booking. Returns the new conference's live
    referrals. Calling it twice changes nothing the second time.
    """
    old_conference = session.get(Conference, from_conference_id)
    new_conference = session.get(Conference, to_conference_id)
    if old_conference is None or new_conference is None:
        raise NotFound("That conference is not on record")
    rules = rules or _rules(session)
    children = {c.id: c for c in _children(session, new_conference.id, None)}
    current = _referrals(session, new_conference.id)
    why = f"Carried over to {new_conference.reference}"
    for old in _referrals(session, old_conference.id).values():
        if old.withdrawn_at is not None:
            continue
        child = children.get(old.child_id)
        old_message = _latest_message(session, old.id)
        went = old_message is not None and old_message.state in (
            OutboxState.SENT.value,
            OutboxState.SENDING.value,
        )
        _withdraw(session, actor, old, old_conference, why, tell_service=False)
        if child is None:
            continue
        referral = current.get(child.id)
        if referral is None:
            referral = AdvocacyReferral(child_id=child.id, conference_id=new_conference.id)
            session.add(referral)
            action, before = "carry over referral", None
        else:
            action, before = "carry over referral", audit.snapshot(referral)
        referral.automatic = old.automatic
        referral.reason = old.reason if not old.automatic else referral.reason
        referral.referred_at = old.referred_at
        referral.outcome = old.outcome
        referral.supported = None
        referral.withdrawn_at = None
        if went:
            referral.notified_at = old.notified_at
        session.add(referral)
        audit.record(
            session, actor, action, referral, before=before, conference_id=new_conference.id
        )
        waiting = _latest_message(session, referral.id) if before is not None else None
        if waiting is not None and waiting.state == OutboxState.QUEUED.value:
            if went:  # the service knows the child: say it is a re-booking, not a new referral
                subject, body = compose_notice(
                    _details(session, new_conference, child, referral), "rebooked"
                )
                snap = audit.snapshot(waiting)
                waiting.subject, waiting.body = subject, body
                session.add(waiting)
                audit.record(
                    session,
                    actor,
                    "update e-mail",
                    waiting,
                    before=snap,
                    conference_id=new_conference.id,
                )
            else:
                _rewrite(session, actor, waiting, referral, new_conference, child)
        else:
            notice = "rebooked" if went else "referral"
            _notify(session, actor, referral, new_conference, child, notice)
        current[child.id] = referral
    refer_eligible(session, actor, new_conference, rules)
    return [r for r in _referrals(session, new_conference.id).values() if r.withdrawn_at is None]


# --- What a clerk records -------------------------------------------------------------------


def refer_by_hand(desk: Desk, conference_id: str, child_id: str, reason: str) -> str:
    """Refer a child who is not referred automatically (a sibling aged 7–9, say), with the
    reason; returns the referral's id. Refused, with nothing written, for a conference that
    is not booked, a child who is not at it, an unborn child or one already referred."""
    reason = fields.note("reason", reason, label="The reason") or ""
    if not reason:
        raise ValidationError.single("reason", "Say why this child is referred")
    if len(reason) > REASON_MAX:
        raise ValidationError.single("reason", f"Keep the reason under {REASON_MAX} characters")
    with desk.store.write() as session:
        conference = session.get(Conference, conference_id)
        if conference is None:
            raise NotFound("That conference is not on record")
        if conference.status != ConferenceStatus.BOOKED.value:
            status = ConferenceStatus(conference.status).label.lower()
            raise ValidationError.single(
                "child", f"Only a booked conference takes referrals; this one is {status}"
            )
        children = _children(session, conference_id, [child_id])
        if not children:
            raise ValidationError.single("child", "Choose a child who is at this conference")
        child = children[0]
        name = f"{child.first_name} {child.last_name}"
        if child.date_of_birth is None or child.date_of_birth > conference.date:
            raise ValidationError.single("child", f"{name} is not born yet")
        referral = _referrals(session, conference_id).get(child_id)
        if referral is not None and referral.withdrawn_at is None:
            raise ValidationError.single("child", f"{name} is already referred")
        if referral is None:
            referral = AdvocacyReferral(
                child_id=child_id,
                conference_id=conference_id,
                automatic=False,
                reason=reason,
                referred_at=clock.now(),
            )
            session.add(referral)
            audit.record(
                session, desk.actor, "refer by hand", referral, conference_id=conference_id
            )
        else:
            before = audit.snapshot(referral)
            referral.automatic = False
            referral.reason = reason
            referral.withdrawn_at = None
            referral.outcome = AdvocacyOutcome.PENDING.value
            referral.supported = None
            referral.referred_at = clock.now()
            session.add(referral)
            audit.record(
                session,
                desk.actor,
                "refer by hand",
                referral,
                before=before,
                conference_id=conference_id,
            )
        _notify(session, desk.actor, referral, conference, child, "referral")
        return referral.id


def update_referral(
    desk: Desk, referral_id: str, *, outcome: str, supported: bool | None = None
) -> None:
    """Record where a referral stands: contacted, the child's answer, and (once the
    conference has taken place) whether the advocate supported the child at it."""
    errors: dict[str, str] = {}
    try:
        outcome = AdvocacyOutcome.parse(outcome).value
    except ValueError as exc:
        errors["outcome"] = str(exc)
    if supported and outcome != AdvocacyOutcome.ACCEPTED.value:
        errors["supported"] = "Only a child who accepted an advocate can have been supported"
    if errors:
        raise ValidationError(errors)
    with desk.store.write() as session:
        referral = session.get(AdvocacyReferral, referral_id)
        if referral is None:
            raise NotFound("That referral is not on record")
        if referral.withdrawn_at is not None:
            raise ValidationError.single(
                "outcome", "This referral was withdrawn; it can no longer be changed"
            )
        conference = session.get(Conference, referral.conference_id)
        assert conference is not None  # a foreign key
        if supported is not None and conference.date > clock.today():
            raise ValidationError.single(
                "supported",
                f"The conference is on {format_date(conference.date)}: record support after it",
            )
        before = audit.snapshot(referral)
        referral.outcome = outcome
        referral.supported = supported
        if audit.snapshot(referral) == before:
            return
        session.add(referral)
        audit.record(
            session,
            desk.actor,
            "update referral",
            referral,
            before=before,
            conference_id=conference.id,
        )


# --- Reading --------------------------------------------------------------------------------

ADVOCACY_VIEWS: dict[str, str] = {
    **{o.value: o.label for o in AdvocacyOutcome},
    "withdrawn": "Withdrawn",
}
"""The advocacy screen's lists: one per outcome, and the withdrawn ones."""
OPEN_VIEWS = frozenset({AdvocacyOutcome.PENDING.value, AdvocacyOutcome.CONTACTED.value})
"""Lists that are work to do read oldest conference first; the others newest first."""


@dataclass(frozen=True, slots=True)
class ReferralRow:
    id: str
    child_id: str
    child_name: str
    age_label: str
    conference_id: str
    conference_reference: str
    conference_date: date
    start_time: time
    conference_type: str
    conference_status: str
    family_name: str
    automatic: bool
    reason: str | None
    outcome: str
    outcome_label: str
    referred_at: datetime
    notified_at: datetime | None
    mail_state: str | None
    """The state of the latest e-mail about it (queued, sent, ...)."""
    supported: bool | None
    withdrawn_at: datetime | None
    days_until: int
    """Calendar days from today to the conference (negative once it has passed)."""

    @property
    def how(self) -> str:
        return "Automatic" if self.automatic else "By hand"

    @property
    def state_label(self) -> str:
        return "Withdrawn" if self.withdrawn_at is not None else self.outcome_label


def _query() -> object:
    return (
        select(
            AdvocacyReferral,
            Child.first_name,
            Child.last_name,
            Child.date_of_birth,
            Conference.reference,
            Conference.date,
            Conference.start_time,
            Conference.type,
            Conference.status,
            Family.name,
        )
        .join(Child, col(Child.id) == AdvocacyReferral.child_id)
        .join(Conference, col(Conference.id) == AdvocacyReferral.conference_id)
        .join(Family, col(Family.id) == Conference.family_id)
    )


def _rows(session: Session, results: list[tuple[object, ...]]) -> list[ReferralRow]:
    ids = [r[0].id for r in results]  # type: ignore[attr-defined]
    mail: dict[str, str] = {}
    if ids:
        for related, state in session.exec(
            select(OutboxMessage.related_id, OutboxMessage.state)
            .where(col(OutboxMessage.related_id).in_(ids), OutboxMessage.kind == KIND)
            .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
        ):
            if related is not None:
                mail[related] = state  # the latest wins
    today = clock.today()
    out = []
    for referral, first, last, born, reference, day, start, ctype, status, family in results:
        assert isinstance(referral, AdvocacyReferral)
        out.append(
            ReferralRow(
                id=referral.id,
                child_id=referral.child_id,
                child_name=f"{first} {last}",
                age_label=age_label(born, day),  # type: ignore[arg-type]
                conference_id=referral.conference_id,
                conference_reference=str(reference),
                conference_date=day,  # type: ignore[arg-type]
                start_time=start,  # type: ignore[arg-type]
                conference_type=ConferenceType(ctype).short_label,
                conference_status=ConferenceStatus(status).label,
                family_name=str(family),
                automatic=referral.automatic,
                reason=referral.reason,
                outcome=referral.outcome,
                outcome_label=AdvocacyOutcome(referral.outcome).label,
                referred_at=referral.referred_at,
                notified_at=referral.notified_at,
                mail_state=mail.get(referral.id),
                supported=referral.supported,
                withdrawn_at=referral.withdrawn_at,
                days_until=(day - today).days,  # type: ignore[operator]
            )
        )
    return out


def referral_page(
    desk: Desk,
    view: str,
    *,
    after: tuple[date, str] | None = None,
    limit: int = 100,
) -> list[ReferralRow]:
    """One page of a list (an outcome, or "withdrawn"), by conference date: oldest first for
    the work still to do (pending, contacted), newest first for the rest. Pass the last row's
    (conference date, id) for the next page."""
    if view not in ADVOCACY_VIEWS:
        raise ValidationError.single("view", f"There is no list called {view!r}")
    query = _query()
    if view == "withdrawn":
        query = query.where(col(AdvocacyReferral.withdrawn_at).is_not(None))  # type: ignore[attr-defined]
    else:
        query = query.where(  # type: ignore[attr-defined]
            AdvocacyReferral.outcome == view, col(AdvocacyReferral.withdrawn_at).is_(None)
        )
    ascending = view in OPEN_VIEWS
    day, key = col(Conference.date), col(AdvocacyReferral.id)
    if after is not None:
        last_day, last_id = after
        if ascending:
            query = query.where((day > last_day) | ((day == last_day) & (key > last_id)))  # type: ignore[attr-defined]
        else:
            query = query.where((day < last_day) | ((day == last_day) & (key < last_id)))  # type: ignore[attr-defined]
    order = (day, key) if ascending else (day.desc(), key.desc())
    query = query.order_by(*order).limit(limit)  # type: ignore[attr-defined]
    with desk.store.read() as session:
        return _rows(session, list(session.exec(query)))  # type: ignore[call-overload]


def referral_counts(desk: Desk) -> dict[str, int]:
    """How many referrals each list holds."""
    counts = dict.fromkeys(ADVOCACY_VIEWS, 0)
    with desk.store.read() as session:
        for outcome, n in session.exec(
            select(AdvocacyReferral.outcome, func.count())
            .where(col(AdvocacyReferral.withdrawn_at).is_(None))
            .group_by(AdvocacyReferral.outcome)
        ):
            counts[outcome] = n
        counts["withdrawn"] = session.exec(
            select(func.count()).where(col(AdvocacyReferral.withdrawn_at).is_not(None))
        ).one()
    return counts


def conference_referrals(desk: Desk, conference_id: str) -> list[ReferralRow]:
    """A conference's referrals, live ones first, for its record's Advocacy tab."""
    query = _query().where(AdvocacyReferral.conference_id == conference_id)  # type: ignore[attr-defined]
    with desk.store.read() as session:
        rows = _rows(session, list(session.exec(query)))  # type: ignore[call-overload]
    return sorted(rows, key=lambda r: (r.withdrawn_at is not None, r.child_name, r.id))


@dataclass(frozen=True, slots=True)
class ReferableChild:
    id: str
    name: str
    age_label: str


def referable_children(desk: Desk, conference_id: str) -> list[ReferableChild]:
    """Children at the conference who could be referred by hand (born, not referred now)."""
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        if conference is None:
            raise NotFound("That conference is not on record")
        live = {
            child_id
            for child_id, r in _referrals(session, conference_id).items()
            if r.withdrawn_at is None
        }
        return [
            ReferableChild(
                child.id,
                f"{child.first_name} {child.last_name}",
                age_label(child.date_of_birth, conference.date),
            )
            for child in _children(session, conference_id, None)
            if child.id not in live
            and child.date_of_birth is not None
            and child.date_of_birth <= conference.date
        ]


def advocacy_figures(desk: Desk, start: date, end: date) -> AdvocacyFigures:
    """Advocacy for conferences dated ``start`` to ``end`` (both included): referrals
    (withdrawn ones left out, so a carried-over referral counts once), automatic and by
    hand, outcomes, referrals supported at conference, children supported and younger
    children supported. The advocacy screen and the quarterly and annual reports use it;
    the database does the counting (``domain.advocacy.tally_figures`` reads the groups)."""
    if end < start:
        raise ValidationError.single("end", "The period ends before it starts")
    live = (
        col(Conference.date) >= start,
        col(Conference.date) <= end,
        col(AdvocacyReferral.withdrawn_at).is_(None),
    )
    supported = func.coalesce(AdvocacyReferral.supported, False)
    # Both read in conference-id order, side by side, not each conference looked up at random.
    by_conference = (
        (AdvocacyReferral, "INDEXED BY ix_advocacy_referral_report"),
        (Conference, "INDEXED BY ix_conference_report_by_id"),
    )
    groups = (
        select(AdvocacyReferral.automatic, AdvocacyReferral.outcome, supported, func.count())
        .join(Conference, col(Conference.id) == AdvocacyReferral.conference_id)
        .where(*live)
        .group_by(AdvocacyReferral.automatic, AdvocacyReferral.outcome, supported)
    )
    # Each child supported, at the first conference in the period they were supported at,
    # judged younger or not there against a table of the period's days.
    firsts = (
        select(AdvocacyReferral.child_id, func.min(Conference.date).label("first"))
        .join(Conference, col(Conference.id) == AdvocacyReferral.conference_id)
        .where(*live, col(AdvocacyReferral.supported).is_(True))
        .group_by(AdvocacyReferral.child_id)
    )
    for table, hint in by_conference:
        groups = groups.with_hint(table, hint, "sqlite")
        firsts = firsts.with_hint(table, hint, "sqlite")
    first = firsts.subquery()
    born = col(Child.date_of_birth)
    younger = or_(born.is_(None), bare(born) > _REFERRAL_AGE.c.latest_birth)
    children = (
        select(func.count(), func.coalesce(func.sum(case((younger, 1), else_=0)), 0))
        .select_from(first)
        .join(Child, col(Child.id) == first.c.child_id)
        .join(_REFERRAL_AGE, _REFERRAL_AGE.c.day == first.c.first)
        .with_hint(Child, "INDEXED BY ix_child_report", "sqlite")
    )
    rules = desk.rules
    with desk.store.read() as session:
        connection = session.connection()
        counted = [
            (bool(automatic), outcome, bool(was_supported), n)
            for automatic, outcome, was_supported, n in connection.execute(groups)
        ]
        _fill_referral_age(connection, start, end, rules)
        supported_children, younger_children = connection.execute(children).one()
    return figures_from_counts(counted, int(supported_children), int(younger_children))


_REFERRAL_AGE = Table(
    "referral_age",
    MetaData(),
    Column("day", Date, primary_key=True),
    Column("latest_birth", Date, nullable=False),
    prefixes=["TEMPORARY"],
)
"""Each day of the period with the latest date of birth of a child of the automatic referral
age on it (``latest_birth_at_referral_age``): a temporary table of the figures' own
connection, made inside the read transaction, gone when it ends."""


def _fill_referral_age(connection: Any, start: date, end: date, rules: Rules) -> None:
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    fill_temporary(
        connection,
        _REFERRAL_AGE,
        [{"day": day, "latest_birth": latest_birth_at_referral_age(day, rules)} for day in days],
    )
