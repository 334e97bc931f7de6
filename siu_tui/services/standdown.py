"""Standing a conference down, re-booking it, and the log of both.

The unit could not say why conferences missed their deadline without reading case files; here
every stand-down is recorded as it happens (reason, who decided, when) and linked to the
conference that re-books it, so the log, its totals and the late-conference view are queries,
not research. Nothing about a stood-down conference is ever deleted.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from siu_tui import clock
from siu_tui.db.models import Conference, ConferenceChild, Family, Staff, StandDown
from siu_tui.db.planner import bare
from siu_tui.domain.codes import ConferenceStatus, ConferenceType, DecidedBy, Reason
from siu_tui.domain.dates import format_date
from siu_tui.domain.standdown import (
    Rebooking,
    allowed_rebook_types,
    met_deadline,
    rebooking,
    totals_by_reason,
)
from siu_tui.domain.text import spreadsheet_row
from siu_tui.files import replacing
from siu_tui.services import audit, fields, invites
from siu_tui.services.context import Desk
from siu_tui.services.errors import NotFound, ValidationError

PAGE_MAX = 1000

# -- standing down ---------------------------------------------------------------------------


def stand_down(
    desk: Desk,
    conference_id: str,
    *,
    reason: str | None,
    decided_by: str | None,
    decided_on: date | None,
    note: str | None = None,
) -> Rebooking:
    """Stand a booked conference down; returns how to re-book it.

    Refused, with nothing written, unless the conference is booked, the reason and who decided
    are from their lists, the day is not in the future, and "other" has a note.
    """
    errors: dict[str, str] = {}
    note = fields.note("note", note, label="The note", errors=errors)
    try:
        why = Reason(reason or "")
    except ValueError:
        errors["reason"] = "Choose why the conference was stood down"
        why = None
    try:
        who = DecidedBy(decided_by or "")
    except ValueError:
        errors["decided_by"] = "Choose who decided: the chair or an SIU manager"
        who = None
    today = clock.today()
    if decided_on is None:
        errors["decided_on"] = "Enter the day it was decided"
    elif decided_on > today:
        errors["decided_on"] = f"{format_date(decided_on)} has not happened yet"
    if why is Reason.OTHER and not note and "note" not in errors:
        errors["note"] = "Say why in the note (the reason is 'other')"
    if errors:
        raise ValidationError(errors)
    assert why is not None and who is not None and decided_on is not None

    with desk.store.write() as session:
        conference = session.get(Conference, conference_id)
        if conference is None:
            raise NotFound("That conference is not on record")
        if conference.status != ConferenceStatus.BOOKED.value:
            status = ConferenceStatus(conference.status).label.lower()
            raise ValidationError.single(
                "status", f"Only a booked conference can be stood down; this one is {status}"
            )
        before = audit.snapshot(conference)
        conference.status = ConferenceStatus.STOOD_DOWN.value
        conference.updated_at = clock.now()
        session.add(conference)
        audit.record(
            session,
            desk.actor,
            "stand down",
            conference,
            before=before,
            conference_id=conference.id,
        )
        at = clock.now() if decided_on == today else datetime.combine(decided_on, time(12), UTC)
        row = StandDown(
            conference_id=conference.id,
            reason=why.value,
            decided_by=who.value,
            decided_at=at,
            note=note,
        )
        session.add(row)
        audit.record(session, desk.actor, "stand down", row, conference_id=conference.id)
        # Its invitations still waiting would invite people to a conference that will not
        # happen, and those already invited are told it is off; the re-booking invites the
        # same people again for its own date.
        invites.withdraw_invitations(
            session,
            desk.actor,
            conference,
            desk.rules,
            "the conference was stood down",
            tell=invites.STOOD_DOWN,
        )
        return rebooking(
            conference.type,
            why,
            conference.date,
            conference.trigger_date,
            conference.deadline,
            desk.rules,
        )


@dataclass(frozen=True)
class RebookOffer:
    """What the booking form starts from when a stood-down conference is re-booked."""

    conference_id: str
    reference: str
    family_id: str
    child_ids: tuple[str, ...]
    chair_id: str | None
    stood_down_on: date
    reason_label: str
    plan: Rebooking
    rebooked_as: str | None
    """The reference of the conference that already re-books it, if one does."""


def rebook_offer(desk: Desk, conference_id: str) -> RebookOffer:
    """The re-booking of a stood-down conference, for the form to start from."""
    with desk.store.read() as session:
        conference = session.get(Conference, conference_id)
        if conference is None:
            raise NotFound("That conference is not on record")
        row = session.exec(
            select(StandDown).where(StandDown.conference_id == conference_id)
        ).first()
        if conference.status != ConferenceStatus.STOOD_DOWN.value or row is None:
            raise ValidationError.single("status", "Only a stood-down conference is re-booked")
        children = tuple(
            session.exec(
                select(ConferenceChild.child_id).where(
                    ConferenceChild.conference_id == conference_id
                )
            ).all()
        )
        rebooked_as = None
        if row.rebooked_conference_id:
            rebooked = session.get(Conference, row.rebooked_conference_id)
            rebooked_as = rebooked.reference if rebooked else None
        return RebookOffer(
            conference_id=conference.id,
            reference=conference.reference,
            family_id=conference.family_id,
            child_ids=children,
            chair_id=conference.chair_id,
            stood_down_on=conference.date,
            reason_label=Reason(row.reason).label,
            plan=rebooking(
                conference.type,
                row.reason,
                conference.date,
                conference.trigger_date,
                conference.deadline,
                desk.rules,
            ),
            rebooked_as=rebooked_as,
        )


@dataclass(frozen=True)
class RebookedFrom:
    """The stood-down conference a booking re-books, as the booking needs it."""

    conference: Conference
    stand_down: StandDown


def rebooked_from(
    session: Session, rebooks_id: str, family_id: str, conference_type: ConferenceType
) -> RebookedFrom:
    """Check a booking may re-book ``rebooks_id``: stood down, not re-booked yet, the same
    family, a type it can become. Raises ValidationError naming the problem."""
    original = session.get(Conference, rebooks_id)
    row = session.exec(select(StandDown).where(StandDown.conference_id == rebooks_id)).first()
    if original is None or row is None or original.status != ConferenceStatus.STOOD_DOWN.value:
        raise ValidationError.single("general", "Only a stood-down conference can be re-booked")
    if row.rebooked_conference_id is not None:
        other = session.get(Conference, row.rebooked_conference_id)
        ref = other.reference if other else "another conference"
        raise ValidationError.single(
            "general", f"{original.reference} has already been re-booked as {ref}"
        )
    if original.family_id != family_id:
        raise ValidationError.single("family", "A re-booking is for the same family")
    allowed = allowed_rebook_types(original.type)
    if conference_type not in allowed:
        names = " or ".join(sorted(t.label for t in allowed))
        raise ValidationError.single(
            "conference_type", f"A re-booking of this conference is a {names}"
        )
    return RebookedFrom(original, row)


def link_rebooking(session: Session, desk: Desk, source: RebookedFrom, new_id: str) -> None:
    """Record, in the booking's transaction, which conference re-booked the stood-down one."""
    before = audit.snapshot(source.stand_down)
    source.stand_down.rebooked_conference_id = new_id
    session.add(source.stand_down)
    audit.record(
        session,
        desk.actor,
        "re-book",
        source.stand_down,
        before=before,
        conference_id=source.conference.id,
    )


