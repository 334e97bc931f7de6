"""One conference's record: everything the clerk needs on one screen, and its history.

Read in a handful of keyed queries (the conference, its family and people, its children and
their plans), so opening a record costs the same on any size of database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import (
    Child,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    Family,
    Room,
    Staff,
    StandDown,
)
from siu_tui.domain.advocacy import age_on
from siu_tui.domain.codes import (
    ETHNICITIES,
    AbuseCategory,
    ConferenceStatus,
    ConferenceType,
    DecidedBy,
    Decision,
    Reason,
    Sex,
)
from siu_tui.domain.dates import format_date
from siu_tui.domain.timescales import is_late
from siu_tui.domain.workingdays import working_days_between
from siu_tui.services.audit import AuditRow, describe_changes, event_query
from siu_tui.services.audit import key_names as _names
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound

CATEGORY_ORDER: tuple[str, ...] = tuple(c.value for c in AbuseCategory)


@dataclass(frozen=True, slots=True)
class RecordChild:
    """A child at the conference, with what it decided and where their plan stands now."""

    id: str
    case_reference: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    expected_date_of_birth: date | None
    unborn: bool
    """Not yet born on the conference date."""
    age_years: int | None
    age_label: str
    """Age on the conference date: "11", "under 1" or "unborn"."""
    sex: str
    sex_label: str
    ethnicity: str | None
    ethnicity_label: str
    decision: str | None
    decision_label: str
    categories: tuple[str, ...]
    """Category codes (``AbuseCategory``) in the standard order."""
    category_labels: tuple[str, ...]
    plan_label: str
    """"on a plan since 12/03/2026", "plan ended 02/10/2026" or "not on a plan"."""
    plan_since: date | None
    plan_categories: tuple[str, ...] = ()
    """The open plan's categories as last set: where a review's decision starts from."""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class ConferenceRecord:
    id: str
    reference: str
    type: str
    type_label: str
    family_id: str
    family_name: str
    family_reference: str
    locality_team: str | None
    social_worker: str | None
    social_worker_email: str | None
    team_manager: str | None
    date: date
    start_time: time
    duration_minutes: int
    venue: str | None
    room_id: str | None
    room_name: str | None
    chair_id: str | None
    chair_name: str | None
    clerk_id: str | None
    clerk_name: str | None
    status: str
    status_label: str
    trigger_date: date
    trigger_label: str
    deadline: date
    days_left: int | None
    """Working days from today to the deadline while the conference is booked (negative once
    passed); None once it is held, stood down or cancelled."""
    late: bool
    """The conference date is after the deadline."""
    late_reason: str | None
    late_reason_label: str | None
    late_note: str | None
    cancel_reason: str | None
    rebooks_id: str | None
    rebooks_reference: str | None
    """The conference this one re-books (it was stood down)."""
    stand_down: str | None
    """"Stood down 03/11/2026 by the chair: Family request (note)", when it was."""
    rebooked_as_id: str | None
    rebooked_as_reference: str | None
    quorate: bool | None
    updated_at: datetime
    children: list[RecordChild]

    @property
    def is_booked(self) -> bool:
        return self.status == ConferenceStatus.BOOKED.value


def _age(child: Child, on: date) -> tuple[bool, int | None, str]:
    born = child.date_of_birth
    if born is None or born > on:
        return True, None, "unborn"
    years = age_on(born, on)
    return False, years, "under 1" if years == 0 else str(years)


def plan_status(
    session: Session, child_ids: Iterable[str]
) -> dict[str, tuple[str, date | None, tuple[str, ...]]]:
    """Each child's plan as it stands now: open since a date, ended on one, or none."""
    latest: dict[str, ChildProtectionPlan] = {}
    query = (
        select(ChildProtectionPlan)
        .where(col(ChildProtectionPlan.child_id).in_(list(child_ids)))
        .order_by(col(ChildProtectionPlan.start_date), col(ChildProtectionPlan.id))
    )
    for plan in session.exec(query):
        current = latest.get(plan.child_id)
        if current is None or current.end_date is not None:
            latest[plan.child_id] = plan  # an open plan wins; otherwise the latest one
    out: dict[str, tuple[str, date | None, tuple[str, ...]]] = {}
    for child_id in child_ids:
        plan = latest.get(child_id)
        if plan is None:
            out[child_id] = ("not on a plan", None, ())
        elif plan.end_date is None:
            categories = tuple(c for c in plan.latest_categories.split(";") if c)
            out[child_id] = (
                f"on a plan since {format_date(plan.start_date)}",
                plan.start_date,
                categories,
            )
        else:
            out[child_id] = (f"plan ended {format_date(plan.end_date)}", None, ())
    return out


