"""Changing a booked conference, and recording that it was held.

Each change is one write transaction with its audit events, every event carrying the
conference's id so the record screen's history shows it. Everything that can be checked is
checked before anything is written, so a refusal never leaves half a change behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import Enum
from typing import Final

from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import (
    Child,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    PlanPeriod,
)
from siu_tui.domain.codes import AbuseCategory, ConferenceStatus, ConferenceType, Decision, Reason
from siu_tui.domain.dates import format_date
from siu_tui.domain.held import not_yet_held
from siu_tui.domain.timescales import birth_since, conference_deadline, is_late
from siu_tui.domain.workingdays import working_days_between
from siu_tui.services import advocacy, audit, fields, invites
from siu_tui.services.booking import (
    BookingPreview,
    check_clashes,
    check_people,
    check_room,
    date_warnings,
)
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.minutes import start_minutes

CATEGORY_ORDER: tuple[str, ...] = tuple(c.value for c in AbuseCategory)


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP
"""Leave a field as it is (``None`` clears it): a move may change the date and keep the room."""


def _load_booked(session: Session, conference_id: str, doing: str) -> Conference:
    conference = session.get(Conference, conference_id)
    if conference is None:
        raise NotFound("That conference is not on record")
    if conference.status != ConferenceStatus.BOOKED.value:
        status = ConferenceStatus(conference.status).label.lower()
        raise ValidationError.single(
            "status", f"Only a booked conference can be {doing}; this one is {status}"
        )
    return conference


def _check_reason(code: str | None, errors: dict[str, str]) -> None:
    if code:
        try:
            Reason.parse(code)
        except ValueError as exc:
            errors["late_reason"] = str(exc)


def _late_message(deadline: date) -> str:
    return f"That is after the deadline ({format_date(deadline)}): choose a reason"


# --- Moving -------------------------------------------------------------------------------


def move_conference(
    desk: Desk,
    conference_id: str,
    *,
    date: date,
    start_time: time,
    duration_minutes: int | None = None,
    venue: str | _Keep | None = KEEP,
    room_id: str | _Keep | None = KEEP,
    late_reason: str | None = None,
    late_note: str | None = None,
    override_clash_reason: str | None = None,
) -> None:
    """Move a booked conference to another day or time (and room or venue if given).

    The deadline does not move with it: it runs from the trigger, which has not changed. A
    move past the deadline needs a late reason; a move back in time drops the old one. A move
    that puts the chair or room in two conferences at once is refused, as at booking, unless
    ``override_clash_reason`` says why (kept in the audit event). The audit event keeps the
    old values, so the history shows where it was. Waiting e-mails (invitations, advocacy)
    are rewritten and those already sent are followed by a note of the move.
    """
    errors: dict[str, str] = {}
    if duration_minutes is not None and duration_minutes <= 0:
        errors["duration_minutes"] = "The expected length must be more than 0 minutes"
    _check_reason(late_reason, errors)
    if not isinstance(venue, _Keep):
        venue = fields.line("venue", venue, fields.VENUE_MAX, label="The venue", errors=errors)
    late_note = fields.note("late_note", late_note, label="The note", errors=errors)
    if errors:
        raise ValidationError(errors)
    with desk.store.write() as session:
        conference = _load_booked(session, conference_id, "moved")
        if not isinstance(room_id, _Keep):
            check_room(session, room_id)
        if date < conference.trigger_date:
            label = ConferenceType(conference.type).trigger_label.lower()
            raise ValidationError.single(
                "date",
                f"The conference cannot be before the {label} "
                f"({format_date(conference.trigger_date)})",
            )
        late = is_late(date, conference.deadline)
        if late and not late_reason:
            raise ValidationError.single("late_reason", _late_message(conference.deadline))
        new_room = conference.room_id if isinstance(room_id, _Keep) else room_id
        new_length = duration_minutes or conference.duration_minutes
        slot = (conference.date, conference.start_time, conference.duration_minutes)
        override = None
        if (date, start_time, new_length) != slot or new_room != conference.room_id:
            override = check_clashes(
                session,
                date,
                start_time,
                new_length,
                chair_id=conference.chair_id,
                room_id=new_room,
                exclude_id=conference.id,
                override_reason=override_clash_reason,
            )
        before = audit.snapshot(conference)
        conference.date = date
        conference.start_time = start_time
        conference.duration_minutes = new_length
        if not isinstance(venue, _Keep):
            conference.venue = (venue or "").strip() or None
        conference.room_id = new_room
        conference.late_reason = late_reason if late else None
        conference.late_note = (late_note or None) if late else None
        if audit.snapshot(conference) == before:
            return
        conference.updated_at = clock.now()
        session.add(conference)
        audit.record(
            session,
            desk.actor,
            "move",
            conference,
            before=before,
            conference_id=conference.id,
            extra=override,
        )
        moved = any(
            before[key] != audit.snapshot(conference)[key]
            for key in ("date", "start_time", "venue", "room_id")
        )
        advocacy.conference_changed(session, desk.actor, conference, desk.rules, moved=moved)
        invites.invitations_follow_change(session, desk.actor, conference, desk.rules, moved=moved)


def preview_move(
    desk: Desk,
    conference_id: str,
    *,
    date: date,
    start_time: time,
    today: date,
    duration_minutes: int | None = None,
    room_id: str | _Keep | None = KEEP,
) -> BookingPreview:
    """What the move form warns about, by the very rules a booking's preview uses
    (``booking.date_warnings``): the same deadline, now perhaps missed; a day passed, a
    weekend or bank holiday; a pre-birth conference after 28 weeks' gestation; the chair or
    room taken (the conference itself aside)."""
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        if conference is None:
            raise NotFound("That conference is not on record")
        children = list(
            session.exec(
                select(Child)
                .join(ConferenceChild, col(ConferenceChild.child_id) == Child.id)
                .where(ConferenceChild.conference_id == conference.id)
            )
        )
        ctype = ConferenceType(conference.type)
        warnings = date_warnings(
            session,
            ctype=ctype,
            children=children,
            when=date,
            start=start_time,
            duration_minutes=duration_minutes or conference.duration_minutes,
            chair_id=conference.chair_id,
            room_id=conference.room_id if isinstance(room_id, _Keep) else room_id,
            trigger=conference.trigger_date,
            deadline=conference.deadline,
            today=today,
            rules=desk.rules,
            exclude_id=conference.id,
        )
        return BookingPreview(
            trigger_date=conference.trigger_date,
            trigger_label=ctype.trigger_label,
            trigger_from_previous=False,
            deadline=conference.deadline,
            days_left=working_days_between(today, conference.deadline),
            warnings=warnings,
        )


# --- Chair, cancelling, children ------------------------------------------------------------


def change_chair(
    desk: Desk, conference_id: str, chair_id: str, *, override_clash_reason: str | None = None
) -> None:
    """Give a booked conference another chair, who must be an active IRO. A chair already
    chairing another conference at an overlapping time is refused, as at booking, unless
    ``override_clash_reason`` says why (kept in the audit event)."""
    with desk.store.write() as session:
        conference = _load_booked(session, conference_id, "given a new chair")
        check_people(session, chair_id=chair_id)
        if conference.chair_id == chair_id:
            return
        override = check_clashes(
            session,
            conference.date,
            conference.start_time,
            conference.duration_minutes,
            chair_id=chair_id,
            room_id=None,  # the room does not change: only the new chair can clash
            exclude_id=conference.id,
            override_reason=override_clash_reason,
        )
        before = audit.snapshot(conference)
        conference.chair_id = chair_id
        conference.updated_at = clock.now()
        session.add(conference)
        audit.record(
            session,
            desk.actor,
            "change chair",
            conference,
            before=before,
            conference_id=conference.id,
            extra=override,
        )
        advocacy.conference_changed(session, desk.actor, conference, desk.rules, moved=False)
        invites.invitations_follow_change(session, desk.actor, conference, desk.rules, moved=False)


def cancel_conference(desk: Desk, conference_id: str, reason: str) -> None:
    """Cancel a booked conference that is no longer needed (not a stand-down, which is
    re-booked). Nothing is deleted: the record stays, marked cancelled, with the reason."""
    reason = fields.note("reason", reason, label="The reason") or ""
    if not reason:
        raise ValidationError.single("reason", "Say why the conference is cancelled")
    with desk.store.write() as session:
        conference = _load_booked(session, conference_id, "cancelled")
        before = audit.snapshot(conference)
        conference.status = ConferenceStatus.CANCELLED.value
        conference.cancel_reason = reason
        conference.updated_at = clock.now()
        session.add(conference)
        audit.record(
            session, desk.actor, "cancel", conference, before=before, conference_id=conference.id
        )
        advocacy.withdraw_referrals(session, desk.actor, conference, "Conference cancelled")
        invites.withdraw_invitations(
            session,
            desk.actor,
            conference,
            desk.rules,
            "the conference was cancelled",
            tell=invites.CANCELLED,
        )


def add_child_to_conference(desk: Desk, conference_id: str, child_id: str) -> None:
    """Add one of the family's children to a booked conference (a sibling, a new baby).

    The deadline stays as booked: it belongs to the conference, and a child joining a review
    is reviewed on the family's cycle.
    """
    with desk.store.write() as session:
        conference = _load_booked(session, conference_id, "changed")
        child = session.get(Child, child_id)
        if child is None or child.family_id != conference.family_id:
            raise ValidationError.single("children", "The child must belong to this family")
        existing = session.exec(
            select(ConferenceChild.id).where(
                ConferenceChild.conference_id == conference_id,
                ConferenceChild.child_id == child_id,
            )
        ).first()
        if existing is not None:
            raise ValidationError.single(
                "children", f"{child.first_name} {child.last_name} is already at this conference"
            )
        link = ConferenceChild(conference_id=conference_id, child_id=child_id)
        session.add(link)
        conference.updated_at = clock.now()
        session.add(conference)
        audit.record(session, desk.actor, "add child", link, conference_id=conference_id)
        advocacy.refer_eligible(session, desk.actor, conference, desk.rules, child_ids=[child_id])


def remove_child_from_conference(desk: Desk, conference_id: str, child_id: str) -> None:
    """Take a child off a booked conference (added by mistake). A pending advocacy referral
    for that child and conference is withdrawn, not deleted. The last child cannot be
    removed: cancel the conference instead."""
    with desk.store.write() as session:
        conference = _load_booked(session, conference_id, "changed")
        links = session.exec(
            select(ConferenceChild).where(ConferenceChild.conference_id == conference_id)
        ).all()
        link = next((x for x in links if x.child_id == child_id), None)
        if link is None:
            raise ValidationError.single("children", "That child is not at this conference")
        if len(links) == 1:
            raise ValidationError.single(
                "children", "A conference needs at least one child: cancel it instead"
            )
        audit.record(
            session, desk.actor, "remove child", link, conference_id=conference_id, removed=True
        )
        session.delete(link)
        advocacy.withdraw_referrals(
            session, desk.actor, conference, "Child removed from the conference", child_id=child_id
        )
        conference.updated_at = clock.now()
        session.add(conference)


# --- Held -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildOutcome:
    """What the conference decided for one child: a ``Decision`` code and, for a plan or a
    plan that continues, the ``AbuseCategory`` codes (one or more)."""

    decision: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class HeldResult:
    """The review the clerk should book next, if any plan needs one."""

    next_type: str | None
    next_trigger: date | None
    next_deadline: date | None
    next_type_label: str | None = None
    note: str | None = None
    """A caveat on the deadline (a baby not yet born caps it further once born)."""
    next_child_ids: tuple[str, ...] = ()
    """The children the next review is about: those on a plan after this conference."""


INITIAL_DECISIONS = frozenset({Decision.PLAN.value, Decision.NO_PLAN.value})
REVIEW_DECISIONS = frozenset({Decision.CONTINUE.value, Decision.END.value})
WITH_CATEGORIES = frozenset({Decision.PLAN.value, Decision.CONTINUE.value})


def _parse_outcomes(
    outcomes: dict[str, ChildOutcome], errors: dict[str, str]
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Codes checked and tidied: categories deduplicated in the standard order."""
    parsed: dict[str, tuple[str, tuple[str, ...]]] = {}
    for child_id, outcome in outcomes.items():
        field = f"outcome.{child_id}"
        try:
            decision = Decision.parse(outcome.decision).value
        except ValueError as exc:
            errors[field] = str(exc)
            continue
        try:
            chosen = {AbuseCategory.parse(c).value for c in outcome.categories}
        except ValueError as exc:
            errors[field] = str(exc)
            continue
        parsed[child_id] = (decision, tuple(c for c in CATEGORY_ORDER if c in chosen))
    return parsed