# -- the log ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandDownFilter:
    """The log narrowed: the stood-down conference's date, reason, type, chair, team."""

    date_from: date | None = None
    date_to: date | None = None
    reason: str | None = None
    conference_type: str | None = None
    chair_id: str | None = None
    locality_team: str | None = None


@dataclass(frozen=True, slots=True)
class StandDownRow:
    conference_id: str
    reference: str
    date: date
    type_label: str
    family: str
    locality_team: str
    chair: str
    reason: str
    reason_label: str
    decided_by: str
    decided_on: date
    note: str
    deadline: date
    rebooked_id: str | None
    rebooked_reference: str
    rebooked_date: date | None
    rebooked_status: str
    met_deadline: bool | None
    """Whether the re-booked conference is held (or booked) by the original deadline."""

    @property
    def rebooked_text(self) -> str:
        if self.rebooked_date is None:
            return "not re-booked"
        return f"{self.rebooked_date:%d/%m/%y} {self.rebooked_status.lower()}"

    @property
    def deadline_text(self) -> str:
        if self.met_deadline is None:
            return ""
        return "met" if self.met_deadline else "missed"


_chair = aliased(Staff, name="sd_chair")
_rebooked = aliased(Conference, name="rebooked")


def _log_query(flt: StandDownFilter, columns: tuple[Any, ...], *, counting: bool = False) -> Any:
    """The log's rows as filtered. A count (``counting``) reads the stand-downs, a few in a
    hundred conferences, and looks up each one's conference, rather than reading a year of
    conferences by date; it joins the family only to filter by team (``db.planner.bare``
    keeps SQLite from starting at the conferences)."""
    conference_id = bare(StandDown.conference_id) if counting else col(StandDown.conference_id)
    query = (
        select(*columns)
        .select_from(StandDown)
        .join(Conference, col(Conference.id) == conference_id)
    )
    if counting:
        query = query.with_hint(Conference, "INDEXED BY ix_conference_report_by_id", "sqlite")
    if not counting or flt.locality_team:
        query = query.join(Family, col(Family.id) == Conference.family_id)
    day = bare(Conference.date) if counting else col(Conference.date)
    if flt.date_from is not None:
        query = query.where(day >= flt.date_from)
    if flt.date_to is not None:
        query = query.where(day <= flt.date_to)
    if flt.reason:
        query = query.where(StandDown.reason == flt.reason)
    if flt.conference_type:
        query = query.where(Conference.type == flt.conference_type)
    if flt.chair_id:
        query = query.where(Conference.chair_id == flt.chair_id)
    if flt.locality_team:
        query = query.where(Family.locality_team == flt.locality_team)
    return query


