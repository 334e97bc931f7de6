"""IRO challenges and escalations: log one, escalate it a level, resolve it, list them, count
them for a period.

An escalation is a new challenge pointing back at the one it escalates (``escalated_from_id``),
and the earlier one is closed on the same day with an outcome saying so; the chain of levels is
the challenge's history. Whether a closed challenge was escalated is read from that link, never
stored twice. Every write is one transaction with its audit events, carrying the conference's
id when the challenge is about one, so the conference's history shows it.

Lists are read a page at a time by keyset (raised date, id), newest first; the challenge table
grows by a few a week, so a page costs milliseconds at any size the unit will reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import Challenge, Conference, Family, LocalityTeam, Staff
from siu_tui.domain.challenges import (
    ChallengeFact,
    ChallengeFigures,
    challenge_state,
    days_overdue,
    default_response_due,
    escalated_outcome,
    response_status,
    summarise_challenges,
)
from siu_tui.domain.codes import (
    ChallengeCategory,
    ChallengeLevel,
    ChallengeState,
    ConferenceStatus,
    ConferenceType,
    Role,
)
from siu_tui.domain.dates import format_date
from siu_tui.services import audit, fields
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError
from siu_tui.services.families import previous_conferences
from siu_tui.services.people import list_staff

__all__ = [
    "RAISER_ROLES",
    "ChallengeDetail",
    "ChallengeFilter",
    "ChallengePage",
    "ChallengeRequest",
    "ChallengeRow",
    "EscalationRequest",
    "FamilyContext",
    "FormChoices",
    "challenge_detail",
    "challenge_figures",
    "challenge_teams",
    "count_challenges",
    "escalate_challenge",
    "family_challenges",
    "form_choices",
    "list_challenges",
    "log_challenge",
    "resolve_challenge",
]

RAISER_ROLES: tuple[str, ...] = (Role.IRO.value, Role.MANAGER.value)
"""Who raises challenges: the IROs, and SIU managers taking one further."""

TEXT_LIMIT = 120
"""The longest name or team the table keeps (``Challenge.person_challenged``, ``team``)."""

MAX_LIMIT = 1000


# --- Rows -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChallengeRow:
    """A challenge as lists and the detail show it: codes for filtering, labels for reading."""

    id: str
    family_id: str
    family_name: str
    family_reference: str
    conference_id: str | None
    conference_reference: str | None
    conference_date: date | None
    raised_by_id: str
    raised_by: str
    level: str
    category: str
    description: str
    person_challenged: str | None
    team: str | None
    raised_on: date
    response_due: date
    resolved_on: date | None
    outcome: str | None
    escalated_from_id: str | None
    escalated_to_id: str | None
    state: str
    """A ``ChallengeState`` code: open, escalated or resolved."""
    overdue_days: int
    """Working days the response is overdue (0 unless open and past its due date)."""
    response: str
    """"overdue by 2 working days", "due today", "3 working days left"; empty once closed."""

    @property
    def level_label(self) -> str:
        return ChallengeLevel.label_of(self.level)

    @property
    def level_short(self) -> str:
        try:
            return ChallengeLevel(self.level).short_label
        except ValueError:
            return self.level

    @property
    def category_label(self) -> str:
        return ChallengeCategory.label_of(self.category)

    @property
    def category_short(self) -> str:
        try:
            return ChallengeCategory(self.category).short_label
        except ValueError:
            return self.category

    @property
    def state_label(self) -> str:
        return ChallengeState(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state == ChallengeState.OPEN.value

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    @property
    def next_level(self) -> str | None:
        """The level an escalation would raise, or None at the top."""
        try:
            following = ChallengeLevel(self.level).next
        except ValueError:
            return None
        return following.value if following else None


_raiser = aliased(Staff, name="raiser")

_COLUMNS: tuple[Any, ...] = (
    Challenge.id,
    Challenge.family_id,
    Family.name,
    Family.reference,
    Challenge.conference_id,
    Conference.reference,
    Conference.date,
    Challenge.raised_by_id,
    _raiser.name,
    Challenge.level,
    Challenge.category,
    Challenge.description,
    Challenge.person_challenged,
    Challenge.team,
    Challenge.raised_on,
    Challenge.response_due,
    Challenge.resolved_on,
    Challenge.outcome,
    Challenge.escalated_from_id,
)


def _row_select() -> Any:
    """The columns a ``ChallengeRow`` needs, joined on primary keys (a probe per row)."""
    return (
        select(*_COLUMNS)
        .join(Family, col(Family.id) == Challenge.family_id)
        .join(_raiser, col(_raiser.id) == Challenge.raised_by_id)
        .outerjoin(Conference, col(Conference.id) == Challenge.conference_id)
    )


def _escalations(session: Session, ids: list[str]) -> dict[str, str]:
    """For each of ``ids`` that was escalated, the challenge that escalated it."""
    if not ids:
        return {}
    query = select(Challenge.escalated_from_id, Challenge.id).where(
        col(Challenge.escalated_from_id).in_(ids)
    )
    return {earlier: later for earlier, later in session.connection().execute(query)}


def _rows(session: Session, query: Any, today: date) -> list[ChallengeRow]:
    results = session.connection().execute(query).all()
    later = _escalations(session, [r[0] for r in results])
    rows = []
    for r in results:
        (
            cid,
            family_id,
            family,
            family_ref,
            conf_id,
            conf_ref,
            conf_date,
            raiser_id,
            raiser,
            level,
            category,
            description,
            person,
            team,
            raised,
            due,
            resolved,
            outcome,
            earlier,
        ) = r
        escalated_to = later.get(cid)
        rows.append(
            ChallengeRow(
                id=cid,
                family_id=family_id,
                family_name=family,
                family_reference=family_ref,
                conference_id=conf_id,
                conference_reference=conf_ref,
                conference_date=conf_date,
                raised_by_id=raiser_id,
                raised_by=raiser,
                level=level,
                category=category,
                description=description,
                person_challenged=person,
                team=team,
                raised_on=raised,
                response_due=due,
                resolved_on=resolved,
                outcome=outcome,
                escalated_from_id=earlier,
                escalated_to_id=escalated_to,
                state=challenge_state(resolved, escalated_to is not None).value,
                overdue_days=days_overdue(due, resolved, today),
                response=response_status(due, resolved, today),
            )
        )
    return rows


# --- Listing ----------------------------------------------------------------------------------


STATE_FILTERS: dict[str, str] = {
    "open": "Open",
    "overdue": "Open, response overdue",
    "closed": "Closed",
    "escalated": "Closed: escalated",
    "resolved": "Closed: resolved",
}
"""The list's state filter: its codes and what the clerk reads."""


