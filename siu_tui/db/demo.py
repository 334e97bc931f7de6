"""Sample data for demonstrations, training, screenshots and benchmarks (``siu demo``).

Every record is plainly invented (whimsical surnames, ``DEMO`` references, ``example.org``
addresses, Ofcom's drama telephone numbers) so a demo database can never be mistaken for a
real family's file. The same seed and the same ``clock.today()`` give the same records apart
from their generated keys, so screenshots and benchmark runs can be compared.

Dates, deadlines and stages come from the rules in ``siu_tui.domain`` (never re-derived
here), so the demo shows exactly what the app would have computed for a clerk; the rules are
wrapped in per-run caches because the same few hundred dates recur hundreds of thousands of
times. Rows are written in batches inside one write transaction, so an interrupted run
leaves the database as empty as it found it. 100,000 conferences make about 1.5 million rows,
so both halves are kept lean: one random number per weighted choice, and inserts that compile
each statement once and hand the driver ready-converted values (see ``_Writer``).
"""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from siu_tui import clock
from siu_tui.db.engine import Store
from siu_tui.db.models import (
    AdvocacyReferral,
    AuditEvent,
    Challenge,
    Child,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    Family,
    Invitee,
    LocalityTeam,
    Minutes,
    MinutesRecipient,
    MinutesWeekReview,
    OutboxMessage,
    PlanPeriod,
    Room,
    Setting,
    SocialWorkerReport,
    Staff,
    StandDown,
    new_id,
    with_folded_names,
)
from siu_tui.domain.advocacy import (
    NoticeDetails,
    age_label,
    age_on,
    compose_notice,
    eligible_for_advocacy,
)
from siu_tui.domain.challenges import escalated_outcome
from siu_tui.domain.codes import (
    AbuseCategory,
    AdvocacyOutcome,
    Agency,
    ChallengeCategory,
    ChallengeLevel,
    ConferenceStatus,
    ConferenceType,
    DecidedBy,
    Decision,
    InviteMethod,
    InviteResponse,
    MinutesStage,
    OutboxState,
    Reason,
    ReportFormat,
    Role,
)
from siu_tui.domain.minutes import MinutesDeadlines, minutes_deadlines
from siu_tui.domain.periods import week_of
from siu_tui.domain.quoracy import Participant, assess_quoracy
from siu_tui.domain.settings import DEFAULT_RULES, Rules
from siu_tui.domain.timescales import (
    ReportDeadlines,
    birth_since,
    conference_deadline,
    rebook_target,
    report_deadlines,
)
from siu_tui.domain.workingdays import (
    add_working_days,
    is_working_day,
    nth_working_day_before,
    working_day_on_or_after,
    working_days_between,
)

T = TypeVar("T")
ProgressFn = Callable[[int, int], None]

DEFAULT_SEED = 2014
BATCH_CONFERENCES = 4000
"""Rows are written whenever this many conferences (and all their dependants) are pending:
large enough that per-statement costs vanish, small enough to bound memory and to move the
progress bar often."""
HISTORY_YEARS = 3
HORIZON = timedelta(weeks=8)
"""Initial conferences start three years back; reviews are booked up to eight weeks ahead."""
RECIPIENT_HISTORY = timedelta(weeks=13)
"""Distributed minutes record their recipients for the last quarter's conferences."""
DEMO_DOMAIN = "example.org"
MAX_INVITEES = 9

# Stored codes as plain strings: the hot loops compare and write them millions of times, and
# reading ``.value`` off an enum member costs a descriptor call each time.
HELD = ConferenceStatus.HELD.value
BOOKED = ConferenceStatus.BOOKED.value
STOOD_DOWN = ConferenceStatus.STOOD_DOWN.value
CANCELLED = ConferenceStatus.CANCELLED.value
INITIAL = ConferenceType.INITIAL.value
PRE_BIRTH = ConferenceType.INITIAL_PRE_BIRTH.value
TRANSFER_IN = ConferenceType.INITIAL_TRANSFER_IN.value
RECONVENED = ConferenceType.INITIAL_RECONVENED.value
FIRST_REVIEW = ConferenceType.FIRST_REVIEW.value
SUBSEQUENT_REVIEW = ConferenceType.SUBSEQUENT_REVIEW.value
ATTENDING = InviteResponse.ATTENDING.value
APOLOGIES = InviteResponse.APOLOGIES.value
NOT_KNOWN = InviteResponse.NOT_KNOWN.value
FAMILY = Agency.FAMILY.value
SOCIAL_CARE = Agency.SOCIAL_CARE.value
EMAIL = InviteMethod.EMAIL.value
REPORT_NONE = ReportFormat.NONE.value
VERBAL = ReportFormat.VERBAL.value
PLAN = Decision.PLAN.value
NO_PLAN = Decision.NO_PLAN.value
CONTINUE = Decision.CONTINUE.value
END = Decision.END.value
CATEGORY_ORDER: tuple[str, ...] = tuple(c.value for c in AbuseCategory)
WRITTEN_REPORTS = frozenset({ReportFormat.LSCB.value, ReportFormat.OTHER.value})