_LOG_COLUMNS: tuple[Any, ...] = (
    Conference.id,
    Conference.reference,
    Conference.date,
    Conference.type,
    Family.name,
    Family.locality_team,
    _chair.name,
    StandDown.reason,
    StandDown.decided_by,
    StandDown.decided_at,
    StandDown.note,
    Conference.deadline,
    _rebooked.id,
    _rebooked.reference,
    _rebooked.date,
    _rebooked.status,
)


def _row(values: Any) -> StandDownRow:
    (cid, ref, day, ctype, family, team, chair, reason, who, at, note, deadline) = values[:12]
    (rid, rref, rdate, rstatus) = values[12:]
    return StandDownRow(
        conference_id=cid,
        reference=ref,
        date=day,
        type_label=ConferenceType.label_of(ctype),
        family=family,
        locality_team=team or "",
        chair=chair or "",
        reason=reason,
        reason_label=Reason.label_of(reason),
        decided_by=DecidedBy.label_of(who),
        decided_on=clock.local(at).date() if at.tzinfo else at.date(),
        note=note or "",
        deadline=deadline,
        rebooked_id=rid,
        rebooked_reference=rref or "",
        rebooked_date=rdate,
        rebooked_status=ConferenceStatus.label_of(rstatus),
        met_deadline=met_deadline(rdate, deadline),
    )


def _with_people(query: Any) -> Any:
    return query.outerjoin(_chair, col(_chair.id) == Conference.chair_id).outerjoin(
        _rebooked, col(_rebooked.id) == StandDown.rebooked_conference_id
    )


LogCursor = tuple[date, str]


def stood_down_page(
    desk: Desk, flt: StandDownFilter, *, cursor: LogCursor | None = None, limit: int = 100
) -> tuple[list[StandDownRow], LogCursor | None]:
    """One page of the log, the latest first; the cursor fetches the next page."""
    limit = max(1, min(limit, PAGE_MAX))
    query = _with_people(_log_query(flt, _LOG_COLUMNS))
    if cursor is not None:
        day, cid = cursor
        query = query.where(
            (col(Conference.date) < day) | ((col(Conference.date) == day) & (Conference.id < cid))
        )
    query = query.order_by(col(Conference.date).desc(), col(Conference.id).desc()).limit(limit)
    with desk.store.read() as session:
        rows = [_row(v) for v in session.exec(query).all()]
    following = (rows[-1].date, rows[-1].conference_id) if len(rows) == limit else None
    return rows, following