@dataclass(frozen=True)
class ChallengeFilter:
    """What the list is narrowed to; the default lists every challenge. ``date_from`` and
    ``date_to`` bound the day it was raised; ``state`` is a ``STATE_FILTERS`` code."""

    state: str | None = None
    raised_by_id: str | None = None
    level: str | None = None
    category: str | None = None
    team: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    family_id: str | None = None


@dataclass(frozen=True)
class ChallengePage:
    rows: list[ChallengeRow]
    cursor: tuple[date, str] | None
    """The last row's (raised date, id) when more follow; None on the last page."""


def _escalated_ids() -> Any:
    later = aliased(Challenge, name="later")
    return select(later.escalated_from_id).where(col(later.escalated_from_id).is_not(None))


def _terms(flt: ChallengeFilter, today: date) -> list[ColumnElement[bool]]:
    terms: list[ColumnElement[bool]] = []
    open_ = col(Challenge.resolved_on).is_(None)
    if flt.state == "open":
        terms.append(open_)
    elif flt.state == "overdue":
        terms += [open_, col(Challenge.response_due) < today]
    elif flt.state == "closed":
        terms.append(col(Challenge.resolved_on).is_not(None))
    elif flt.state == "escalated":
        terms.append(col(Challenge.id).in_(_escalated_ids()))
    elif flt.state == "resolved":
        terms += [
            col(Challenge.resolved_on).is_not(None),
            col(Challenge.id).not_in(_escalated_ids()),
        ]
    if flt.raised_by_id:
        terms.append(col(Challenge.raised_by_id) == flt.raised_by_id)
    if flt.level:
        terms.append(col(Challenge.level) == flt.level)
    if flt.category:
        terms.append(col(Challenge.category) == flt.category)
    if flt.team:
        terms.append(func.lower(col(Challenge.team)) == flt.team.strip().lower())
    if flt.date_from is not None:
        terms.append(col(Challenge.raised_on) >= flt.date_from)
    if flt.date_to is not None:
        terms.append(col(Challenge.raised_on) <= flt.date_to)
    if flt.family_id:
        terms.append(col(Challenge.family_id) == flt.family_id)
    return terms