def _open_plans(session: Session, child_ids: list[str]) -> dict[str, ChildProtectionPlan]:
    query = (
        select(ChildProtectionPlan)
        .where(col(ChildProtectionPlan.child_id).in_(child_ids))
        .where(col(ChildProtectionPlan.end_date).is_(None))
        .order_by(col(ChildProtectionPlan.start_date), col(ChildProtectionPlan.id))
    )
    return {plan.child_id: plan for plan in session.exec(query)}  # the latest open one wins


def _check_decision(
    ctype: ConferenceType,
    child: Child,
    decision: str,
    categories: tuple[str, ...],
    plan: ChildProtectionPlan | None,
) -> str | None:
    """Why this decision cannot be recorded for this child, or None when it can.

    An initial conference decides plan or no plan. A review decides, for a child on a plan,
    that it continues or ends; a child at a review with no open plan (a sibling or a baby
    brought in at the review) may be given a plan, or none, as at an initial conference.
    """
    name = f"{child.first_name} {child.last_name}"
    if plan is not None and (ctype.is_initial or decision not in REVIEW_DECISIONS):
        since = format_date(plan.start_date)
        if ctype.is_initial:
            return f"{name} is already on a plan (since {since}): record this as a review"
        return f"{name} is on a plan since {since}: the plan continues or ends"
    if plan is None and decision in REVIEW_DECISIONS:
        return f"{name} is not on a plan, so it cannot continue or end: plan or no plan"
    if decision in WITH_CATEGORIES and not categories:
        return f"Choose at least one category of abuse for {name}"
    if decision not in WITH_CATEGORIES and categories:
        label = Decision(decision).label.lower()
        return f"No categories are recorded with '{label}' for {name}"
    return None