@dataclass(frozen=True)
class StandDownTotals:
    total: int
    rebooked: int
    met_deadline: int
    by_reason: list[tuple[Reason, int]]


def stood_down_totals(desk: Desk, flt: StandDownFilter) -> StandDownTotals:
    """Totals for the log as filtered: by reason, re-booked, and re-booked within deadline."""
    counts = _log_query(flt, (StandDown.reason, func.count()), counting=True).group_by(
        StandDown.reason
    )
    rebooked_query = (
        _log_query(flt, (_rebooked.date, Conference.deadline), counting=True)
        .join(_rebooked, col(_rebooked.id) == bare(StandDown.rebooked_conference_id))
        .where(col(_rebooked.status).in_(("booked", "held")))
    )
    with desk.store.read() as session:
        by_code = dict(session.exec(counts).all())
        rebooked = session.exec(rebooked_query).all()
    per_reason = totals_by_reason(by_code)
    return StandDownTotals(
        total=sum(by_code.values()),
        rebooked=len(rebooked),
        met_deadline=sum(1 for day, deadline in rebooked if met_deadline(day, deadline)),
        by_reason=per_reason,
    )


EXPORT_HEADER = (
    "reference",
    "conference_date",
    "conference_type",
    "family",
    "locality_team",
    "chair",
    "reason",
    "reason_code",
    "decided_by",
    "decided_on",
    "note",
    "deadline",
    "rebooked_reference",
    "rebooked_date",
    "rebooked_status",
    "rebooked_met_deadline",
)


def iter_stood_down(desk: Desk, flt: StandDownFilter, *, page: int = 500) -> Iterator[StandDownRow]:
    cursor: LogCursor | None = None
    while True:
        rows, cursor = stood_down_page(desk, flt, cursor=cursor, limit=page)
        yield from rows
        if cursor is None:
            return