def _before(cursor: tuple[date, str]) -> ColumnElement[bool]:
    """Rows after ``cursor`` in newest-first order, without row-value comparisons."""
    raised, challenge_id = cursor
    r, i = col(Challenge.raised_on), col(Challenge.id)
    return and_(r <= raised, or_(r < raised, and_(r == raised, i < challenge_id)))


def list_challenges(
    desk: Desk,
    flt: ChallengeFilter,
    today: date,
    cursor: tuple[date, str] | None = None,
    limit: int = 100,
) -> ChallengePage:
    """One page of the challenges matching ``flt``, the most recently raised first. Pass the
    page's ``cursor`` back for the next page."""
    limit = max(1, min(limit, MAX_LIMIT))
    # The page's keys first, from the challenge table alone, then only their rows joined:
    # joining first would look up every match's family and people before sorting.
    keys = select(Challenge.id).where(*_terms(flt, today))
    if cursor is not None:
        keys = keys.where(_before(cursor))
    keys = keys.order_by(col(Challenge.raised_on).desc(), col(Challenge.id).desc())
    with desk.store.read() as session:
        ids = list(session.connection().execute(keys.limit(limit + 1)).scalars())
        more = len(ids) > limit
        ids = ids[:limit]
        found = {
            r.id: r for r in _rows(session, _row_select().where(col(Challenge.id).in_(ids)), today)
        }
    rows = [found[i] for i in ids if i in found]
    return ChallengePage(rows, (rows[-1].raised_on, rows[-1].id) if more and rows else None)


@dataclass(frozen=True, slots=True)
class ChallengeCounts:
    """The list's summary line: how many match, and how many of those are open or overdue."""

    total: int
    open: int
    overdue: int


def count_challenges(desk: Desk, flt: ChallengeFilter, today: date) -> ChallengeCounts:
    open_ = col(Challenge.resolved_on).is_(None)
    overdue = and_(open_, col(Challenge.response_due) < today)
    query = select(
        func.count(),
        func.coalesce(func.sum(case((open_, 1), else_=0)), 0),
        func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
    ).where(*_terms(flt, today))
    with desk.store.read() as session:
        total, opened, late = session.connection().execute(query).one()
    return ChallengeCounts(int(total), int(opened), int(late))


def family_challenges(desk: Desk, family_id: str, limit: int = 200) -> list[ChallengeRow]:
    """The family's challenges, newest first, for the conference record's Challenges tab."""
    page = list_challenges(desk, ChallengeFilter(family_id=family_id), clock.today(), None, limit)
    return page.rows


def challenge_teams(desk: Desk) -> list[str]:
    """The teams a challenge has named, and the locality teams, for the team filter."""
    with desk.store.read() as session:
        named = session.exec(
            select(Challenge.team).where(col(Challenge.team).is_not(None)).distinct()
        ).all()
        teams = session.exec(select(LocalityTeam.name)).all()
    by_key: dict[str, str] = {}
    for name in [*teams, *named]:
        if name and name.strip():
            by_key.setdefault(name.strip().lower(), name.strip())
    return sorted(by_key.values(), key=str.lower)


# --- Detail -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChallengeDetail:
    """One challenge with its whole chain of levels, first raised to latest."""

    id: str
    chain: list[ChallengeRow]

    @property
    def challenge(self) -> ChallengeRow:
        return next(row for row in self.chain if row.id == self.id)

    @property
    def latest(self) -> ChallengeRow:
        """The last level: the only one that can still be open."""
        return self.chain[-1]


CHAIN_LIMIT = 20
"""Far more levels than exist: a guard against a link loop in a hand-edited database."""