def _next_review(
    conference: Conference,
    ctype: ConferenceType,
    decisions: dict[str, str],
    children: dict[str, Child],
    desk: Desk,
) -> HeldResult:
    made = [cid for cid, d in decisions.items() if d == Decision.PLAN.value]
    continues = any(d == Decision.CONTINUE.value for d in decisions.values())
    rules = desk.rules
    if ctype.is_review and continues:
        next_type = ConferenceType.SUBSEQUENT_REVIEW
    elif made:
        next_type = ConferenceType.FIRST_REVIEW
    else:
        return HeldResult(None, None, None)
    birth = None
    note = None
    if next_type is ConferenceType.FIRST_REVIEW and ctype is ConferenceType.INITIAL_PRE_BIRTH:
        birth = birth_since(conference.date, [children[cid].date_of_birth for cid in made])
        if birth is None:
            note = (
                f"Also no later than {rules.first_review_after_birth_working_days} working "
                "days after the birth"
            )
    deadline = conference_deadline(
        next_type, conference.date, rules, previous_type=ctype, birth_date=birth
    )
    on_plan = tuple(
        cid for cid, d in decisions.items() if d in (Decision.PLAN.value, Decision.CONTINUE.value)
    )
    return HeldResult(
        next_type.value, conference.date, deadline, next_type.label, note, next_child_ids=on_plan
    )