# ---------------------------------------------------------------------------------------------
# Invented names. Surnames are deliberately whimsical so nobody could take them for a real
# family; first names are old-fashioned enough to read as characters, not neighbours.
# fmt: off
FAMILY_SURNAMES: tuple[str, ...] = (
    "Bramblewick", "Quillfeather", "Puddlecombe", "Thimbleberry", "Wobbleton", "Fizzlewick",
    "Bumbleforth", "Crumbleknot", "Dimplebury", "Fernwhistle", "Hobnobber", "Inkwhistle",
    "Jumbleberry", "Kettlewhisk", "Lumpkinshaw", "Muddlecombe", "Nettlebottom", "Oddsocket",
    "Pumpernickle", "Quibbleton", "Rumbleford", "Snickerdoodle", "Tumblethorn", "Umbrellworth",
    "Vexleberry", "Wafflethorpe", "Yarnspinner", "Zigzagger", "Applecrumble", "Biscuitwood",
    "Dandelionby", "Elderflummox", "Flapjackson", "Gooseberryfield", "Hazelnutkin",
    "Icklepickle", "Jampotter", "Kipperwhistle", "Lollipopple", "Moonbeamish", "Noodlewood",
    "Oatcakeby", "Pebbleprance", "Quinceworthy", "Sprocketfield", "Teacosyby", "Upsidaisy",
    "Velvetpaw", "Wimbleweather", "Yodelwick", "Zephyrwinkle", "Buttonfluff", "Candlesnuff",
    "Dewdropple", "Figgleston", "Gumdropper", "Humbugshire", "Jigglesby", "Kumquatley",
    "Lanternwick", "Mopsyfield", "Nutmeggins", "Puffinbury", "Ricketywick", "Sherbetfield",
    "Toffeewhistle", "Wibbleton", "Bobbinwhirl", "Crumpetshaw", "Fiddlewhisk", "Marzipanney",
    "Scrumblewood",
)
STAFF_SURNAMES: tuple[str, ...] = (
    "Inkleby", "Ledgerwood", "Minutely", "Quorumfield", "Agendaby", "Stapleworth", "Clipboardy",
    "Paperclipton", "Docketshaw", "Rubberstamp", "Filingford", "Memoranda", "Biroworth",
    "Deskwhistle", "Tallyhoe", "Registerby", "Foliowick", "Indexworth", "Parchmentley",
    "Quillington", "Blotterby", "Envelopey", "Ringbinder", "Postitworth", "Ledgerly",
    "Spreadsheeton", "Teabreakley", "Calendarby", "Lanyardson", "Whiteboardy",
)
FIRST_NAMES_F: tuple[str, ...] = (
    "Clementine", "Araminta", "Marigold", "Ottoline", "Hester", "Tansy", "Primrose",
    "Wilhelmina", "Petunia", "Euphemia", "Honoria", "Delphine", "Juniper", "Lavender",
    "Persephone", "Seraphina", "Temperance", "Winifred", "Ophelia", "Beatrix", "Clemency",
    "Drusilla", "Hermione", "Philippa",
)
FIRST_NAMES_M: tuple[str, ...] = (
    "Bartholomew", "Crispin", "Fenwick", "Jasper", "Ptolemy", "Rupert", "Thaddeus", "Ignatius",
    "Montague", "Percival", "Quentin", "Horatio", "Cornelius", "Leopold", "Ambrose", "Barnaby",
    "Cuthbert", "Eustace", "Octavius", "Rufus", "Silas", "Tobias", "Wilbur", "Peregrine",
)
ADULT_NAMES_F: tuple[str, ...] = (
    "Griselda", "Morwenna", "Ermintrude", "Gwendolyn", "Hyacinth", "Mirabel", "Perpetua",
    "Rosamund", "Fenella", "Ottilie", "Cressida", "Philomena", "Sybilla", "Isadora",
)
ADULT_NAMES_M: tuple[str, ...] = (
    "Algernon", "Benedict", "Dunstan", "Gervase", "Lancelot", "Mortimer", "Reginald",
    "Wolfgang", "Cosmo", "Lysander", "Evander", "Tarquin", "Ferdinand", "Barnabas",
)
LOCALITIES: tuple[str, ...] = ("North", "South", "East", "West", "Central")
ROOMS: tuple[tuple[str, str], ...] = (
    ("Conference Room 1 (Civic Centre)", "Civic Centre"),
    ("Conference Room 2 (Civic Centre)", "Civic Centre"),
    ("Conference Room 3 (Civic Centre)", "Civic Centre"),
    ("Meeting Room A (North Locality Office)", "North Locality Office"),
    ("Family Room (South Hub)", "South Hub"),
    ("Boardroom (Town Hall Annex)", "Town Hall Annex"),
)
VIRTUAL_VENUE = "Virtual (video call)"
SCHOOLS: tuple[str, ...] = (
    "Puddlecombe Primary", "Thimbleberry Lane Primary", "Kettlewhisk Academy",
    "St Quibble's Junior", "Bumbleforth High", "Nettlebottom Community School",
    "Wafflethorpe Infants", "Moonbeam Meadow Academy",
)
SURGERIES: tuple[str, ...] = (
    "Meadowbrook Surgery", "Crumpet Lane Medical Centre", "Dewdrop Health Centre",
    "Figgleston Family Practice",
)
START_TIMES: tuple[tuple[time, int], ...] = (
    (time(9, 30), 25), (time(10, 0), 25), (time(11, 0), 10),
    (time(13, 30), 20), (time(14, 0), 15), (time(15, 0), 5),
)
ETHNICITIES: tuple[tuple[str | None, float], ...] = (
    ("WBRI", 68.0), ("WIRI", 1.0), ("WOTH", 4.0), ("WIRT", 0.5), ("WROM", 1.0),
    ("MWBC", 3.0), ("MWBA", 1.0), ("MWAS", 1.5), ("MOTH", 2.0),
    ("AIND", 1.5), ("APKN", 2.5), ("ABAN", 1.0), ("AOTH", 1.0),
    ("BCRB", 1.5), ("BAFR", 2.5), ("BOTH", 0.8),
    ("CHNE", 0.3), ("OOTH", 1.2), ("REFU", 0.7), ("NOBT", 2.0), (None, 2.0),
)
"""Roughly the shape of an English authority's children on plans: mostly White British, some
of every group, and a few refused, not yet obtained or missing."""
CHILD_AGES: tuple[tuple[int, int], ...] = (
    (0, 9), (1, 8), (2, 8), (3, 7), (4, 7), (5, 7), (6, 7), (7, 6), (8, 6), (9, 6),
    (10, 6), (11, 5), (12, 5), (13, 5), (14, 4), (15, 4),
)
STAND_DOWN_REASONS: tuple[tuple[Reason, int], ...] = (
    (Reason.NOT_QUORATE, 30), (Reason.REPORT_UNAVAILABLE, 25),
    (Reason.RESOURCE_UNAVAILABLE, 15), (Reason.FAMILY_REQUEST, 15),
    (Reason.INVITE_LIST_ERROR, 5), (Reason.S47_DATE_ERROR, 3),
    (Reason.DATE_MISCALCULATED, 3), (Reason.OTHER, 4),
)
LATE_REASONS: tuple[tuple[Reason, int], ...] = (
    (Reason.RESOURCE_UNAVAILABLE, 25), (Reason.REPORT_UNAVAILABLE, 20),
    (Reason.FAMILY_REQUEST, 15), (Reason.S47_DATE_ERROR, 10), (Reason.INVITE_LIST_ERROR, 10),
    (Reason.DATE_MISCALCULATED, 10), (Reason.OTHER, 10),
)
CATEGORIES: tuple[tuple[str, int], ...] = (
    (AbuseCategory.NEGLECT.value, 50), (AbuseCategory.EMOTIONAL.value, 32),
    (AbuseCategory.PHYSICAL.value, 12), (AbuseCategory.SEXUAL.value, 6),
)
PARTICIPATION: tuple[tuple[str, int], ...] = (
    ("PN1", 14), ("PN2", 6), ("PN3", 4), ("PN4", 4), ("PN5", 22), ("PN6", 10), ("PN7", 40),
)
"""SSD participation codes for a child aged 4 or over; younger children's stay empty."""
ADVOCACY_OUTCOMES: tuple[tuple[str, int], ...] = (
    (AdvocacyOutcome.PENDING.value, 4), (AdvocacyOutcome.CONTACTED.value, 14),
    (AdvocacyOutcome.ACCEPTED.value, 40), (AdvocacyOutcome.DECLINED.value, 26),
    (AdvocacyOutcome.NO_RESPONSE.value, 16),
)
RESPONSES: tuple[tuple[str, int], ...] = ((ATTENDING, 75), (APOLOGIES, 18), (NOT_KNOWN, 7))
FAMILY_INVITE_METHODS: tuple[tuple[str, int], ...] = (
    (InviteMethod.POST.value, 45), (InviteMethod.HAND.value, 25),
    (InviteMethod.EMAIL.value, 20), (InviteMethod.PHONE.value, 10),
)
AGENCY_REPORTS: tuple[tuple[str, int], ...] = (
    (ReportFormat.LSCB.value, 4), (ReportFormat.OTHER.value, 46),
    (ReportFormat.VERBAL.value, 30), (ReportFormat.NONE.value, 20),
)
"""LSCB-format agency reports are rare, as the unit's annual reports keep noting."""
SW_TO_PARENTS: tuple[tuple[str, int], ...] = (
    ("on_the_day", 60), ("on_time", 25), ("late", 10), ("not_received", 5),
)
SW_TO_CHAIR: tuple[tuple[str, int], ...] = (
    ("on_the_day", 45), ("on_time", 40), ("late", 10), ("not_received", 5),
)
"""The annual report's picture: most reports reach parents on the day; the chair fares a
little better."""
CHALLENGE_CATEGORIES: tuple[tuple[ChallengeCategory, int], ...] = (
    (ChallengeCategory.REPORT_SUFFICIENCY, 25), (ChallengeCategory.PLAN_DELAY, 22),
    (ChallengeCategory.VISITS, 18), (ChallengeCategory.MANAGEMENT_OVERSIGHT, 12),
    (ChallengeCategory.INVITE_DELAY, 10), (ChallengeCategory.LEGAL_ADVICE, 6),
    (ChallengeCategory.OTHER, 7),
)
PROFESSIONALS: tuple[tuple[str, str, str], ...] = (
    (Agency.POLICE.value, "DC ", "Public protection unit"),
    (Agency.HEALTH_VISITOR.value, "", "Health visitor"),
    (Agency.SCHOOL_NURSE.value, "", "School nurse"),
    (Agency.MIDWIFE.value, "", "Community midwife"),
    (Agency.EDUCATION.value, "", "Designated safeguarding lead, {school}"),
    (Agency.GP.value, "Dr ", "GP, {surgery}"),
    (Agency.ADVOCATE.value, "", "Independent advocate"),
    (Agency.INTERPRETER.value, "", "Interpreter"),
    (Agency.ADULT_MENTAL_HEALTH.value, "", "Care coordinator"),
    (Agency.SUBSTANCE_MISUSE.value, "", "Recovery worker"),
    (Agency.HOUSING.value, "", "Housing officer"),
    (Agency.PROBATION.value, "", "Probation officer"),
)
"""(agency, title, role) of the invented professionals families' conferences invite."""
# fmt: on
OCCASIONAL_AGENCIES: tuple[str, ...] = (
    Agency.ADULT_MENTAL_HEALTH.value,
    Agency.SUBSTANCE_MISUSE.value,
    Agency.HOUSING.value,
    Agency.PROBATION.value,
)
COUNTING_AGENCIES = frozenset(
    {
        Agency.POLICE.value,
        Agency.HEALTH_VISITOR.value,
        Agency.SCHOOL_NURSE.value,
        Agency.MIDWIFE.value,
        Agency.GP.value,
        Agency.EDUCATION.value,
    }
)
"""Invitees the demo may mark as attending so that a held conference was quorate; the verdict
itself always comes from ``assess_quoracy``."""
REPORTING_AGENCIES = COUNTING_AGENCIES | frozenset(OCCASIONAL_AGENCIES)
REASON_NOTES: dict[Reason, str] = {
    Reason.NOT_QUORATE: "Demo: police and school both absent on the day.",
    Reason.S47_DATE_ERROR: "Demo: strategy discussion date was keyed as the referral date.",
    Reason.RESOURCE_UNAVAILABLE: "Demo: no IRO free that week and the room double-booked.",
    Reason.DATE_MISCALCULATED: "Demo: review date counted from the wrong conference.",
    Reason.INVITE_LIST_ERROR: "Demo: the school was left off the invite list.",
    Reason.REPORT_UNAVAILABLE: "Demo: social worker off sick; report not ready.",
    Reason.FAMILY_REQUEST: "Demo: parent asked to move the date for a hospital appointment.",
    Reason.OTHER: "Demo: snowed in (an invented reason for the sample data).",
}
ADVOCACY_ADDRESS = f"advocacy@{DEMO_DOMAIN}"
"""The demo advocacy service (also saved as the setting, when none is set)."""
RETRY_ERROR = "Demo: could not reach the mail server (connection refused); tried again later"
PENDING_REFERRAL = AdvocacyOutcome.PENDING.value
CONTACTED = AdvocacyOutcome.CONTACTED.value
REBOOKED_NOTE = "Demo: re-booked after the first date was stood down."
RETURN_NOTES: tuple[str, ...] = (
    "Demo: the outline plan needs a named person and a date for each action.",
    "Demo: the decisions section should record each child's categories separately.",
    "Demo: please add the police's contribution, which is missing from the draft.",
)
REVIEW_NOTES: tuple[str, ...] = (
    "Demo: reviewed; everything due went out on time.",
    "Demo: reviewed; two late distributions chased with the clerks.",
    "Demo: reviewed; drafts waiting with one chair, raised at the IRO meeting.",
    "Demo: reviewed; decision letters all out the next working day.",
    "Demo: reviewed; backlog reduced, the oldest item escalated to the service manager.",
)
CANCEL_REASONS: tuple[str, ...] = (
    "Demo: s47 enquiry concluded no further action before the conference.",
    "Demo: family moved out of the area; case transferred before the conference.",
    "Demo: booked in error for the wrong family (duplicate booking).",
)
CHALLENGE_TEXT: dict[ChallengeCategory, str] = {
    ChallengeCategory.REPORT_SUFFICIENCY: "Demo challenge: the report did not analyse risk.",
    ChallengeCategory.PLAN_DELAY: "Demo challenge: plan actions overdue since the last review.",
    ChallengeCategory.VISITS: "Demo challenge: no statutory visit recorded for six weeks.",
    ChallengeCategory.MANAGEMENT_OVERSIGHT: "Demo challenge: no recorded management oversight.",
    ChallengeCategory.INVITE_DELAY: "Demo challenge: invite list sent two days before.",
    ChallengeCategory.LEGAL_ADVICE: "Demo challenge: legal planning meeting not requested.",
    ChallengeCategory.OTHER: "Demo challenge: an invented concern for the sample data.",
}
RECENT_CHALLENGES = 30
"""Working days back from today in which held conferences are challenged more often."""
OVERDUE_AT_MOST = 30
"""Working days a demo challenge's response may be left overdue: older ones were all closed,
as a unit chasing its responses would have closed them."""
_DAYS: tuple[timedelta, ...] = tuple(timedelta(days=n) for n in range(32))
_REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""The booking service's reference alphabet (no 0/O or 1/I to misread over the phone)."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """How many rows of each kind the generator wrote (for the CLI to print)."""

    staff: int = 0
    rooms: int = 0
    locality_teams: int = 0
    families: int = 0
    children: int = 0
    conferences: int = 0
    conference_children: int = 0
    plans: int = 0
    plan_periods: int = 0
    invitees: int = 0
    sw_reports: int = 0
    stand_downs: int = 0
    advocacy_referrals: int = 0
    outbox: int = 0
    minutes: int = 0
    minutes_recipients: int = 0
    week_reviews: int = 0
    challenges: int = 0
    audit_events: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def total(self) -> int:
        return sum(self.as_dict().values())

    def as_lines(self) -> list[str]:
        """Aligned ``label  count`` lines ending with the total, ready to print."""
        items = [(name.replace("_", " "), n) for name, n in self.as_dict().items()]
        items.append(("total rows", self.total))
        width = max(len(label) for label, _ in items)
        return [f"{label:<{width}}  {n:>10,}" for label, n in items]