def challenge_detail(desk: Desk, challenge_id: str) -> ChallengeDetail:
    """The challenge and every level before and after it; NotFound if it is not there."""
    today = clock.today()
    with desk.store.read() as session:
        first = session.get(Challenge, challenge_id)
        if first is None:
            raise NotFound("That challenge is not on record")
        ids = [first.id]
        earlier = first.escalated_from_id
        while earlier is not None and len(ids) < CHAIN_LIMIT:
            ids.insert(0, earlier)
            row = session.get(Challenge, earlier)
            earlier = row.escalated_from_id if row is not None else None
        current = first.id
        while len(ids) < CHAIN_LIMIT:
            later = session.exec(
                select(Challenge.id).where(Challenge.escalated_from_id == current)
            ).first()
            if later is None:
                break
            ids.append(later)
            current = later
        rows = {
            r.id: r for r in _rows(session, _row_select().where(col(Challenge.id).in_(ids)), today)
        }
    return ChallengeDetail(challenge_id, [rows[i] for i in ids if i in rows])


# --- What the forms pick from ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FamilyContext:
    """The family a challenge is about, with the people it usually names."""

    id: str
    reference: str
    name: str
    locality_team: str | None
    social_worker: str | None
    team_manager: str | None


@dataclass(frozen=True, slots=True)
class FormChoices:
    family: FamilyContext | None
    conferences: list[tuple[str, str]]
    """(id, "25/11/2026 Initial · Held") for the family's latest conferences."""
    raisers: list[tuple[str, str]]
    """(staff id, name) of the active IROs, then the SIU managers (marked as such)."""


FORM_CONFERENCES = 12


def _conference_label(day: date, ctype: str, status: str) -> str:
    """Short enough for a picker: "25/11/2026 Review · Booked"."""
    return (
        f"{format_date(day)} {ConferenceType(ctype).short_label} · {ConferenceStatus(status).label}"
    )


def form_choices(
    desk: Desk, family_id: str | None = None, include_conference: str | None = None
) -> FormChoices:
    """What the challenge forms offer: who can raise one and, once the family is known, its
    latest conferences (and ``include_conference`` even when it is older than those)."""
    raisers = [(s.id, s.name) for s in list_staff(desk, Role.IRO.value)]
    raisers += [(s.id, f"{s.name} (SIU manager)") for s in list_staff(desk, Role.MANAGER.value)]
    if not family_id:
        return FormChoices(None, [], raisers)
    with desk.store.read() as session:
        family = session.get(Family, family_id)
        if family is None:
            raise NotFound("That family is not on record")
        context = FamilyContext(
            family.id,
            family.reference,
            family.name,
            family.locality_team,
            family.social_worker,
            family.team_manager,
        )
        extra = None
        if include_conference:
            extra = session.get(Conference, include_conference)
    rows = previous_conferences(desk, family_id, limit=FORM_CONFERENCES)
    conferences = [(r.id, _conference_label(r.date, r.type, r.status_code)) for r in rows]
    if extra is not None and extra.family_id == family_id and extra.id not in dict(conferences):
        conferences.append((extra.id, _conference_label(extra.date, extra.type, extra.status)))
    return FormChoices(context, conferences, raisers)


# --- Writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChallengeRequest:
    """A challenge as the IRO logs it. ``response_due`` None means the default (the setting's
    working days after ``raised_on``)."""

    family_id: str
    raised_by_id: str
    level: str
    category: str
    description: str
    raised_on: date
    response_due: date | None = None
    conference_id: str | None = None
    person_challenged: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class EscalationRequest:
    """Taking an open challenge to the next level. Who raises it, who is challenged and their
    team default to the earlier level's; ``response_due`` to the setting's working days."""

    raised_on: date
    description: str
    raised_by_id: str | None = None
    person_challenged: str | None = None
    team: str | None = None
    response_due: date | None = None


def _tidy(text: str | None) -> str | None:
    return (text or "").strip() or None


def _check_text(errors: dict[str, str], person: str | None, team: str | None) -> None:
    if person and len(person) > TEXT_LIMIT:
        errors["person_challenged"] = f"Keep the name to {TEXT_LIMIT} characters"
    if team and len(team) > TEXT_LIMIT:
        errors["team"] = f"Keep the team's name to {TEXT_LIMIT} characters"
    fields.line("person_challenged", person, TEXT_LIMIT, label="The name", errors=errors)
    fields.line("team", team, TEXT_LIMIT, label="The team", errors=errors)