def mark_held(
    desk: Desk,
    conference_id: str,
    outcomes: dict[str, ChildOutcome],
    late_reason: str | None = None,
    late_note: str | None = None,
) -> HeldResult:
    """Record that a booked conference took place, with each child's decision, and start,
    continue or end their plans; its minutes start too, awaiting the clerk's draft, in the
    same transaction. Returns the review to book next.

    Refused, with nothing written, unless the conference is booked and its day has come,
    every child has an outcome that fits the conference type and the child's plan, and a
    conference held after its deadline has a late reason (the one given at booking counts).
    Per-child errors are keyed ``outcome.<child id>``.
    """
    errors: dict[str, str] = {}
    _check_reason(late_reason, errors)
    parsed = _parse_outcomes(outcomes, errors)
    with desk.store.write() as session:
        conference = _load_booked(session, conference_id, "marked held")
        ctype = ConferenceType(conference.type)
        if too_soon := not_yet_held(conference.date, clock.today()):
            raise ValidationError.single("date", too_soon)
        links = {
            link.child_id: link
            for link in session.exec(
                select(ConferenceChild).where(ConferenceChild.conference_id == conference_id)
            )
        }
        children = {
            child.id: child
            for child in session.exec(select(Child).where(col(Child.id).in_(list(links))))
        }
        plans = _open_plans(session, list(links))
        strangers = set(outcomes) - set(links)
        if strangers:
            errors["outcomes"] = "An outcome was given for a child who is not at this conference"
        for child_id, child in children.items():
            field = f"outcome.{child_id}"
            if child_id not in outcomes:
                errors[field] = f"Record a decision for {child.first_name} {child.last_name}"
            elif child_id in parsed:
                decision, categories = parsed[child_id]
                problem = _check_decision(ctype, child, decision, categories, plans.get(child_id))
                if problem:
                    errors[field] = problem
        late = is_late(conference.date, conference.deadline)
        late_note = fields.note("late_note", late_note, label="The note", errors=errors)
        reason = late_reason or conference.late_reason
        if late and not reason:
            errors["late_reason"] = (
                f"The conference was held after its deadline "
                f"({format_date(conference.deadline)}): choose a reason"
            )
        if errors:
            raise ValidationError(errors)

        for child_id, link in links.items():
            decision, categories = parsed[child_id]
            before = audit.snapshot(link)
            link.decision = decision
            for category in CATEGORY_ORDER:
                setattr(link, category, category in categories)
            session.add(link)
            audit.record(
                session,
                desk.actor,
                "record outcome",
                link,
                before=before,
                conference_id=conference_id,
            )
            _apply_plan(session, desk, conference, child_id, decision, categories, plans)

        before = audit.snapshot(conference)
        conference.status = ConferenceStatus.HELD.value
        conference.late_reason = reason if late else None
        conference.late_note = (late_note or conference.late_note) if late else None
        conference.updated_at = clock.now()
        session.add(conference)
        audit.record(
            session, desk.actor, "held", conference, before=before, conference_id=conference_id
        )
        start_minutes(session, desk.actor, conference, desk.rules)
        invites.withdraw_invitations(
            session, desk.actor, conference, desk.rules, "the conference was held", tell=None
        )
        decisions = {child_id: parsed[child_id][0] for child_id in links}
        return _next_review(conference, ctype, decisions, children, desk)