# ---------------------------------------------------------------------------------------------


class _Weighted(Generic[T]):
    """A (value, weight) table drawn from with a single random number: ``random.choices``
    rebuilds its cumulative weights on every call, which alone cost seconds per run."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cum: list[float] = []
        running = 0.0
        for _, weight in pairs:
            running += weight
            self.cum.append(running)
        self.total = running


_Person = tuple[str, str, str, bool, str | None, str | None]
"""An invitee-to-be: name, role, agency, direct contact with the child, e-mail, phone."""


@dataclass(slots=True)
class _Kid:
    id: str
    dob: date | None
    """None while unborn (only the baby of a pre-birth conference, until its birth)."""
    name: str = ""
    ethnicity: str | None = None


@dataclass(slots=True)
class _Family:
    id: str
    locality: str
    social_worker: str
    team_manager: str
    social_worker_email: str
    iro: str
    kids: list[_Kid] = field(default_factory=list)
    invited: list[_Person] = field(default_factory=list)
    """Invitees to every one of the family's conferences (parents, social worker)."""
    interpreter: bool = False


@dataclass(frozen=True, slots=True)
class _InsertPlan:
    """How one table's rows are turned into driver parameters."""

    sql: str
    """The single-row INSERT as compiled for the dialect."""
    getter: Callable[[dict[str, Any]], tuple[Any, ...]]
    """Picks a row's values in the statement's parameter order."""
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    """(position, SQLAlchemy bind processor) for the columns whose values need converting."""
    order: tuple[str, ...]
    positional: bool
    multi: tuple[str, str, int] | None
    """(``INSERT ... VALUES ``, one row's ``(?, ...)``, rows per statement) when the dialect
    takes positional parameters; None means plain executemany with named parameters."""


