"""The tables of SIU Desk.

Keys are UUID strings so that records made on two machines (an offline laptop and the office
database) never collide. Codes from ``siu_tui.domain.codes`` are stored as short strings;
screens show their labels. Column types stay portable between SQLite and PostgreSQL.
Any change here needs an Alembic migration (``siu_tui/db/migrations/versions``).
"""

from __future__ import annotations

import datetime as dt
import os
from datetime import date, datetime, time
from time import time_ns
from typing import Any

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel

from siu_tui.clock import now
from siu_tui.domain.folding import fold

FOLDED_LENGTH = 480
"""Room for a folded name: folding spells some letters in two (æ→ae), a few in more."""

_last_ms = 0
_seq = 0


def new_id() -> str:
    """A UUIDv7-style key: unique across machines, and in creation order within one.

    Time-ordered keys keep indexes compact and give a stable order to events that share a
    (pinned) timestamp.
    """
    global _last_ms, _seq
    ms = time_ns() // 1_000_000
    if ms <= _last_ms:
        ms = _last_ms
        _seq += 1
        if _seq > 0xFFF:  # more than 4096 keys in a millisecond: borrow the next one
            ms, _seq = ms + 1, 0
    else:
        _seq = 0
    _last_ms = ms
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (_seq & 0xFFF) << 64 | 0b10 << 62 | rand
    return f"{value:032x}"  # the same text as uuid.UUID(int=value).hex, without the object


def _id() -> str:
    return Field(default_factory=new_id, primary_key=True, max_length=32)


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> str | None:
    return Field(
        default=None if nullable else ...,
        foreign_key=target,
        nullable=nullable,
        index=index,
        max_length=32,
    )


class Staff(SQLModel, table=True):
    """A member of the unit: clerk, IRO (who chairs), manager or administrator."""

    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint("role IN ('clerk','iro','manager','admin')", "ck_staff_role"),
    )

    id: str = _id()
    name: str = Field(max_length=120)
    role: str = Field(max_length=16)
    email: str | None = Field(default=None, max_length=254)
    active: bool = True


class Room(SQLModel, table=True):
    """A room conferences are booked into, so clashes can be found."""

    __tablename__ = "room"

    id: str = _id()
    name: str = Field(max_length=120, unique=True)
    site: str | None = Field(default=None, max_length=120)
    active: bool = True


class LocalityTeam(SQLModel, table=True):
    """A social work team families are allocated to; the list a clerk picks a family's team
    from. Families keep the team's name as text (see ``services.reference``)."""

    __tablename__ = "locality_team"

    id: str = _id()
    name: str = Field(max_length=120, unique=True)
    active: bool = True


class Family(SQLModel, table=True):
    """The household a conference is about."""

    __tablename__ = "family"
    __table_args__ = (
        # (name, id) rather than name alone: a "name contains" search reads only this index.
        Index("ix_family_name_id", "name", "id"),
        Index("ix_family_name_folded_id", "name_folded", "id"),
    )

    id: str = _id()
    reference: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=120)
    name_folded: str = Field(default="", max_length=FOLDED_LENGTH)
    """The name as searches compare it (see ``with_folded_names``)."""
    locality_team: str | None = Field(default=None, max_length=120)
    social_worker: str | None = Field(default=None, max_length=120)
    social_worker_email: str | None = Field(default=None, max_length=254)
    team_manager: str | None = Field(default=None, max_length=120)
    team_manager_email: str | None = Field(default=None, max_length=254)
    import_batch_id: str | None = Field(default=None, max_length=32, index=True)
    """The import that added it (``ImportBatch``); None when made in the app."""