def _check_dates(
    errors: dict[str, str],
    raised_on: date | None,
    response_due: date | None,
    today: date,
    *,
    after: date | None = None,
) -> None:
    if raised_on is None:
        errors["raised_on"] = "Enter the date the challenge was raised"
        return
    if raised_on > today:
        errors["raised_on"] = (
            f"{format_date(raised_on)} has not come yet: enter the day it was raised"
        )
    elif after is not None and raised_on < after:
        errors["raised_on"] = (
            f"The earlier level was raised on {format_date(after)}: escalate on or after it"
        )
    if response_due is not None and response_due < raised_on:
        errors["response_due"] = "The response cannot be due before the challenge was raised"


def _check_raiser(session: Session, staff_id: str | None, errors: dict[str, str]) -> None:
    if not staff_id:
        errors["raised_by"] = "Choose who raised the challenge"
        return
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.active or staff.role not in RAISER_ROLES:
        errors["raised_by"] = "Choose an active IRO or SIU manager"


def log_challenge(desk: Desk, request: ChallengeRequest) -> str:
    """Record a new challenge against a family (and perhaps one of its conferences); returns
    its id. Refused, with nothing written, when anything is missing or does not fit."""
    errors: dict[str, str] = {}
    today = clock.today()
    for name, kind, code in (
        ("level", ChallengeLevel, request.level),
        ("category", ChallengeCategory, request.category),
    ):
        if not code:
            errors[name] = f"Choose the {name}"
            continue
        try:
            kind.parse(code)
        except ValueError as exc:
            errors[name] = str(exc)
    description = fields.note(
        "description", request.description, label="The description", errors=errors
    )
    if not description and "description" not in errors:
        errors["description"] = "Say what the challenge is about"
    person, team = _tidy(request.person_challenged), _tidy(request.team)
    _check_text(errors, person, team)
    _check_dates(errors, request.raised_on, request.response_due, today)
    with desk.store.write() as session:
        if not request.family_id or session.get(Family, request.family_id) is None:
            errors["family"] = "Choose the family the challenge is about"
        if request.conference_id:
            conference = session.get(Conference, request.conference_id)
            if conference is None or conference.family_id != request.family_id:
                errors["conference"] = "The conference must be one of this family's"
        _check_raiser(session, request.raised_by_id, errors)
        if errors:
            raise ValidationError(errors)
        challenge = Challenge(
            raised_by_id=request.raised_by_id,
            family_id=request.family_id,
            conference_id=request.conference_id or None,
            level=ChallengeLevel.parse(request.level).value,
            category=ChallengeCategory.parse(request.category).value,
            description=description,
            person_challenged=person,
            team=team,
            raised_on=request.raised_on,
            response_due=request.response_due
            or default_response_due(request.raised_on, desk.rules),
        )
        session.add(challenge)
        audit.record(
            session, desk.actor, "log challenge", challenge, conference_id=challenge.conference_id
        )
        return challenge.id


def _load_open(session: Session, challenge_id: str, doing: str) -> Challenge:
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound("That challenge is not on record")
    if challenge.resolved_on is not None:
        escalated = (
            session.exec(
                select(Challenge.id).where(Challenge.escalated_from_id == challenge.id)
            ).first()
            is not None
        )
        state = "escalated" if escalated else "resolved"
        raise ValidationError.single(
            "state", f"This challenge is already {state}: only an open one can be {doing}"
        )
    return challenge


def escalate_challenge(desk: Desk, challenge_id: str, request: EscalationRequest) -> str:
    """Close an open challenge as escalated and raise the next level, pointing back at it;
    returns the new level's id. The earlier level keeps everything it had, with the day of
    the escalation as its closing date, so the chain reads as the challenge's history."""
    errors: dict[str, str] = {}
    today = clock.today()
    description = fields.note(
        "description", request.description, label="The description", errors=errors
    )
    if not description and "description" not in errors:
        errors["description"] = "Say why it is escalated and what is asked for now"
    with desk.store.write() as session:
        earlier = _load_open(session, challenge_id, "escalated")
        level = ChallengeLevel.parse(earlier.level)
        following = level.next
        if following is None:
            raise ValidationError.single(
                "level",
                f"{level.label} is the last level: resolve it with the outcome instead",
            )
        person = _tidy(request.person_challenged) or earlier.person_challenged
        team = _tidy(request.team) or earlier.team
        _check_text(errors, person, team)
        _check_dates(
            errors, request.raised_on, request.response_due, today, after=earlier.raised_on
        )
        raised_by = request.raised_by_id or earlier.raised_by_id
        _check_raiser(session, raised_by, errors)
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(earlier)
        earlier.resolved_on = request.raised_on
        earlier.outcome = escalated_outcome(following)
        session.add(earlier)
        audit.record(
            session,
            desk.actor,
            "escalate challenge",
            earlier,
            before=before,
            conference_id=earlier.conference_id,
        )
        later = Challenge(
            raised_by_id=raised_by,
            family_id=earlier.family_id,
            conference_id=earlier.conference_id,
            escalated_from_id=earlier.id,
            level=following.value,
            category=earlier.category,
            description=description,
            person_challenged=person,
            team=team,
            raised_on=request.raised_on,
            response_due=request.response_due
            or default_response_due(request.raised_on, desk.rules),
        )
        session.add(later)
        audit.record(
            session, desk.actor, "log escalation", later, conference_id=later.conference_id
        )
        return later.id