def _children(session: Session, conference: Conference) -> list[RecordChild]:
    born = col(Child.date_of_birth)
    query = (
        select(Child, ConferenceChild)
        .join(ConferenceChild, col(ConferenceChild.child_id) == Child.id)
        .where(ConferenceChild.conference_id == conference.id)
        .order_by(
            born.is_(None),
            born,
            col(Child.expected_date_of_birth),
            col(Child.first_name),
            col(Child.id),
        )
    )
    pairs = session.exec(query).all()
    plans = plan_status(session, [child.id for child, _ in pairs])
    out = []
    for child, link in pairs:
        unborn, years, age_label = _age(child, conference.date)
        categories = tuple(c for c in CATEGORY_ORDER if getattr(link, c))
        plan_label, plan_since, plan_categories = plans[child.id]
        ethnicity = ETHNICITIES.get(child.ethnicity or "")
        out.append(
            RecordChild(
                id=child.id,
                case_reference=child.case_reference,
                first_name=child.first_name,
                last_name=child.last_name,
                date_of_birth=child.date_of_birth,
                expected_date_of_birth=child.expected_date_of_birth,
                unborn=unborn,
                age_years=years,
                age_label=age_label,
                sex=child.sex,
                sex_label=Sex(child.sex).label,
                ethnicity=child.ethnicity,
                ethnicity_label=ethnicity[0] if ethnicity else "Not recorded",
                decision=link.decision,
                decision_label=Decision.label_of(link.decision),
                categories=categories,
                category_labels=tuple(AbuseCategory(c).label for c in categories),
                plan_label=plan_label,
                plan_since=plan_since,
                plan_categories=plan_categories,
            )
        )
    return out


def _stand_down(session: Session, conference_id: str) -> tuple[str | None, str | None, str | None]:
    row = session.exec(select(StandDown).where(StandDown.conference_id == conference_id)).first()
    if row is None:
        return None, None, None
    try:
        who = f"the {DecidedBy(row.decided_by).label.lower()}"
    except ValueError:
        who = row.decided_by
    summary = (
        f"Stood down {format_date(clock.local(row.decided_at).date())} by {who}: "
        f"{Reason.label_of(row.reason)}" + (f" ({row.note})" if row.note else "")
    )
    rebooked = row.rebooked_conference_id
    reference = None
    if rebooked is not None:
        reference = session.exec(
            select(Conference.reference).where(Conference.id == rebooked)
        ).first()
    return summary, rebooked, reference


def _name(session: Session, model: type[Staff] | type[Room], key: str | None) -> str | None:
    if key is None:
        return None
    row = session.get(model, key)
    return row.name if row is not None else None


def conference_record(desk: Desk, conference_id: str) -> ConferenceRecord:
    """The conference's record as the record screen shows it; NotFound if it is not there
    (perhaps another clerk's copy of the database has not been merged yet)."""
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        if conference is None:
            raise NotFound("That conference is not on record")
        family = session.get(Family, conference.family_id)
        assert family is not None  # a foreign key
        ctype = ConferenceType(conference.type)
        status = ConferenceStatus(conference.status)
        rebooks_reference = None
        if conference.rebooks_id is not None:
            rebooks_reference = session.exec(
                select(Conference.reference).where(Conference.id == conference.rebooks_id)
            ).first()
        stand_down, rebooked_as_id, rebooked_as_reference = _stand_down(session, conference.id)
        booked = status is ConferenceStatus.BOOKED
        return ConferenceRecord(
            id=conference.id,
            reference=conference.reference,
            type=ctype.value,
            type_label=ctype.label,
            family_id=family.id,
            family_name=family.name,
            family_reference=family.reference,
            locality_team=family.locality_team,
            social_worker=family.social_worker,
            social_worker_email=family.social_worker_email,
            team_manager=family.team_manager,
            date=conference.date,
            start_time=conference.start_time,
            duration_minutes=conference.duration_minutes,
            venue=conference.venue,
            room_id=conference.room_id,
            room_name=_name(session, Room, conference.room_id),
            chair_id=conference.chair_id,
            chair_name=_name(session, Staff, conference.chair_id),
            clerk_id=conference.clerk_id,
            clerk_name=_name(session, Staff, conference.clerk_id),
            status=status.value,
            status_label=status.label,
            trigger_date=conference.trigger_date,
            trigger_label=ctype.trigger_label,
            deadline=conference.deadline,
            days_left=(
                working_days_between(clock.today(), conference.deadline) if booked else None
            ),
            late=is_late(conference.date, conference.deadline),
            late_reason=conference.late_reason,
            late_reason_label=Reason.label_of(conference.late_reason) or None,
            late_note=conference.late_note,
            cancel_reason=conference.cancel_reason,
            rebooks_id=conference.rebooks_id,
            rebooks_reference=rebooks_reference,
            stand_down=stand_down,
            rebooked_as_id=rebooked_as_id,
            rebooked_as_reference=rebooked_as_reference,
            quorate=conference.quorate,
            updated_at=conference.updated_at,
            children=_children(session, conference),
        )


# --- History --------------------------------------------------------------------------------


def conference_history(
    desk: Desk,
    conference_id: str,
    *,
    before: tuple[datetime, str] | None = None,
    limit: int = 200,
) -> list[AuditRow]:
    """Everything done to this conference, newest first: its booking, moves, changes of chair,
    children added or removed, outcomes and the plans they started, continued or ended.

    Pages like ``audit.audit_page``: pass the last row's (at, id) for the next page.
    """
    with desk.store.read() as session:
        if session.get(Conference, conference_id) is None:
            raise NotFound("That conference is not on record")
        events = list(
            session.exec(event_query(before=before, limit=limit, conference_id=conference_id))
        )
        names = _names(session, events)
    hide = frozenset({"conference_id"})
    return [
        AuditRow(
            e.id,
            e.at,
            e.actor,
            e.action,
            e.record_type,
            e.record_id,
            describe_changes(e.before, e.after, names, hide=hide),
        )
        for e in events
    ]