class Child(SQLModel, table=True):
    """A child (or unborn baby) of one family; the case reference doubles as LAchildID."""

    __tablename__ = "child"
    __table_args__ = (
        CheckConstraint("sex IN ('M','F','U')", "ck_child_sex"),
        Index("ix_child_names", "last_name", "first_name"),
        # A name's start is searched as LIKE 'ro%' on PostgreSQL, which a plain index cannot
        # answer under a language collation; pattern_ops compare bytes, as LIKE does.
        *(
            Index(
                f"ix_child_{name}",
                name,
                postgresql_ops={name: "varchar_pattern_ops"},
            )
            for name in ("first_name_folded", "last_name_folded")
        ),
    )

    id: str = _id()
    case_reference: str = Field(max_length=20, unique=True)
    family_id: str = _fk("family.id")
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    first_name_folded: str = Field(default="", max_length=FOLDED_LENGTH)
    last_name_folded: str = Field(default="", max_length=FOLDED_LENGTH)
    date_of_birth: date | None = Field(default=None, index=True)
    expected_date_of_birth: date | None = None
    sex: str = Field(default="U", max_length=1)
    ethnicity: str | None = Field(default=None, max_length=4)
    import_batch_id: str | None = Field(default=None, max_length=32, index=True)
    """The import that added it (``ImportBatch``); None when made in the app."""


class Conference(SQLModel, table=True):
    """One Child Protection Conference for one family, with the deadline it must meet."""

    __tablename__ = "conference"
    __table_args__ = (
        CheckConstraint(
            "status IN ('booked','held','stood_down','cancelled')", "ck_conference_status"
        ),
        Index("ix_conference_date_time", "date", "start_time", "id"),
        Index("ix_conference_status_date", "status", "date", "start_time", "id"),
        # A family's conferences in date order, read from the index alone (searches, history).
        Index("ix_conference_family_date", "family_id", "date", "start_time", "id"),
        Index("ix_conference_status_deadline", "status", "deadline"),
        Index("ix_conference_chair_date", "chair_id", "date"),
        # One clerk's booked conferences in date order (the reports outstanding list).
        Index("ix_conference_clerk_status_date", "clerk_id", "status", "date", "start_time", "id"),
        # The thematic report counts a year's held conferences by type, deadline and late
        # reason from this index alone.
        Index(
            "ix_conference_status_date_type",
            "status",
            "date",
            "type",
            "deadline",
            "late_reason",
            "id",
        ),
        # The report meets a year's reports, minutes and referrals in conference-id order,
        # reading both indexes side by side instead of looking each conference up at random.
        Index("ix_conference_report_by_id", "id", "status", "date", "type"),
    )

    id: str = _id()
    reference: str = Field(max_length=32, unique=True)
    type: str = Field(max_length=24)
    family_id: str = _fk("family.id", index=False)
    date: dt.date
    start_time: time = Field(default=time(10, 0))
    duration_minutes: int = 90
    venue: str | None = Field(default=None, max_length=160)
    room_id: str | None = _fk("room.id", nullable=True)
    chair_id: str | None = _fk("staff.id", nullable=True, index=False)
    clerk_id: str | None = _fk("staff.id", nullable=True)
    status: str = Field(default="booked", max_length=16)
    trigger_date: dt.date
    deadline: dt.date
    rebooks_id: str | None = _fk("conference.id", nullable=True)
    late_reason: str | None = Field(default=None, max_length=32)
    late_note: str | None = None
    cancel_reason: str | None = None
    quorate: bool | None = None
    inquorate_decision: str | None = Field(default=None, max_length=16)
    inquorate_note: str | None = None
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    import_batch_id: str | None = Field(default=None, max_length=32, index=True)
    """The import that added it (``ImportBatch``); None when made in the app."""


# The quarter-end figures read each child's ethnicity and date of birth from this alone.
Index(
    "ix_child_report",
    Child.__table__.c.id,  # type: ignore[attr-defined]
    Child.__table__.c.ethnicity,  # type: ignore[attr-defined]
    Child.__table__.c.date_of_birth,  # type: ignore[attr-defined]
)

FOLDED_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "family": (("name", "name_folded"),),
    "child": (("first_name", "first_name_folded"), ("last_name", "last_name_folded")),
}
"""Each table's names and the folded copy searches compare with what a clerk typed."""