def resolve_challenge(desk: Desk, challenge_id: str, *, outcome: str, resolved_on: date) -> None:
    """Close an open challenge with what was agreed or done and the day it was resolved."""
    errors: dict[str, str] = {}
    outcome = fields.note("outcome", outcome, label="The outcome", errors=errors) or ""
    if not outcome and "outcome" not in errors:
        errors["outcome"] = "Say how it was resolved"
    with desk.store.write() as session:
        challenge = _load_open(session, challenge_id, "resolved")
        if resolved_on is None:
            errors["resolved_on"] = "Enter the date it was resolved"
        elif resolved_on > clock.today():
            errors["resolved_on"] = f"{format_date(resolved_on)} has not come yet"
        elif resolved_on < challenge.raised_on:
            errors["resolved_on"] = (
                f"It was raised on {format_date(challenge.raised_on)}: "
                "it cannot be resolved before then"
            )
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(challenge)
        challenge.resolved_on = resolved_on
        challenge.outcome = outcome
        session.add(challenge)
        audit.record(
            session,
            desk.actor,
            "resolve challenge",
            challenge,
            before=before,
            conference_id=challenge.conference_id,
        )


# --- Figures ----------------------------------------------------------------------------------


def challenge_figures(desk: Desk, start: date, end: date) -> ChallengeFigures:
    """Challenges and escalations raised from ``start`` to ``end`` by level and by category:
    how many of each (one challenge escalated twice is one challenge and two escalations),
    how many still open (and overdue), escalated further and resolved at the end of the
    period, and the average days from first raised to resolved (see
    ``domain.challenges.summarise_challenges``)."""
    if end < start:
        raise ValidationError.single("period", "The period ends before it starts")
    with desk.store.read() as session:
        connection = session.connection()
        raised = connection.execute(
            select(
                Challenge.id,
                Challenge.level,
                Challenge.category,
                Challenge.raised_on,
                Challenge.response_due,
                Challenge.resolved_on,
                Challenge.escalated_from_id,
            ).where(col(Challenge.raised_on) >= start, col(Challenge.raised_on) <= end)
        ).all()
        escalated = set(_escalations(session, [r[0] for r in raised]))
        first_raised = _chain_starts(session, raised)
    facts = [
        ChallengeFact(
            level=level,
            category=category,
            raised_on=raised_on,
            response_due=due,
            resolved_on=resolved,
            escalated=cid in escalated,
            first_raised_on=first_raised.get(cid, raised_on),
            escalation=earlier is not None,
        )
        for cid, level, category, raised_on, due, resolved, earlier in raised
    ]
    return summarise_challenges(facts, start, end, clock.today())


def _chain_starts(session: Session, raised: list[Any]) -> dict[str, date]:
    """When each escalated challenge's chain began, reading back one level per query."""
    starts: dict[str, date] = {}
    pending = {cid: earlier for cid, *_rest, earlier in raised if earlier}
    step = 0
    while pending and step < CHAIN_LIMIT:
        step += 1
        parents = session.connection().execute(
            select(Challenge.id, Challenge.raised_on, Challenge.escalated_from_id).where(
                col(Challenge.id).in_(sorted(set(pending.values())))
            )
        )
        found = {pid: (raised_on, earlier) for pid, raised_on, earlier in parents}
        still: dict[str, str] = {}
        for cid, parent in pending.items():
            if parent not in found:
                continue
            raised_on, earlier = found[parent]
            starts[cid] = raised_on
            if earlier:
                still[cid] = earlier
        pending = still
    return starts