class _Writer:
    """Batch inserts that compile each table's INSERT once, convert values with SQLAlchemy's
    own bind processors for the dialect, and send many rows per statement.

    ``conn.execute(table.insert(), rows)`` rebuilds parameters through several layers per row;
    at 1.5 million rows that was over half the run. The dialect's compiled statement,
    parameter style and type processors keep exactly the stored format the ORM writes (dates,
    aware UTC datetimes, booleans) and portable SQL: a multi-row ``VALUES`` list, which both
    SQLite and PostgreSQL accept, sized to the dialect's parameter limit (a tenth faster than
    executemany on SQLite). Named-parameter drivers get plain executemany.
    """

    MAX_ROWS_PER_STATEMENT = 500

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect
        self._plans: dict[str, _InsertPlan] = {}
        self._statements: dict[tuple[str, int], str] = {}

    def _plan(self, table: Table) -> _InsertPlan:
        plan = self._plans.get(table.name)
        if plan is not None:
            return plan
        # Nothing here comes from an import: its batch column is left empty.
        keys = [column.key for column in table.columns if column.key != "import_batch_id"]
        compiled = table.insert().compile(dialect=self.dialect, column_keys=keys)
        order = tuple(compiled.positiontup or ()) if compiled.positional else tuple(keys)
        processors = []
        for i, key in enumerate(order):
            column_type = table.c[key].type
            proc = column_type.dialect_impl(self.dialect).bind_processor(self.dialect)
            if proc is not None:
                # Every value written here is hashable and the same dates recur endlessly.
                processors.append((i, lru_cache(maxsize=65536)(proc)))
        multi = None
        head, values, group = compiled.string.rpartition(" VALUES ")
        if compiled.positional and values and group.startswith("(") and group.endswith(")"):
            limit = getattr(self.dialect, "insertmanyvalues_max_parameters", 999) or 999
            rows = max(1, min(self.MAX_ROWS_PER_STATEMENT, limit // len(order)))
            multi = (head + values, group, rows)
        plan = _InsertPlan(
            compiled.string,
            itemgetter(*order),
            tuple(processors),
            order,
            bool(compiled.positional),
            multi,
        )
        self._plans[table.name] = plan
        return plan

    def _multi_sql(self, plan: _InsertPlan, n: int) -> str:
        assert plan.multi is not None
        key = (plan.sql, n)
        sql = self._statements.get(key)
        if sql is None:
            head, group, _ = plan.multi
            sql = self._statements[key] = head + ", ".join([group] * n)
        return sql

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        plan = self._plan(table)
        getter, processors = plan.getter, plan.processors
        converted: list[tuple[Any, ...]] = []
        append = converted.append
        for row in rows:
            values = getter(with_folded_names(table.name, row))
            if processors:
                values = list(values)  # type: ignore[assignment]
                for i, proc in processors:
                    values[i] = proc(values[i])  # type: ignore[index]
            append(tuple(values))
        if plan.multi is None:
            params: list[Any] = converted
            if not plan.positional:
                params = [dict(zip(plan.order, values, strict=True)) for values in converted]
            self.conn.exec_driver_sql(plan.sql, params)
            return
        page = plan.multi[2]
        for start in range(0, len(converted), page):
            chunk = converted[start : start + page]
            flat = tuple(chain.from_iterable(chunk))
            self.conn.exec_driver_sql(self._multi_sql(plan, len(chunk)), flat)


def _aware(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=UTC)


def _join_categories(chosen: set[str]) -> str:
    """Stored in the code list's order, so the same set always reads the same."""
    return ";".join(c for c in CATEGORY_ORDER if c in chosen)


class _Generator:
    """One run: the random stream, cached rules, staff and pools, and rows waiting to go."""

    def __init__(self, conferences: int, seed: int, rules: Rules, today: date) -> None:
        self.total = conferences
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.rules = rules
        self.today = today
        self.horizon = today + HORIZON
        self.done = 0
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in _TABLE_ORDER}
        self.pending = 0
        self.references: set[str] = set()
        self.family_no = 0
        self.child_no = 0
        self.last_end: date | None = None
        self.last_invitees: list[dict[str, Any]] = []
        # The minutes workflow's extra detail (returns, recipients, weekly reviews) draws from
        # its own stream, so adding it left every other demo record exactly as it was.
        self.minutes_rng = random.Random(seed + 7)
        self.recipients_since = today - RECIPIENT_HISTORY

        # Per-run caches of the pure rules: a run asks about the same few hundred dates over
        # and over, and each answer depends only on its arguments and these fixed rules. The
        # rules are bound here rather than passed, because hashing the settings object on
        # every call cost more than most rules themselves.
        self.add_wd = cache(add_working_days)
        self.wd_before = cache(nth_working_day_before)
        self.wd_between = cache(working_days_between)
        self.on_or_after = cache(working_day_on_or_after)

        @cache
        def deadline(ctype: str, trigger: date, previous: str | None, birth: date | None) -> date:
            return conference_deadline(
                ctype, trigger, rules, previous_type=previous, birth_date=birth
            )

        @cache
        def reports(ctype: str, day: date) -> ReportDeadlines:
            return report_deadlines(ctype, day, rules)

        @cache
        def minutes_due(day: date) -> MinutesDeadlines:
            return minutes_deadlines(day, rules)

        @cache
        def rebook_by(day: date) -> date:
            return rebook_target(day, rules)

        @cache
        def eligible(dob: date | None, day: date) -> bool:
            return eligible_for_advocacy(dob, day, rules)

        self.deadline = deadline
        self.reports = reports
        self.minutes_due = minutes_due
        self.rebook_by = rebook_by
        self.eligible = eligible

        self.w_times = _Weighted(START_TIMES)
        self.w_ethnicity = _Weighted(ETHNICITIES)
        self.w_child_age = _Weighted(CHILD_AGES)
        self.w_stand_down = _Weighted(STAND_DOWN_REASONS)
        self.w_late = _Weighted(LATE_REASONS)
        self.w_category = _Weighted(CATEGORIES)
        self.w_participation = _Weighted(PARTICIPATION)
        self.w_advocacy = _Weighted(ADVOCACY_OUTCOMES)
        # A month after the conference every referral has an answer (or none came).
        self.w_advocacy_settled = _Weighted(
            [(o, w) for o, w in ADVOCACY_OUTCOMES if o not in (PENDING_REFERRAL, CONTACTED)]
        )
        self.type_label = cache(lambda code: ConferenceType(code).label)
        self.w_response = _Weighted(RESPONSES)
        self.w_family_via = _Weighted(FAMILY_INVITE_METHODS)
        self.w_agency_report = _Weighted(AGENCY_REPORTS)
        self.w_to_parents = _Weighted(SW_TO_PARENTS)
        self.w_to_chair = _Weighted(SW_TO_CHAIR)
        self.w_challenge = _Weighted(CHALLENGE_CATEGORIES)
        self.w_first_type = _Weighted(((INITIAL, 80), (PRE_BIRTH, 10), (TRANSFER_IN, 10)))
        self.w_kids = _Weighted(((1, 40), (2, 30), (3, 20), (4, 10)))
        self.w_reviews = _Weighted(((1, 30), (2, 35), (3, 20), (4, 15)))

        try:
            start = today.replace(year=today.year - HISTORY_YEARS)
        except ValueError:  # 29 February
            start = date(today.year - HISTORY_YEARS, 2, 28)
        self.initial_last = self.add_wd(today, rules.initial_working_days)
        self.initial_days = _working_days(self.on_or_after(start), self.initial_last)

    # --- random helpers (one random number each) ---------------------------------------------
    def chance(self, p: float) -> bool:
        return self.random() < p

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def choice(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def draw(self, table: _Weighted[T]) -> T:
        return table.values[bisect_right(table.cum, self.random() * table.total)]

    def age(self, dob: date | None, day: date) -> int:
        """Whole years on ``day``; -1 for a child not yet born then."""
        if dob is None or dob > day:
            return -1
        return age_on(dob, day)

    @cache  # noqa: B019 - one generator per run, so the cache dies with it
    def quorate(self, present: frozenset[tuple[str, bool]]) -> bool:
        participants = [Participant(agency, direct) for agency, direct in sorted(present)]
        return assess_quoracy(participants, self.rules).quorate

    # --- people ------------------------------------------------------------------------------
    def name(self, *, female: bool | None = None) -> tuple[str, str]:
        if female is None:
            female = self.chance(0.5)
        return self.choice(ADULT_NAMES_F if female else ADULT_NAMES_M), self.choice(STAFF_SURNAMES)

    @staticmethod
    def email(first: str, last: str, tag: str = "") -> str:
        """An example.org address; the tag keeps namesakes in different pools apart."""
        return f"{first}.{last}{'.' + tag if tag else ''}@{DEMO_DOMAIN}".lower()

    def phone(self) -> str:
        """Ofcom keeps 01632 960000-960999 for drama, so these numbers can never ring anyone."""
        return f"01632 960{self.between(0, 999):03d}"

    def staff(self) -> None:
        """The unit, scaled with the run: per 10,000 conferences 4 clerks and 8 IROs, with at
        least 2 managers and 1 administrator; plus the social workers families are allocated."""
        scale = max(1, round(self.total / 10_000))
        wanted = (
            (Role.CLERK.value, 4 * scale),
            (Role.IRO.value, 8 * scale),
            (Role.MANAGER.value, max(2, scale // 2)),
            (Role.ADMIN.value, max(1, scale // 4)),
        )
        seen: dict[str, int] = {}
        self.clerks: list[str] = []
        self.iros: list[str] = []
        self.staff_names: dict[str, str] = {}
        self.manager_names: list[str] = []
        for role, count in wanted:
            for _ in range(count):
                first, last = self.name()
                n = seen[first + last] = seen.get(first + last, 0) + 1
                row_id = new_id()
                self.rows["staff"].append(
                    {
                        "id": row_id,
                        "name": f"{first} {last}" if n == 1 else f"{first} {last} ({n})",
                        "role": role,
                        "email": self.email(first, last, str(n) if n > 1 else ""),
                        "active": True,
                    }
                )
                self.staff_names[row_id] = self.rows["staff"][-1]["name"]
                if role == Role.MANAGER.value:
                    self.manager_names.append(self.rows["staff"][-1]["name"])
                if role == Role.CLERK.value:
                    self.clerks.append(row_id)
                elif role == Role.IRO.value:
                    self.iros.append(row_id)

        per_team = max(4, self.total // 2500)
        self.social_workers: dict[str, list[tuple[str, str]]] = {}
        self.team_managers: dict[str, list[tuple[str, str]]] = {}
        for team in LOCALITIES:
            workers = []
            for i in range(per_team):
                first, last = self.name()
                workers.append((f"{first} {last}", self.email(first, last, f"sw{i + 1}")))
            self.social_workers[team] = workers
            managers = []
            for i in range(max(1, per_team // 6)):
                first, last = self.name()
                managers.append((f"{first} {last}", self.email(first, last, f"tm{i + 1}")))
            self.team_managers[team] = managers

        size = max(12, self.total // 400)
        self.pools: dict[str, list[_Person]] = {}
        for agency, title, role in PROFESSIONALS:
            pool = []
            for i in range(size):
                first, last = self.name()
                text = role.format(school=self.choice(SCHOOLS), surgery=self.choice(SURGERIES))
                email = self.email(first, last, f"{agency}{i + 1}")
                phone = self.phone() if self.chance(0.3) else None
                pool.append((f"{title}{first} {last}", text, agency, True, email, phone))
            self.pools[agency] = pool

    def rooms(self, existing: dict[str, str]) -> None:
        self.room_ids: list[tuple[str, str]] = []
        for name, site in ROOMS:
            room_id = existing.get(name)
            if room_id is None:
                room_id = new_id()
                self.rows["room"].append(
                    {"id": room_id, "name": name, "site": site, "active": True}
                )
            self.room_ids.append((room_id, name))

    def teams(self, existing: set[str]) -> None:
        """The locality teams families are allocated to, for the family form's team list."""
        for name in LOCALITIES:
            if name not in existing:
                self.rows["locality_team"].append({"id": new_id(), "name": name, "active": True})

    def family(self, first_type: str, start: date) -> _Family:
        self.family_no += 1
        surname = self.choice(FAMILY_SURNAMES)
        if self.chance(0.2):
            surname = f"{surname}-{self.choice(FAMILY_SURNAMES)}"
        team = self.choice(LOCALITIES)
        social_worker = self.choice(self.social_workers[team])
        team_manager = self.choice(self.team_managers[team])
        fam = _Family(
            id=new_id(),
            locality=team,
            social_worker=social_worker[0],
            team_manager=team_manager[0],
            social_worker_email=social_worker[1],
            iro=self.choice(self.iros),
        )
        self.rows["family"].append(
            {
                "id": fam.id,
                "reference": f"DEMO-F{self.family_no:06d}",
                "name": surname,
                "locality_team": team,
                "social_worker": social_worker[0],
                "social_worker_email": social_worker[1],
                "team_manager": team_manager[0],
                "team_manager_email": team_manager[1],
            }
        )
        ethnicity = self.draw(self.w_ethnicity)
        fam.interpreter = ethnicity not in (None, "WBRI", "WIRI", "MWBC") and self.chance(0.25)
        n_kids = self.draw(self.w_kids)
        if first_type == PRE_BIRTH:
            n_kids -= 1
            edd = start + timedelta(weeks=self.between(3, 20))
            born = edd + timedelta(days=self.between(-14, 10))
            # A child has a date of birth or an expected one, never both (domain.children).
            if born <= self.today:
                self.kid(fam, surname, born, ethnicity, None)
            else:
                self.kid(fam, surname, None, ethnicity, edd)
        for _ in range(n_kids):
            years = self.draw(self.w_child_age)
            dob = start - timedelta(days=365 * years + self.between(20, 360))
            self.kid(fam, surname, dob, ethnicity, None)

        mother = f"{self.choice(ADULT_NAMES_F)} {surname}"
        adults = [(mother, "Mother")]
        if self.chance(0.6):
            adults.append((f"{self.choice(ADULT_NAMES_M)} {surname}", "Father"))
        elif self.chance(0.2):
            adults.append((f"{self.choice(ADULT_NAMES_M)} {self.choice(FAMILY_SURNAMES)}", "Carer"))
        for name, role in adults:
            email = None
            if self.chance(0.4):
                email = f"{name.replace(' ', '.').lower()}{self.family_no}@{DEMO_DOMAIN}"
            phone = self.phone() if self.chance(0.5) else None
            fam.invited.append((name, role, FAMILY, False, email, phone))
        fam.invited.append(
            (social_worker[0], "Allocated social worker", SOCIAL_CARE, True, social_worker[1], None)
        )
        return fam

    def kid(
        self, fam: _Family, surname: str, dob: date | None, ethnicity: str | None, edd: date | None
    ) -> None:
        self.child_no += 1
        if self.chance(0.1):
            ethnicity = self.draw(self.w_ethnicity)
        if dob is None:
            sex, first = "U", "Unborn"
            if self.chance(0.5):
                ethnicity = "NOBT"
        else:
            sex = "F" if self.chance(0.5) else "M"
            first = self.choice(FIRST_NAMES_F if sex == "F" else FIRST_NAMES_M)
        kid = _Kid(new_id(), dob, f"{first} {surname}", ethnicity)
        fam.kids.append(kid)
        self.rows["child"].append(
            {
                "id": kid.id,
                "case_reference": f"DEMO{self.child_no:08d}",
                "family_id": fam.id,
                "first_name": first,
                "last_name": surname,
                "date_of_birth": dob,
                "expected_date_of_birth": edd,
                "sex": sex,
                "ethnicity": ethnicity,
            }
        )

    # --- conference chains -------------------------------------------------------------------
    def reference(self, day: date) -> str:
        """A booking-style reference (CPC-YYMMDD-XXXXX), unique within the run."""
        while True:
            n = int(self.random() * 32**5)
            tail = ""
            for _ in range(5):
                n, digit = divmod(n, 32)
                tail += _REF_ALPHABET[digit]
            ref = f"CPC-{day:%y%m%d}-{tail}"
            if ref not in self.references:
                self.references.add(ref)
                return ref

    def initial_trigger(self, day: date, *, late: bool | None = None) -> date:
        """The strategy discussion (or transfer notice) 5-25 working days before, ~15% too
        early to meet the deadline; never after today, since a booking runs from an event
        that has happened."""
        if late is None:
            late = self.chance(0.15)
        k = self.between(16, 25) if late else self.between(5, self.rules.initial_working_days)
        if day > self.today:
            k = max(k, self.wd_between(self.today, day))
        return self.wd_before(day, k)

    def review_day(self, deadline: date, after: date) -> date:
        """Mostly in the fortnight before the deadline; now and then late."""
        if self.chance(0.08):
            day = self.add_wd(deadline, self.between(1, 15))
        else:
            day = self.wd_before(deadline, self.between(0, 10))
        return day if day > after else self.add_wd(after, 1)

    def chain(
        self, start: date, budget: int, *, first_type: str | None = None, plain: bool = False
    ) -> int:
        """One family's conferences, returning how many were used (at most ``budget``). A
        tenth of families whose plan ended come back to a new initial conference later."""
        first_type = first_type or self.draw(self.w_first_type)
        fam = self.family(first_type, start)
        used = self.episode(fam, first_type, start, budget, plain=plain)
        while used < budget and not plain and self.last_end is not None and self.chance(0.1):
            day = self.on_or_after(self.last_end + timedelta(days=self.between(120, 540)))
            if day > self.initial_last:
                break
            used += self.episode(fam, INITIAL, day, budget - used)
        return used

    def overdue_booking(self, day: date) -> None:
        """A booked initial conference already past its deadline, for the home screen."""
        fam = self.family(INITIAL, day)
        self.episode(fam, INITIAL, day, 1, plain=True, late=True)

    def episode(
        self,
        fam: _Family,
        ctype: str,
        day: date,
        budget: int,
        *,
        plain: bool = False,
        late: bool | None = None,
    ) -> int:
        """An initial conference and what follows it: re-booking after a stand-down, and for
        a plan, a first review and subsequent reviews until the plan ends."""
        self.last_end = None
        trigger = self.initial_trigger(day, late=late)
        created = self.booked_at(day, trigger)
        plans: dict[str, dict[str, Any]] = {}
        periods: dict[str, dict[str, Any]] = {}
        categories: dict[str, set[str]] = {}
        previous: str | None = None  # type of the last held conference, for review deadlines
        reviews_wanted = self.draw(self.w_reviews)
        reviews_done = 0
        rebooks: str | None = None
        conf_id = new_id()
        carried_reason: Reason | None = None
        chair = fam.iro if self.chance(0.85) else self.choice(self.iros)
        used = 0

        while used < budget and day <= self.horizon:
            kids = [k for k in fam.kids if self.age(k.dob, day) < 18]
            if not kids:
                break
            deadline = self.review_deadline(ctype, trigger, previous, kids)
            status = BOOKED
            if day < self.today:
                status = HELD
                roll = self.random()
                if not plain and roll < 0.05:
                    status = STOOD_DOWN
                elif not plain and roll < 0.075 and ctype in (INITIAL, PRE_BIRTH, TRANSFER_IN):
                    status = CANCELLED
            late_reason = None
            if day > deadline:
                late_reason = carried_reason or self.draw(self.w_late)
            conf = self.conference(
                fam, conf_id, ctype, day, trigger, deadline, status, rebooks, chair, created,
                late_reason,
            )  # fmt: skip
            used += 1
            rebooks, carried_reason = None, None

            if status in (BOOKED, CANCELLED):
                self.children(conf, kids, None, categories)
                self.after_booking(fam, conf, kids, None)
                return used
            if status == STOOD_DOWN:
                reason: Reason = self.draw(self.w_stand_down)
                # A few recent ones are not re-booked yet (and the run's last one may not be).
                rebook = used < budget and (
                    day < self.today - timedelta(days=14) or self.chance(0.5)
                )
                next_id = new_id() if rebook else None
                self.stand_down(conf, reason, next_id)
                self.children(conf, kids, None, categories)
                self.after_booking(fam, conf, kids, reason)
                if next_id is None:
                    return used  # recently stood down and not yet re-booked
                new_day = self.wd_before(self.rebook_by(day), self.between(0, 7))
                rebooks, carried_reason, conf_id = conf_id, reason, next_id
                if ctype in (INITIAL, PRE_BIRTH, TRANSFER_IN):
                    ctype = RECONVENED
                created = _aware(day, time(15, self.between(0, 59)))
                day = new_day if new_day > day else self.add_wd(day, 1)
                continue

            # Held: what the conference decided for the children.
            if ctype in (INITIAL, PRE_BIRTH, TRANSFER_IN, RECONVENED):
                decision = PLAN if self.chance(0.75) else NO_PLAN
            else:
                reviews_done += 1
                decision = END if reviews_done >= reviews_wanted else CONTINUE
            if decision == PLAN:
                main = self.draw(self.w_category)
                for k in kids:
                    chosen = {main}
                    if self.chance(0.15):
                        chosen.add(self.draw(self.w_category))
                    categories[k.id] = chosen
            elif decision == CONTINUE and self.chance(0.1):
                extra = self.draw(self.w_category)
                for k in kids:
                    if k.id in categories:
                        categories[k.id] = {*categories[k.id], extra}
            self.children(conf, kids, decision, categories)
            self.after_booking(fam, conf, kids, None)
            self.minutes(conf)
            # A few in every quarter; more of late, so the open ones waiting on a response
            # (some overdue) are there for a first look.
            recent = self.wd_between(day, self.today) <= RECENT_CHALLENGES
            if self.chance(0.12 if recent else 0.025):
                self.challenge(fam, conf)

            if decision == PLAN:
                for k in kids:
                    cats = _join_categories(categories[k.id])
                    plans[k.id] = plan = {
                        "id": new_id(),
                        "child_id": k.id,
                        "start_conference_id": conf_id,
                        "start_date": day,
                        "end_conference_id": None,
                        "end_date": None,
                        "initial_categories": cats,
                        "latest_categories": cats,
                    }
                    self.rows["cp_plan"].append(plan)
                    periods[k.id] = self.plan_period(plan, k, day, categories[k.id])
            elif decision == CONTINUE:
                for k in kids:
                    if k.id in plans:
                        plans[k.id]["latest_categories"] = _join_categories(categories[k.id])
                        periods[k.id]["end_date"] = day
                        periods[k.id] = self.plan_period(plans[k.id], k, day, categories[k.id])
            else:
                for plan in plans.values():
                    plan["end_conference_id"] = conf_id
                    plan["end_date"] = day
                for period in periods.values():
                    period["end_date"] = day
                self.last_end = day
                return used

            # Book the next review from this conference.
            previous, trigger = ctype, day
            ctype = FIRST_REVIEW if ctype.startswith("initial") else SUBSEQUENT_REVIEW
            created = _aware(day, time(16, self.between(0, 59)))
            day = self.review_day(self.review_deadline(ctype, trigger, previous, kids), day)
            conf_id = new_id()
            if chair != fam.iro and self.chance(0.5):
                chair = fam.iro
        return used

    def plan_period(
        self, plan: dict[str, Any], kid: _Kid, start: date, chosen: set[str]
    ) -> dict[str, Any]:
        """The plan's stretch from ``start`` with these categories, and the child's details
        as the child's row holds them (see ``PlanPeriod``)."""
        period = {
            "id": new_id(),
            "plan_id": plan["id"],
            "child_id": plan["child_id"],
            "start_date": start,
            "end_date": None,
            **{category: category in chosen for category in CATEGORY_ORDER},
            "child_date_of_birth": kid.dob,
            "child_ethnicity": kid.ethnicity,
        }
        self.rows["cp_plan_period"].append(period)
        return period

    def review_deadline(
        self, ctype: str, trigger: date, previous: str | None, kids: list[_Kid]
    ) -> date:
        """The deadline as booking computes it; after a pre-birth conference the baby's birth
        (once it has happened) may bring the first review forward."""
        birth = None
        if ctype == FIRST_REVIEW and previous == PRE_BIRTH:
            birth = birth_since(trigger, [k.dob for k in kids])
        return self.deadline(ctype, trigger, previous, birth)

    def booked_at(self, day: date, trigger: date) -> datetime:
        """When the clerk booked an initial conference: a day or three after the trigger."""
        booked_on = min(self.add_wd(trigger, self.between(1, 3)), day, self.today)
        # Bookings made "today" go in before the pinned clock's 09:00, never in the future.
        return _aware(booked_on, time(10 if booked_on < self.today else 8, self.between(0, 59)))

    def conference(
        self,
        fam: _Family,
        conf_id: str,
        ctype: str,
        day: date,
        trigger: date,
        deadline: date,
        status: str,
        rebooks: str | None,
        chair: str,
        created: datetime,
        late_reason: Reason | None,
    ) -> dict[str, Any]:
        if self.chance(0.1):
            room_id, venue = None, VIRTUAL_VENUE
        else:
            room_id, venue = self.choice(self.room_ids)
        if status == HELD:
            updated = _aware(day, time(16, 30))
        elif status == CANCELLED:
            updated = _aware(day - timedelta(days=1), time(12, 0))
        else:
            updated = created
        late_note = None
        if late_reason is not None:
            late_note = REBOOKED_NOTE if rebooks is not None else REASON_NOTES[late_reason]
        row = {
            "id": conf_id,
            "reference": self.reference(day),
            "type": ctype,
            "family_id": fam.id,
            "date": day,
            "start_time": self.draw(self.w_times),
            "duration_minutes": 120 if len(fam.kids) >= 4 else 90,
            "venue": venue,
            "room_id": room_id,
            "chair_id": chair,
            "clerk_id": self.choice(self.clerks),
            "status": status,
            "trigger_date": trigger,
            "deadline": deadline,
            "rebooks_id": rebooks,
            "late_reason": late_reason.value if late_reason is not None else None,
            "late_note": late_note,
            "cancel_reason": self.choice(CANCEL_REASONS) if status == CANCELLED else None,
            "quorate": None,
            "inquorate_decision": None,
            "inquorate_note": None,
            "created_at": created,
            "updated_at": updated,
        }
        self.rows["conference"].append(row)
        self.pending += 1
        self.done += 1
        return row

    def children(
        self,
        conf: dict[str, Any],
        kids: list[_Kid],
        decision: str | None,
        categories: dict[str, set[str]],
    ) -> None:
        day = conf["date"]
        rows = self.rows["conference_child"]
        for k in kids:
            cats: set[str] = set()
            if decision in (PLAN, CONTINUE):
                cats = categories.get(k.id, cats)
            participation = None
            if decision is not None and self.age(k.dob, day) >= 4:
                participation = self.draw(self.w_participation)
            rows.append(
                {
                    "id": new_id(),
                    "conference_id": conf["id"],
                    "child_id": k.id,
                    "decision": decision,
                    "neglect": "neglect" in cats,
                    "physical": "physical" in cats,
                    "emotional": "emotional" in cats,
                    "sexual": "sexual" in cats,
                    "participation": participation,
                }
            )

    def after_booking(
        self, fam: _Family, conf: dict[str, Any], kids: list[_Kid], stood_down: Reason | None
    ) -> None:
        """What a booking sets in motion: advocacy referrals, invitations, the report."""
        advocate = self.advocacy(conf, fam, kids)
        self.invitees(fam, conf, kids, advocate, stood_down)
        self.sw_report(conf, stood_down)

    # --- advocacy ------------------------------------------------------------------------------
    def advocacy(self, conf: dict[str, Any], fam: _Family, kids: list[_Kid]) -> bool:
        """Automatic referrals for every child old enough, a few by hand for younger
        siblings, each with the e-mail the advocacy service was sent (or is waiting for);
        returns whether an advocate supported a child at the conference.

        Referrals of a cancelled conference, or of a stood-down one that was re-booked (the
        re-booked conference has its own), are withdrawn, as the app does."""
        day: date = conf["date"]
        eligible = [k for k in kids if self.eligible(k.dob, day)]
        if not eligible:
            return False
        referrals = [(k, True) for k in eligible]
        for k in kids:
            if 7 <= self.age(k.dob, day) <= 9 and self.chance(0.25):
                referrals.append((k, False))
        past = day < self.today
        settled = day < self.today - timedelta(days=28)
        status = conf["status"]
        referred_at: datetime = conf["created_at"]
        withdrawn = None
        why: str | None = None
        if status == CANCELLED:
            withdrawn, why = conf["updated_at"], "Conference cancelled"
        elif status == STOOD_DOWN and self.rows["stand_down"][-1]["rebooked_conference_id"]:
            withdrawn, why = conf["updated_at"], "Carried over to the re-booked conference"
        supported_any = False
        for k, automatic in referrals:
            outcome = AdvocacyOutcome.PENDING.value
            supported = None
            sent_at = None
            if past:
                outcome = self.draw(self.w_advocacy_settled if settled else self.w_advocacy)
                if outcome == AdvocacyOutcome.ACCEPTED.value and status == HELD:
                    supported = self.chance(0.7)
                    supported_any = supported_any or supported
                sent_at = referred_at + timedelta(minutes=self.between(1, 20))
            referral_id = new_id()
            reason = None if automatic else "Demo: by hand; a sibling is referred."
            self.rows["advocacy_referral"].append(
                {
                    "id": referral_id,
                    "child_id": k.id,
                    "conference_id": conf["id"],
                    "automatic": automatic,
                    "reason": reason if reason or withdrawn is None else why,
                    "referred_at": referred_at,
                    "notified_at": sent_at,
                    "outcome": outcome,
                    "supported": supported,
                    "withdrawn_at": withdrawn,
                }
            )
            subject, body = compose_notice(
                NoticeDetails(
                    child_name=k.name,
                    age_label=age_label(k.dob, day),
                    conference_reference=conf["reference"],
                    conference_type=self.type_label(conf["type"]),
                    date=day,
                    start_time=conf["start_time"],
                    venue=conf["venue"] or "to be confirmed",
                    chair=self.staff_names.get(conf["chair_id"], "to be confirmed"),
                    social_worker=fam.social_worker,
                    social_worker_contact=fam.social_worker_email,
                    automatic=automatic,
                    reason=reason,
                    min_age=self.rules.advocacy_min_age,
                ),
                "referral",
            )
            retried = not past and self.chance(0.05)
            self.rows["outbox"].append(
                {
                    "id": new_id(),
                    "kind": "advocacy",
                    "to_address": ADVOCACY_ADDRESS,
                    "subject": subject,
                    "body": body,
                    "state": OutboxState.SENT.value if past else OutboxState.QUEUED.value,
                    "attempts": 1 if past or retried else 0,
                    "last_error": RETRY_ERROR if retried else None,
                    "created_at": referred_at,
                    "sent_at": sent_at,
                    "related_id": referral_id,
                }
            )
        return supported_any

    # --- invitees ------------------------------------------------------------------------------
    def invitees(
        self,
        fam: _Family,
        conf: dict[str, Any],
        kids: list[_Kid],
        advocate: bool,
        stood_down: Reason | None,
    ) -> None:
        day: date = conf["date"]
        ctype: str = conf["type"]
        pools = self.pools
        ages = [self.age(k.dob, day) for k in kids]
        people = list(fam.invited)
        police = self.choice(pools["police"])
        if not self.chance(0.4):  # the police often know the family, not the child
            police = (*police[:3], False, *police[4:])
        people.append(police)
        youngest = min(ages)
        people.append(self.choice(pools["health_visitor" if youngest < 5 else "school_nurse"]))
        people.append(self.choice(pools["gp"]))
        if max(ages) >= 4:
            people.append(self.choice(pools["education"]))
        # At most nine invitees: the rest only while there is room.
        for wanted, agency in (
            (ctype == PRE_BIRTH, "midwife"),
            (advocate, "advocate"),
            (fam.interpreter, "interpreter"),
        ):
            if wanted and len(people) < MAX_INVITEES:
                people.append(self.choice(pools[agency]))
        for agency in OCCASIONAL_AGENCIES:
            if len(people) < MAX_INVITEES and self.chance(0.12):
                name, role, _, _, email, phone = self.choice(pools[agency])
                people.append((name, role, agency, False, email, phone))

        status = conf["status"]
        on_the_day = stood_down is Reason.NOT_QUORATE
        attendance = status == HELD or on_the_day
        today = self.today
        past = day < today
        conf_id = conf["id"]
        earliest = conf["trigger_date"] + _DAYS[1]
        # The loop below runs for three quarters of a million invitees in a large run, so it
        # draws straight from the random stream rather than through the helpers.
        rnd, draw = self.random, self.draw
        w_via, w_response, w_report = self.w_family_via, self.w_response, self.w_agency_report
        rows: list[dict[str, Any]] = []
        for name, role, agency, direct, email, phone in people:
            invited_at: date | None = max(day - _DAYS[14 + int(rnd() * 8)], earliest)
            via = None
            response = NOT_KNOWN
            if invited_at is not None and invited_at > today:
                invited_at = None  # not sent yet
            else:
                via = draw(w_via) if agency == FAMILY else EMAIL
                if agency == SOCIAL_CARE:
                    # The allocated social worker nearly always confirms.
                    response = ATTENDING if past or rnd() < 0.9 else NOT_KNOWN
                elif past or rnd() < 0.92:
                    response = draw(w_response)
                    if not past and direct and response != ATTENDING and rnd() < 0.5:
                        response = ATTENDING  # agencies that know the child mostly come
            attended = None
            if attendance:
                if response == ATTENDING:
                    attended = rnd() < 0.93
                elif response == APOLOGIES:
                    attended = False
                else:
                    attended = rnd() < 0.3
            report_format = REPORT_NONE
            received = None
            if agency in REPORTING_AGENCIES:
                # A format is recorded only with the day the report arrived (a verbal report
                # on the conference's day), so "not received" always means no format yet.
                report_format = draw(w_report)
                if report_format in WRITTEN_REPORTS and rnd() < 0.85:
                    when = day - _DAYS[int(rnd() * 7)]
                    if earliest <= when <= today:
                        received = when
                elif report_format == VERBAL and attendance:
                    received = day
                if received is None:
                    report_format = REPORT_NONE
            rows.append(
                {
                    "id": new_id(),
                    "conference_id": conf_id,
                    "name": name,
                    "role": role,
                    "agency": agency,
                    "direct_contact": direct,
                    "email": email,
                    "phone": phone,
                    "invited_via": via,
                    "invited_at": invited_at,
                    "response": response,
                    "attended": attended,
                    "report_format": report_format,
                    "report_received_at": received,
                }
            )
        if status == HELD:
            self.make_quorate(rows)
        elif on_the_day:
            self.make_inquorate(rows)
        if attendance:
            present = frozenset((r["agency"], r["direct_contact"]) for r in rows if r["attended"])
            conf["quorate"] = self.quorate(present)
        self.rows["invitee"].extend(rows)
        self.last_invitees = rows

    def make_quorate(self, rows: list[dict[str, Any]]) -> None:
        """A held conference went ahead, so social care and enough agencies were there."""
        counting: set[str] = set()
        for r in rows:
            if r["agency"] == SOCIAL_CARE and not r["attended"]:
                r["attended"], r["response"] = True, ATTENDING
            if r["attended"] and r["direct_contact"] and r["agency"] in COUNTING_AGENCIES:
                counting.add(r["agency"])
        for r in rows:
            if len(counting) >= self.rules.quoracy_other_agencies:
                break
            if r["direct_contact"] and r["agency"] in COUNTING_AGENCIES and not r["attended"]:
                r["attended"], r["response"] = True, ATTENDING
                counting.add(r["agency"])

    def make_inquorate(self, rows: list[dict[str, Any]]) -> None:
        """Stood down as not quorate: fewer agencies with direct contact came than needed."""
        keep = max(0, self.rules.quoracy_other_agencies - 1)
        for r in rows:
            if r["attended"] and r["direct_contact"] and r["agency"] in COUNTING_AGENCIES:
                if keep:
                    keep -= 1
                else:
                    r["attended"] = False

    # --- social worker's report ----------------------------------------------------------------
    def sw_report(self, conf: dict[str, Any], stood_down: Reason | None) -> None:
        day: date = conf["date"]
        due = self.reports(conf["type"], day)
        parents = chair = None
        if conf["status"] == CANCELLED or stood_down is Reason.REPORT_UNAVAILABLE:
            pass
        elif day < self.today:
            parents = self.receipt(conf, due.parents, self.draw(self.w_to_parents))
            chair = self.receipt(conf, due.chair, self.draw(self.w_to_chair))
        else:  # still to come: a few reports already in
            if due.parents <= self.today and self.chance(0.4):
                parents = self.receipt(conf, due.parents, "on_time")
            if due.chair <= self.today and self.chance(0.5):
                chair = self.receipt(conf, due.chair, "on_time")
        self.rows["sw_report"].append(
            {"id": new_id(), "conference_id": conf["id"], "to_parents_at": parents,
             "to_chair_at": chair}
        )  # fmt: skip

    def receipt(self, conf: dict[str, Any], deadline: date, kind: str) -> date | None:
        day: date = conf["date"]
        if kind == "late":
            gap = self.wd_between(deadline, day)
            if gap > 1:
                return self.add_wd(deadline, self.between(1, gap - 1))
            kind = "on_the_day"  # no working day between the deadline and the conference
        if kind == "on_the_day":
            return day
        if kind == "on_time":
            back = self.between(0, 2 if conf["type"].startswith("initial") else 5)
            received = self.wd_before(deadline, back)
            return received if received <= self.today else None
        return None

    # --- stand-down, minutes, challenges -------------------------------------------------------
    def stand_down(self, conf: dict[str, Any], reason: Reason, rebooked: str | None) -> None:
        day: date = conf["date"]
        on_the_day = reason is Reason.NOT_QUORATE or self.chance(0.3)
        decided_on = day if on_the_day else self.wd_before(day, self.between(1, 4))
        by_manager = reason is Reason.RESOURCE_UNAVAILABLE or self.chance(0.2)
        conf["updated_at"] = decided_at = _aware(decided_on, time(11, self.between(0, 59)))
        self.rows["stand_down"].append(
            {
                "id": new_id(),
                "conference_id": conf["id"],
                "reason": reason.value,
                "decided_by": (DecidedBy.MANAGER if by_manager else DecidedBy.CHAIR).value,
                "decided_at": decided_at,
                "note": REASON_NOTES[reason],
                "rebooked_conference_id": rebooked,
            }
        )

    def minutes(self, conf: dict[str, Any]) -> None:
        """Old minutes distributed (a fifth late, a few stuck); recent ones part-way."""
        day: date = conf["date"]
        due = self.minutes_due(day)
        age = self.wd_between(day, self.today)
        letter_at: date | None = self.add_wd(day, 1 if self.chance(0.85) else self.between(2, 3))
        if letter_at is not None and letter_at > self.today:
            letter_at = None
        draft_at = approved_at = distributed_at = None
        late = self.chance(0.2)
        if age >= 20 and not self.chance(0.01):
            if late:
                distributed_at = self.add_wd(due.distribution, self.between(1, min(12, age - 15)))
            else:
                distributed_at = self.wd_before(due.distribution, self.between(0, 6))
        elif 8 <= age < 20 and self.chance((age - 7) / 13):
            distributed_at = self.add_wd(day, self.between(8, min(age, 15)))
        end = self.today if distributed_at is None else distributed_at
        room = self.wd_between(day, end)
        if room >= 2:
            draft_at = self.add_wd(day, min(self.between(2, 9 if late else 6), room - 1))
            if distributed_at is not None or self.chance(0.6):
                gap = self.wd_between(draft_at, end)
                if gap >= 1:
                    approved_at = self.add_wd(draft_at, self.between(1, min(gap, 4)))
        if distributed_at is not None:
            stage, holder = MinutesStage.DISTRIBUTED.value, conf["clerk_id"]
            approved_at = min(approved_at or distributed_at, distributed_at)
            draft_at = min(draft_at or approved_at, approved_at)
            if letter_at is not None:
                letter_at = min(letter_at, distributed_at)
        elif approved_at is not None:
            stage, holder = MinutesStage.APPROVED.value, conf["clerk_id"]
        elif draft_at is not None:
            stage, holder = MinutesStage.WITH_CHAIR.value, conf["chair_id"]
        else:
            stage, holder = MinutesStage.AWAITING_DRAFT.value, conf["clerk_id"]
        returned = None
        if approved_at is not None and self.chance(0.1):
            returned = "Demo: chair asked for the outline plan to be clearer."
        extra = self.minutes_rng.random
        if stage == MinutesStage.WITH_CHAIR.value and extra() < 0.2:
            # Sent back by the chair and being redone: with the clerk again, with the note.
            stage, holder = MinutesStage.AWAITING_DRAFT.value, conf["clerk_id"]
            returned = RETURN_NOTES[int(extra() * len(RETURN_NOTES))]
        minutes_id = new_id()
        if distributed_at is not None and day >= self.recipients_since:
            self.recipients(minutes_id)
        self.rows["minutes"].append(
            {
                "id": minutes_id,
                "conference_id": conf["id"],
                "stage": stage,
                "holder_id": holder,
                "decision_letter_due": due.decision_letter,
                "decision_letter_at": letter_at,
                "draft_due": due.draft_to_chair,
                "draft_to_chair_at": draft_at,
                "approved_at": approved_at,
                "returned_note": returned,
                "distribution_due": due.distribution,
                "distributed_at": distributed_at,
            }
        )

    def recipients(self, minutes_id: str) -> None:
        """Distributed minutes went to the whole invite list (the conference's invitees, just
        generated), most of those with an address by e-mail too. Only for the last quarter's
        conferences (``RECIPIENT_HISTORY``): older ones read as history brought in without
        the list, which keeps a large run fast."""
        extra = self.minutes_rng.random
        self.rows["minutes_recipient"].extend(
            {
                "id": new_id(),
                "minutes_id": minutes_id,
                "invitee_id": invitee["id"],
                "name": invitee["name"],
                "role": invitee["role"],
                "agency": invitee["agency"],
                "email": invitee["email"],
                "attended": invitee["attended"],
                "emailed": invitee["email"] is not None and extra() < 0.8,
            }
            for invitee in self.last_invitees
        )

    def week_reviews(self) -> None:
        """Managers' reviews of past weeks: nearly every week reviewed on the Monday or
        Tuesday after, with a note; last week still waiting, so the week view has one to do."""
        managers = self.manager_names
        extra = self.minutes_rng.random
        last = week_of(self.today).start - timedelta(weeks=1)
        monday = week_of(self.initial_days[0]).start
        while monday < last:
            if extra() < 0.93:
                reviewed_on = monday + timedelta(days=7 + (1 if extra() < 0.3 else 0))
                self.rows["minutes_week_review"].append(
                    {
                        "id": new_id(),
                        "week_start": monday,
                        "reviewed_by": managers[int(extra() * len(managers))],
                        "reviewed_at": _aware(reviewed_on, time(10, int(extra() * 60))),
                        "note": REVIEW_NOTES[int(extra() * len(REVIEW_NOTES))],
                    }
                )
            monday += timedelta(weeks=1)

    def challenge(self, fam: _Family, conf: dict[str, Any]) -> None:
        """An IRO's challenge after a conference (or between conferences), sometimes
        escalated level by level: each escalation is a new row pointing at the one before."""
        about_conference = self.chance(0.8)
        raised = self.add_wd(
            conf["date"], self.between(0, 5) if about_conference else self.between(10, 40)
        )
        if raised > self.today:
            return
        level: ChallengeLevel | None = (
            ChallengeLevel.PRACTICE if self.chance(0.55) else ChallengeLevel.PROFESSIONAL
        )
        category: ChallengeCategory = self.draw(self.w_challenge)
        previous: str | None = None
        while level is not None:
            due = self.add_wd(raised, self.rules.challenge_response_working_days)
            resolved: date | None = self.add_wd(raised, self.between(1, 8))
            if resolved is not None and (
                resolved > self.today
                or (
                    due < self.today
                    and self.chance(0.3)
                    and self.wd_between(due, self.today) <= OVERDUE_AT_MOST
                )
            ):
                resolved = None  # still open (and, past its due date, overdue)
            escalate = resolved is not None and level.next is not None and self.chance(0.15)
            manager = level not in (ChallengeLevel.PRACTICE, ChallengeLevel.PROFESSIONAL)
            challenged = fam.team_manager if manager or self.chance(0.3) else fam.social_worker
            row_id = new_id()
            outcome = None
            if resolved is not None:
                outcome = (
                    escalated_outcome(level.next)  # as the app writes it
                    if escalate and level.next is not None
                    else "Demo: agreed actions recorded; resolved."
                )
            self.rows["challenge"].append(
                {
                    "id": row_id,
                    "raised_by_id": conf["chair_id"],
                    "family_id": fam.id,
                    "conference_id": conf["id"] if about_conference else None,
                    "escalated_from_id": previous,
                    "level": level.value,
                    "category": category.value,
                    "description": CHALLENGE_TEXT[category],
                    "person_challenged": challenged,
                    "team": fam.locality,  # the social worker's locality team
                    "raised_on": raised,
                    "response_due": due,
                    "resolved_on": resolved,
                    "outcome": outcome,
                }
            )
            if not escalate or resolved is None:
                return
            previous, level, raised = row_id, level.next, resolved

    # --- the run -------------------------------------------------------------------------------
    def initial_day(self) -> date:
        """Busier towards today: half spread evenly over three years, half rising linearly."""
        u = self.random()
        position = u if self.chance(0.5) else u**0.5
        days = self.initial_days
        return days[min(int(position * len(days)), len(days) - 1)]

    def this_week(self) -> list[tuple[date, int]]:
        """Conferences for each working day of the current week, so the home screen never
        opens on an empty week: several each day, one more today."""
        week = week_of(self.today)
        return [(d, 4 if d == self.today else 3) for d in _working_days(week.start, week.end)]

    def batches(self) -> Iterator[_Batch]:
        """Every row of the run, a few thousand conferences at a time, in foreign-key order."""
        week = self.this_week() if self.total >= 200 else []
        overdue = 1 if self.total >= 200 else 0
        budget = self.total - sum(n for _, n in week) - overdue
        while budget > 0:
            budget -= self.chain(self.initial_day(), budget)
            if self.pending >= BATCH_CONFERENCES:
                yield self.take()
        for day, n in week:
            for _ in range(n):
                self.chain(day, 1, first_type=INITIAL, plain=True)
        if overdue:
            self.overdue_booking(self.on_or_after(self.today))
        self.week_reviews()
        yield self.take()

    def take(self) -> _Batch:
        batch = _Batch(self.done, self.rows)
        self.rows = {name: [] for name in _TABLE_ORDER}
        self.pending = 0
        return batch


@dataclass(frozen=True, slots=True)
class _Batch:
    done: int
    """Conferences generated so far, this batch included (for the progress bar)."""
    rows: dict[str, list[dict[str, Any]]]


def _write_all(gen: _Generator, writer: _Writer, progress: ProgressFn | None) -> dict[str, int]:
    """Write each batch as it is made; returns rows written per table.

    (Generating on a second thread was tried: the driver releases the GIL only inside
    SQLite, and contention for it cancelled out any overlap on a 2-core machine.)
    """
    counts: dict[str, int] = {}
    for batch in gen.batches():
        for name in _TABLE_ORDER:
            rows = batch.rows[name]
            if rows:
                writer.insert(_TABLES[name], rows)
                counts[name] = counts.get(name, 0) + len(rows)
        if progress is not None:
            progress(batch.done, gen.total)
    return counts


SQLITE_CACHE_KIB = 65536
"""Page cache for the run (64 MiB, against SQLite's 2 MiB default): a transaction larger than
the cache spills pages to the write-ahead log and reads them back from there, which made
100,000 conferences take a third longer."""
SQLITE_CACHE_PER_100K_KIB = 393216
"""Beyond 100,000 conferences the indexes outgrow any small cache and every insert rewrites
spilled pages: 1,000,000 conferences had written 145 GB to a 5 GB log after 30 minutes. So
the cache grows with the run (384 MiB per 100,000), up to ``SQLITE_CACHE_MAX_KIB``."""
SQLITE_CACHE_MAX_KIB = 4194304


@contextmanager
def _bigger_cache(conn: Connection, conferences: int = 0) -> Iterator[None]:
    """A larger SQLite page cache for the run, restored afterwards because the connection
    goes back to the pool. Other databases manage their own memory."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    size = SQLITE_CACHE_KIB
    if conferences > 100_000:
        size = min(SQLITE_CACHE_PER_100K_KIB * conferences // 100_000, SQLITE_CACHE_MAX_KIB)
    conn.exec_driver_sql(f"PRAGMA cache_size=-{size}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def _working_days(first: date, last: date) -> list[date]:
    days = []
    d = first
    while d <= last:
        if is_working_day(d):
            days.append(d)
        d += timedelta(days=1)
    return days


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


_TABLES: dict[str, Table] = {
    "staff": _table(Staff),
    "room": _table(Room),
    "locality_team": _table(LocalityTeam),
    "family": _table(Family),
    "child": _table(Child),
    "conference": _table(Conference),
    "conference_child": _table(ConferenceChild),
    "cp_plan": _table(ChildProtectionPlan),
    "cp_plan_period": _table(PlanPeriod),
    "invitee": _table(Invitee),
    "sw_report": _table(SocialWorkerReport),
    "stand_down": _table(StandDown),
    "advocacy_referral": _table(AdvocacyReferral),
    "outbox": _table(OutboxMessage),
    "minutes": _table(Minutes),
    "minutes_recipient": _table(MinutesRecipient),
    "minutes_week_review": _table(MinutesWeekReview),
    "challenge": _table(Challenge),
}
_TABLE_ORDER: tuple[str, ...] = tuple(_TABLES)
"""Parents before children, so every foreign key points at a row already written."""
_SUMMARY_FIELDS: dict[str, str] = {
    "staff": "staff",
    "room": "rooms",
    "locality_team": "locality_teams",
    "family": "families",
    "child": "children",
    "conference": "conferences",
    "conference_child": "conference_children",
    "cp_plan": "plans",
    "cp_plan_period": "plan_periods",
    "invitee": "invitees",
    "sw_report": "sw_reports",
    "stand_down": "stand_downs",
    "advocacy_referral": "advocacy_referrals",
    "outbox": "outbox",
    "minutes": "minutes",
    "minutes_recipient": "minutes_recipients",
    "minutes_week_review": "week_reviews",
    "challenge": "challenges",
}


def generate(
    store: Store,
    conferences: int,
    *,
    seed: int = DEFAULT_SEED,
    progress: ProgressFn | None = None,
    rules: Rules | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with ``conferences`` invented conferences and all
    that goes with them, in one transaction; ``progress(done, total)`` runs after each batch.

    Refuses a database that already holds conferences, because demo records must never mix
    with a unit's real ones. ``rules`` defaults to the seed area's procedures.
    """
    if conferences < 1:
        raise ValueError("The number of conferences must be at least 1")
    gen = _Generator(conferences, seed, rules or DEFAULT_RULES, clock.today())
    with store.write() as session:
        conn = session.connection()
        if conn.execute(select(func.count()).select_from(_TABLES["conference"])).scalar():
            raise ValueError(
                "This database already holds conferences; demo data only goes into an empty "
                "database (choose a new file)."
            )
        room = _TABLES["room"]
        existing = {name: room_id for room_id, name in conn.execute(select(room.c.id, room.c.name))}
        writer = _Writer(conn)
        gen.staff()
        gen.rooms(existing)
        team = _TABLES["locality_team"]
        gen.teams(set(conn.execute(select(team.c.name)).scalars()))
        setting = _table(Setting)
        if (
            conn.execute(select(setting.c.key).where(setting.c.key == "advocacy_email")).first()
            is None
        ):
            writer.insert(
                setting,
                [
                    {
                        "key": "advocacy_email",
                        "value": json.dumps(ADVOCACY_ADDRESS),
                        "updated_at": clock.now(),
                    }
                ],
            )
        with _bigger_cache(conn, conferences):
            counts = _write_all(gen, writer, progress)
        summary = DemoSummary(
            **{_SUMMARY_FIELDS[name]: n for name, n in counts.items()}, audit_events=1
        )
        details = {"seed": seed, "today": gen.today.isoformat(), **summary.as_dict()}
        writer.insert(
            _table(AuditEvent),
            [
                {
                    "id": new_id(),
                    "at": clock.now(),
                    "actor": "demo",
                    "action": "demo data",
                    "record_type": "database",
                    "record_id": "database",
                    "conference_id": None,
                    "before": None,
                    "after": json.dumps(details, sort_keys=True),
                }
            ],
        )
    return summary