def with_folded_names(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (column values for ``table``) with the folded copy of each name in it set
    beside the name, so a search for "zoe" finds Zoë; rows of other tables are left alone.

    Writers of many rows at once (the import, the demo generator) call this; a family or
    child saved through a session gets its folded names from the events below.
    """
    for name, folded in FOLDED_NAMES.get(table, ()):
        if name in row:
            row[folded] = fold(row[name])[:FOLDED_LENGTH]
    return row


@event.listens_for(Family, "before_insert")
@event.listens_for(Family, "before_update")
@event.listens_for(Child, "before_insert")
@event.listens_for(Child, "before_update")
def _fold_names(_mapper: Any, _connection: Any, target: Family | Child) -> None:
    for name, folded in FOLDED_NAMES[target.__tablename__]:  # type: ignore[index]
        setattr(target, folded, fold(getattr(target, name))[:FOLDED_LENGTH])


class ConferenceChild(SQLModel, table=True):
    """A child at a conference, and what the conference decided for them."""

    __tablename__ = "conference_child"
    __table_args__ = (
        # The unique pair also serves "this conference's children"; the index below serves
        # "this child's conferences"; both are read without touching the table.
        UniqueConstraint("conference_id", "child_id"),
        Index("ix_conference_child_child", "child_id", "conference_id"),
    )

    id: str = _id()
    conference_id: str = _fk("conference.id", index=False)
    child_id: str = _fk("child.id", index=False)
    decision: str | None = Field(default=None, max_length=16)
    neglect: bool = False
    physical: bool = False
    emotional: bool = False
    sexual: bool = False
    participation: str | None = Field(default=None, max_length=3)


class ChildProtectionPlan(SQLModel, table=True):
    """A plan from the conference that made it to the one that ended it."""

    __tablename__ = "cp_plan"
    __table_args__ = (
        Index("ix_cp_plan_dates", "start_date", "end_date"),
        Index("ix_cp_plan_end", "end_date", "end_conference_id"),
    )

    id: str = _id()
    child_id: str = _fk("child.id")
    start_conference_id: str = _fk("conference.id", index=False)
    start_date: date
    end_conference_id: str | None = _fk("conference.id", nullable=True, index=False)
    end_date: date | None = None
    initial_categories: str = Field(default="", max_length=64)
    latest_categories: str = Field(default="", max_length=64)


class PlanPeriod(SQLModel, table=True):
    """A stretch of a plan with the categories one conference set: from that conference to the
    next one that set them again or ended the plan (open while it is the latest).

    Kept beside the plan so that "children subject to a plan on a day, by category as last
    set on or before it" is one pass over one index, not a search through every child's
    conferences. The child's date of birth and ethnicity are copied in for the same reason
    (the quarter-end figures count by them): whatever writes a child's date of birth or
    ethnicity calls ``siu_tui.db.periods.copy_child_details`` in the same transaction.
    """

    __tablename__ = "cp_plan_period"
    __table_args__ = (
        # Covering, in the order the quarter-end figures group by: the database adds up the
        # periods as it reads them, with no join and no sort.
        Index(
            "ix_cp_plan_period_report",
            "child_date_of_birth",
            "neglect",
            "physical",
            "emotional",
            "sexual",
            "child_ethnicity",
            "end_date",
            "start_date",
        ),
    )

    id: str = _id()
    plan_id: str = _fk("cp_plan.id")
    child_id: str = _fk("child.id")
    start_date: date
    end_date: date | None = None
    neglect: bool = False
    physical: bool = False
    emotional: bool = False
    sexual: bool = False
    child_date_of_birth: date | None = None
    child_ethnicity: str | None = Field(default=None, max_length=4)


class Invitee(SQLModel, table=True):
    """Someone invited to a conference: their answer, attendance and agency report."""

    __tablename__ = "invitee"

    id: str = _id()
    conference_id: str = _fk("conference.id")
    name: str = Field(max_length=120)
    role: str | None = Field(default=None, max_length=120)
    agency: str = Field(max_length=24)
    direct_contact: bool = True
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    invited_via: str | None = Field(default=None, max_length=8)
    invited_at: date | None = None
    response: str = Field(default="not_known", max_length=16)
    attended: bool | None = None
    report_format: str = Field(default="none", max_length=8)
    report_received_at: date | None = None


class SocialWorkerReport(SQLModel, table=True):
    """When the social worker's report reached the parents and the chair."""

    __tablename__ = "sw_report"
    __table_args__ = (
        # The report's timeliness figures read both receipts from this alone.
        Index("ix_sw_report_receipts", "conference_id", "to_parents_at", "to_chair_at"),
    )

    id: str = _id()
    conference_id: str = Field(foreign_key="conference.id", unique=True, max_length=32)
    to_parents_at: date | None = None
    to_chair_at: date | None = None


class StandDown(SQLModel, table=True):
    """Why a conference was stood down, who decided, and the one that replaced it."""

    __tablename__ = "stand_down"

    id: str = _id()
    conference_id: str = Field(foreign_key="conference.id", unique=True, max_length=32)
    reason: str = Field(max_length=32)
    decided_by: str = Field(max_length=16)
    decided_at: datetime
    note: str | None = None
    rebooked_conference_id: str | None = _fk("conference.id", nullable=True)


class AdvocacyReferral(SQLModel, table=True):
    """An offer of an advocate to a child for one conference (one per child per conference)."""

    __tablename__ = "advocacy_referral"
    __table_args__ = (
        UniqueConstraint("child_id", "conference_id"),
        # The report's advocacy figures read a period's referrals from this alone.
        Index(
            "ix_advocacy_referral_report",
            "conference_id",
            "withdrawn_at",
            "automatic",
            "outcome",
            "supported",
            "child_id",
        ),
    )

    id: str = _id()
    child_id: str = _fk("child.id")
    conference_id: str = _fk("conference.id")
    automatic: bool = True
    reason: str | None = None
    referred_at: datetime = Field(default_factory=now)
    notified_at: datetime | None = None
    outcome: str = Field(default="pending", max_length=16)
    supported: bool | None = None
    withdrawn_at: datetime | None = None


class OutboxMessage(SQLModel, table=True):
    """An e-mail waiting to go; kept until sent so nothing is lost without a network."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_created", "state", "created_at"),)

    id: str = _id()
    kind: str = Field(max_length=24)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=250)
    body: str
    state: str = Field(default="queued", max_length=8)
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime = Field(default_factory=now)
    sent_at: datetime | None = None
    related_id: str | None = Field(default=None, max_length=32, index=True)


# The week view's clerk and chair filters read a person's conferences' keys from these alone,
# and a clerk's week of conferences as the chair's is read from ix_conference_chair_date.
# (Declared here, beside the minutes, to leave the conference table's own list alone.)
Index(
    "ix_conference_clerk_date_ids",
    Conference.__table__.c.clerk_id,  # type: ignore[attr-defined]
    Conference.__table__.c.date,  # type: ignore[attr-defined]
    Conference.__table__.c.id,  # type: ignore[attr-defined]
)
Index("ix_conference_chair_ids", Conference.__table__.c.chair_id, Conference.__table__.c.id)  # type: ignore[attr-defined]


def _minutes_step_indexes(step: str, due: str, done: str) -> tuple[Index, Index]:
    """A step's two indexes. The partial one holds steps not done or done after their
    deadline; a query must repeat its condition for SQLite to use it."""
    condition = text(f"{done} IS NULL OR {done} > {due}")
    return (
        Index(f"ix_minutes_{step}_due", due, done, "id", "conference_id"),
        Index(
            f"ix_minutes_{step}_open",
            done,
            due,
            "id",
            "conference_id",
            sqlite_where=condition,
            postgresql_where=condition,
        ),
    )


class Minutes(SQLModel, table=True):
    """The minutes of a held conference as they move from draft to distribution."""

    __tablename__ = "minutes"
    __table_args__ = (
        Index("ix_minutes_stage_due", "stage", "distribution_due"),
        # The report's minutes figures read each held conference's minutes from this alone.
        Index("ix_minutes_distribution", "conference_id", "distribution_due", "distributed_at"),
        # The week view reads each step's tasks from these alone: those due in a week by the
        # deadline (with the keys, so no row is read), and those carried into it (not done,
        # or done late) from a partial index of the unfinished and the late, by done date.
        *_minutes_step_indexes("letter", "decision_letter_due", "decision_letter_at"),
        *_minutes_step_indexes("draft", "draft_due", "draft_to_chair_at"),
        *_minutes_step_indexes("distribution", "distribution_due", "distributed_at"),
    )

    id: str = _id()
    conference_id: str = Field(foreign_key="conference.id", unique=True, max_length=32)
    stage: str = Field(default="awaiting_draft", max_length=16)
    holder_id: str | None = _fk("staff.id", nullable=True, index=False)
    decision_letter_due: date
    decision_letter_at: date | None = None
    draft_due: date
    draft_to_chair_at: date | None = None
    approved_at: date | None = None
    returned_note: str | None = None
    distribution_due: date
    distributed_at: date | None = None


class MinutesRecipient(SQLModel, table=True):
    """Who a conference's minutes went to, copied from the invite list when they were
    distributed, so the record stands even if the invite list is changed afterwards."""

    __tablename__ = "minutes_recipient"

    id: str = _id()
    minutes_id: str = _fk("minutes.id")
    invitee_id: str | None = Field(default=None, max_length=32)
    """The invitee copied (no foreign key: an invite list may be tidied later)."""
    name: str = Field(max_length=120)
    role: str | None = Field(default=None, max_length=120)
    agency: str = Field(max_length=24)
    email: str | None = Field(default=None, max_length=254)
    attended: bool | None = None
    emailed: bool = False
    """A covering e-mail was queued in the outbox."""


class MinutesWeekReview(SQLModel, table=True):
    """A manager's review of one week's minutes workflow (Monday's date), with a note."""

    __tablename__ = "minutes_week_review"

    id: str = _id()
    week_start: date = Field(unique=True)
    reviewed_by: str = Field(max_length=120)
    reviewed_at: datetime = Field(default_factory=now)
    note: str


class Challenge(SQLModel, table=True):
    """An IRO's challenge to practice; an escalation is a new row pointing at the one before."""

    __tablename__ = "challenge"

    id: str = _id()
    raised_by_id: str = _fk("staff.id")
    family_id: str = _fk("family.id")
    conference_id: str | None = _fk("conference.id", nullable=True)
    escalated_from_id: str | None = _fk("challenge.id", nullable=True, index=False)
    level: str = Field(max_length=24)
    category: str = Field(max_length=24)
    description: str
    person_challenged: str | None = Field(default=None, max_length=120)
    team: str | None = Field(default=None, max_length=120)
    raised_on: date
    response_due: date
    resolved_on: date | None = None
    outcome: str | None = None


class AuditEvent(SQLModel, table=True):
    """Append-only: who changed which record, when, from what to what (JSON)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_record", "record_type", "record_id", "at"),)

    id: str = _id()
    at: datetime = Field(default_factory=now, index=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40)
    record_type: str = Field(max_length=40)
    record_id: str = Field(max_length=32)
    conference_id: str | None = Field(default=None, max_length=32, index=True)
    before: str | None = None
    after: str | None = None


class ImportBatch(SQLModel, table=True):
    """One ``siu import`` that writes in chunks: "writing" until its last chunk commits with
    the audit event ("done"), or "undone" once everything it added is deleted again.

    ``host``, ``pid`` and ``touched_at`` (real time, refreshed by every chunk) tell an import
    still running from one whose process died, whose rows the next import undoes.
    """

    __tablename__ = "import_batch"

    id: str = _id()
    state: str = Field(max_length=16, index=True)
    actor: str = Field(max_length=120)
    host: str = Field(max_length=255)
    pid: int
    started_at: datetime
    touched_at: datetime


class Setting(SQLModel, table=True):
    """A rule or preference that each area's procedures set differently (JSON value)."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str
    updated_at: datetime = Field(default_factory=now)