def _apply_plan(
    session: Session,
    desk: Desk,
    conference: Conference,
    child_id: str,
    decision: str,
    categories: tuple[str, ...],
    plans: dict[str, ChildProtectionPlan],
) -> None:
    """Start, continue or end the child's plan as decided (no plan changes nothing)."""
    joined = ";".join(categories)
    if decision == Decision.PLAN.value:
        plan = ChildProtectionPlan(
            child_id=child_id,
            start_conference_id=conference.id,
            start_date=conference.date,
            initial_categories=joined,
            latest_categories=joined,
        )
        session.add(plan)
        session.add(_period(session, plan, conference.date, categories))
        audit.record(session, desk.actor, "start plan", plan, conference_id=conference.id)
        return
    plan = plans.get(child_id)
    if plan is None:
        return
    before = audit.snapshot(plan)
    if decision == Decision.CONTINUE.value:
        plan.latest_categories = joined
        _close_period(session, plan, conference.date)
        session.add(_period(session, plan, conference.date, categories))
        action = "continue plan"
    elif decision == Decision.END.value:
        plan.end_date = conference.date
        plan.end_conference_id = conference.id
        _close_period(session, plan, conference.date)
        action = "end plan"
    else:
        return
    session.add(plan)
    audit.record(session, desk.actor, action, plan, before=before, conference_id=conference.id)


def _period(
    session: Session, plan: ChildProtectionPlan, start: date, categories: tuple[str, ...]
) -> PlanPeriod:
    """The stretch of the plan from ``start`` with these categories, and the child's details
    the quarter-end figures count by (see ``PlanPeriod``)."""
    child = session.get(Child, plan.child_id)
    return PlanPeriod(
        plan_id=plan.id,
        child_id=plan.child_id,
        start_date=start,
        child_date_of_birth=child.date_of_birth if child else None,
        child_ethnicity=child.ethnicity if child else None,
        **{category: category in categories for category in CATEGORY_ORDER},
    )


def _close_period(session: Session, plan: ChildProtectionPlan, end: date) -> None:
    for period in session.exec(
        select(PlanPeriod).where(PlanPeriod.plan_id == plan.id, col(PlanPeriod.end_date).is_(None))
    ):
        period.end_date = end
        session.add(period)