def export_stood_down(
    desk: Desk,
    flt: StandDownFilter,
    path: Path,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the log as filtered to a CSV file (spreadsheet-friendly, ISO dates); returns
    how many conferences were written. The file appears whole or not at all."""
    total = stood_down_totals(desk, flt).total
    written = 0
    with replacing(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(spreadsheet_row(EXPORT_HEADER))
        for row in iter_stood_down(desk, flt):
            writer.writerow(
                spreadsheet_row(
                    [
                        row.reference,
                        row.date.isoformat(),
                        row.type_label,
                        row.family,
                        row.locality_team,
                        row.chair,
                        row.reason_label,
                        row.reason,
                        row.decided_by,
                        row.decided_on.isoformat(),
                        row.note,
                        row.deadline.isoformat(),
                        row.rebooked_reference,
                        row.rebooked_date.isoformat() if row.rebooked_date else "",
                        row.rebooked_status,
                        {None: "", True: "yes", False: "no"}[row.met_deadline],
                    ]
                )
            )
            written += 1
            if progress is not None and written % 200 == 0:
                progress(written, total)
    if progress is not None:
        progress(written, total)
    return written


def export_name(flt: StandDownFilter) -> str:
    start = flt.date_from.isoformat() if flt.date_from else "start"
    end = flt.date_to.isoformat() if flt.date_to else "end"
    return f"stood-down-{start}-to-{end}.csv"


# -- late conferences ------------------------------------------------------------------------

INITIAL_TYPES = tuple(t.value for t in ConferenceType if t.is_initial)
REVIEW_TYPES = tuple(t.value for t in ConferenceType if t.is_review)


@dataclass(frozen=True, slots=True)
class LateRow:
    conference_id: str
    reference: str
    date: date
    deadline: date
    type_label: str
    group: str
    """"Initial" or "Review": the annual report counts them apart."""
    family: str
    chair: str
    status: str
    reason_label: str
    note: str
    rebooks_reference: str
    """The stood-down conference this one re-books, when it does."""


_original = aliased(Conference, name="original")


def _late_rows(session: Session, query: Any) -> list[LateRow]:
    out = []
    for cid, ref, day, deadline, ctype, family, chair, status, reason, note, origin in session.exec(
        query
    ).all():
        out.append(
            LateRow(
                conference_id=cid,
                reference=ref,
                date=day,
                deadline=deadline,
                type_label=ConferenceType.label_of(ctype),
                group="Initial" if ctype in INITIAL_TYPES else "Review",
                family=family,
                chair=chair or "",
                status=ConferenceStatus.label_of(status),
                reason_label=Reason.label_of(reason) if reason else "no reason recorded",
                note=note or "",
                rebooks_reference=origin or "",
            )
        )
    return out


_LATE_COLUMNS: tuple[Any, ...] = (
    Conference.id,
    Conference.reference,
    Conference.date,
    Conference.deadline,
    Conference.type,
    Family.name,
    _chair.name,
    Conference.status,
    Conference.late_reason,
    Conference.late_note,
    _original.reference,
)


def _late_base(columns: tuple[Any, ...]) -> Any:
    return (
        select(*columns)
        .select_from(Conference)
        .join(Family, col(Family.id) == Conference.family_id)
        .outerjoin(_chair, col(_chair.id) == Conference.chair_id)
        .outerjoin(_original, col(_original.id) == Conference.rebooks_id)
        .where(col(Conference.date) > col(Conference.deadline))
    )


def held_late(
    desk: Desk, date_from: date, date_to: date, *, group: str | None = None, limit: int = 500
) -> tuple[list[LateRow], int]:
    """Conferences held after their deadline in a period, latest first, initial and review
    apart when ``group`` is "initial" or "review"; with the full count."""
    query = (
        _late_base(_LATE_COLUMNS)
        .where(Conference.status == ConferenceStatus.HELD.value)
        .where(col(Conference.date) >= date_from)
        .where(col(Conference.date) <= date_to)
    )
    if group == "initial":
        query = query.where(col(Conference.type).in_(INITIAL_TYPES))
    elif group == "review":
        query = query.where(col(Conference.type).in_(REVIEW_TYPES))
    count = select(func.count()).select_from(query.subquery())
    with desk.store.read() as session:
        rows = _late_rows(
            session,
            query.order_by(col(Conference.date).desc(), col(Conference.id).desc()).limit(limit),
        )
        total = session.exec(count).one()
    return rows, total


@dataclass(frozen=True)
class LateTotals:
    initial: list[tuple[Reason | None, int]]
    review: list[tuple[Reason | None, int]]

    @property
    def initial_total(self) -> int:
        return sum(n for _, n in self.initial)

    @property
    def review_total(self) -> int:
        return sum(n for _, n in self.review)


def late_totals(desk: Desk, date_from: date, date_to: date) -> LateTotals:
    """Held-late conferences in a period by reason, initial and review apart (None = no reason
    recorded, which the annual report must show rather than hide)."""
    query = (
        select(Conference.type, Conference.late_reason, func.count())
        .where(Conference.status == ConferenceStatus.HELD.value)
        .where(col(Conference.date) >= date_from)
        .where(col(Conference.date) <= date_to)
        .where(col(Conference.date) > col(Conference.deadline))
        .group_by(Conference.type, Conference.late_reason)
    )
    initial: dict[str | None, int] = {}
    review: dict[str | None, int] = {}
    with desk.store.read() as session:
        for ctype, reason, n in session.exec(query).all():
            bucket = initial if ctype in INITIAL_TYPES else review
            bucket[reason] = bucket.get(reason, 0) + n

    def ordered(bucket: dict[str | None, int]) -> list[tuple[Reason | None, int]]:
        known = [(r, bucket.get(r.value, 0)) for r in Reason]
        unknown = sum(n for code, n in bucket.items() if code not in Reason._value2member_map_)
        return [*known, (None, unknown)]

    return LateTotals(ordered(initial), ordered(review))


def booked_past_deadline(desk: Desk, *, limit: int = 500) -> tuple[list[LateRow], int]:
    """Conferences booked for a day after their deadline and not held yet, soonest first."""
    query = _late_base(_LATE_COLUMNS).where(Conference.status == ConferenceStatus.BOOKED.value)
    count = select(func.count()).select_from(query.subquery())
    with desk.store.read() as session:
        rows = _late_rows(
            session, query.order_by(col(Conference.date), col(Conference.id)).limit(limit)
        )
        total = session.exec(count).one()
    return rows, total
