"""Checking a history file before any of it reaches the database.

A council's extract (one row per child per conference, see ``COLUMNS``) is read row by row
into typed rows, then checked across rows: the rows of one conference must agree, a child
appears once per conference, and each child's plan history must make sense in date order.
Every problem names the file's line (the header is line 1) and the column, in words a clerk
can act on, so one pass over the file shows everything to put right. Nothing here touches
the database: what is already on record comes in as plain values (``ChildOnRecord``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TypeVar

from siu_tui.domain.children import born_after_today, check_birth_dates
from siu_tui.domain.codes import (
    ETHNICITIES,
    AbuseCategory,
    ConferenceStatus,
    ConferenceType,
    Decision,
    Reason,
)
from siu_tui.domain.references import CASE_REFERENCE_MAX, reference_problem
from siu_tui.domain.settings import DEFAULT_RULES, Rules
from siu_tui.domain.text import line_problem

COLUMNS: tuple[str, ...] = (
    "conference_ref",
    "conference_type",
    "conference_date",
    "status",
    "stood_down_reason",
    "late_reason",
    "trigger_date",
    "family_ref",
    "child_ref",
    "child_name",
    "date_of_birth",
    "expected_date_of_birth",
    "gender",
    "ethnicity",
    "decision",
    "categories",
    "report_to_parents_date",
    "report_to_chair_date",
)
"""Every column the import reads, in the documented order (any order is accepted)."""

REQUIRED_COLUMNS: tuple[str, ...] = (
    "conference_ref",
    "conference_type",
    "conference_date",
    "status",
    "trigger_date",
    "family_ref",
    "child_ref",
    "child_name",
    "date_of_birth",
    "decision",
    "categories",
)
"""Columns the header must have. The others may be left out of a file that has nothing in
them (no stood-down conferences, no report dates): a missing column reads as empty. The date
of birth is required because an empty one means unborn, and a whole file of unborn children
is far more likely a lost column than the truth."""

REFERENCE_MAX = 32
"""Conference and family references are stored in 32 characters."""
NAME_MAX = 80
"""First and last names are stored in 80 characters each."""

GENDERS: dict[str, str] = {"male": "M", "female": "F", "unknown": "U", "": "U"}
"""The file's gender words and the stored sex code (an empty cell counts as unknown)."""

CATEGORY_ORDER: tuple[str, ...] = tuple(c.value for c in AbuseCategory)
"""Categories are kept in this order, so the same set always reads the same."""

_TYPES = {t.value: t for t in ConferenceType}
_STATUSES = {ConferenceStatus.HELD.value: ConferenceStatus.HELD,
             ConferenceStatus.STOOD_DOWN.value: ConferenceStatus.STOOD_DOWN}  # fmt: skip
_DECISIONS = {d.value: d for d in Decision}
_REASONS = {r.value: r for r in Reason}
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ALPHANUMERIC = re.compile(r"[A-Za-z0-9]+")
WITH_CATEGORIES = frozenset({Decision.PLAN, Decision.CONTINUE})
INITIAL_DECISIONS = frozenset({Decision.PLAN, Decision.NO_PLAN})


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with one line of the file."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


SHOWN_PROBLEMS = 100
"""A refused file lists this many problems (the first by line) and counts the rest."""


class Problems:
    """The problems found so far: the first ``limit`` by line kept, the rest only counted, so
    a file that is wrong on every line fills neither memory nor the clerk's screen."""

    def __init__(self, limit: int = SHOWN_PROBLEMS) -> None:
        self.limit = limit
        self.count = 0
        self._kept: list[RowError] = []

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, error: RowError) -> None:
        self.count += 1
        self._kept.append(error)
        if len(self._kept) >= 4 * self.limit:
            self._kept = self.first()

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.add(error)

    def first(self) -> list[RowError]:
        """The first ``limit`` problems in line order."""
        return sorted(self._kept, key=lambda e: e.line)[: self.limit]

    @property
    def more(self) -> int:
        """How many problems there are beyond ``first()``."""
        return self.count - min(self.count, self.limit)


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One child at one conference, every value checked and typed."""

    line: int
    conference_ref: str
    conference_type: ConferenceType
    conference_date: date
    status: ConferenceStatus
    stood_down_reason: Reason | None
    late_reason: Reason | None
    trigger_date: date | None
    family_ref: str
    child_ref: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    expected_date_of_birth: date | None
    sex: str
    ethnicity: str | None
    decision: Decision | None
    categories: tuple[str, ...]
    report_to_parents: date | None
    report_to_chair: date | None

    @property
    def held(self) -> bool:
        return self.status is ConferenceStatus.HELD

    @property
    def order(self) -> tuple[date, int]:
        """History order: by conference date, then as the file lists them."""
        return (self.conference_date, self.line)


def _choices(values: Iterable[str]) -> str:
    items = list(values)
    return ", ".join(items[:-1]) + f" or {items[-1]}" if len(items) > 1 else items[0]


@lru_cache(maxsize=65536)
def _date(text: str) -> date | str:
    """A strict YYYY-MM-DD date, or the message saying what is wrong (dates recur endlessly
    in a history file, so each is read once)."""
    match = _ISO.fullmatch(text)
    if match is None:
        return f"{text!r} is not a date (use YYYY-MM-DD)"
    year, month, day = match.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return f"{text} is not a real date"


@lru_cache(maxsize=256)
def parse_categories(text: str) -> tuple[str, ...] | str:
    """ "neglect;physical" as codes in the standard order, or the message for a wrong one."""
    chosen: set[str] = set()
    for part in text.split(";"):
        word = part.strip().lower()
        if not word:
            continue
        if word not in CATEGORY_ORDER:
            return (
                f"{part.strip()!r} is not a category of abuse "
                f"(use {_choices(CATEGORY_ORDER)}, separated by ;)"
            )
        chosen.add(word)
    return tuple(c for c in CATEGORY_ORDER if c in chosen)


def split_name(name: str) -> tuple[str, str]:
    """First and last names from "Test Child-One": split at the last space. A single word is
    taken as the last name, which is what a family is known by."""
    first, _, last = name.strip().rpartition(" ")
    return " ".join(first.split()), last


_Code = TypeVar("_Code")


def parse_row(line: int, values: Mapping[str, str], today: date) -> ImportRow | list[RowError]:
    """One data row as a typed row, or every problem found in it.

    ``values`` maps column names to the cell text (a missing column reads as empty).
    ``today`` is the day of the import: a held conference or a birth cannot be after it.
    """
    errors: list[RowError] = []

    def cell(column: str) -> str:
        return (values.get(column) or "").strip()

    def fail(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    def reference(column: str, what: str) -> str:
        text = cell(column)
        if not text:
            fail(column, f"missing: every row needs the {what}")
        elif len(text) > REFERENCE_MAX:
            fail(column, f"{text!r} is longer than {REFERENCE_MAX} characters")
        elif reference_problem(text):
            fail(column, f"{text!r} is not a reference (1–32 letters, digits and - _ /)")
        return text

    def a_date(column: str, *, required: str | None = None) -> date | None:
        text = cell(column)
        if not text:
            if required:
                fail(column, f"missing: {required}")
            return None
        parsed = _date(text)
        if isinstance(parsed, str):
            fail(column, parsed)
            return None
        return parsed

    def a_code(
        column: str, codes: Mapping[str, _Code], what: str, missing: str | None
    ) -> _Code | None:
        """The code the cell names; an empty cell is an error saying ``missing``, or
        allowed when that is None."""
        text = cell(column)
        if not text and missing is None:
            return None
        code = codes.get(text.lower())
        if code is None:
            wrong = f"{text!r} is not {what} (use {_choices(codes)})"
            fail(column, wrong if text else f"missing: {missing}")
        return code

    def a_reason(column: str) -> Reason | None:
        return a_code(column, _REASONS, "a reason code", None)

    conference_ref = reference("conference_ref", "conference's reference")
    ctype = a_code(
        "conference_type",
        _TYPES,
        "a conference type",
        f"say which type of conference (use {_choices(_TYPES)})",
    )
    conference_date = a_date("conference_date", required="the day the conference was held")
    status = a_code("status", _STATUSES, "a status", "held or stood_down")
    if status is ConferenceStatus.HELD and conference_date is not None and conference_date > today:
        fail(
            "conference_date",
            f"{conference_date.isoformat()} is after today: a held conference has taken place",
        )
    stood_down_reason = a_reason("stood_down_reason")
    if status is ConferenceStatus.STOOD_DOWN and not cell("stood_down_reason"):
        fail(
            "stood_down_reason",
            f"missing: say why the conference was stood down (use {_choices(_REASONS)})",
        )
    if status is ConferenceStatus.HELD and cell("stood_down_reason"):
        fail("stood_down_reason", "given, but the conference was held (leave it empty)")
    late_reason = a_reason("late_reason")

    trigger = a_date("trigger_date")
    if ctype is not None:
        if ctype.is_initial and trigger is None and not cell("trigger_date"):
            what = (
                "the date of the notification from the transferring authority"
                if ctype is ConferenceType.INITIAL_TRANSFER_IN
                else "the date of the strategy discussion"
            )
            fail("trigger_date", f"missing: an initial conference's deadline runs from {what}")
        if ctype.is_review and cell("trigger_date"):
            fail(
                "trigger_date",
                "given, but a review's deadline runs from the child's previous held "
                "conference (leave it empty)",
            )
    if trigger is not None and conference_date is not None and trigger > conference_date:
        fail(
            "trigger_date",
            f"{trigger.isoformat()} is after the conference ({conference_date.isoformat()})",
        )

    family_ref = reference("family_ref", "family's reference")
    child_ref = cell("child_ref").upper()
    if not child_ref:
        fail("child_ref", "missing: every row needs the child's case reference")
    elif len(child_ref) > CASE_REFERENCE_MAX or not _ALPHANUMERIC.fullmatch(child_ref):
        fail(
            "child_ref",
            f"{cell('child_ref')!r} is not a case reference "
            f"(1 to {CASE_REFERENCE_MAX} letters and digits)",
        )
    first_name, last_name = split_name(cell("child_name"))
    if not last_name:
        fail("child_name", "missing: every row needs the child's name")
    elif len(first_name) > NAME_MAX or len(last_name) > NAME_MAX:
        fail("child_name", f"a first or last name is longer than {NAME_MAX} characters")
    elif problem := line_problem(cell("child_name"), 2 * NAME_MAX + 1):
        fail("child_name", f"{cell('child_name')!r} {problem}")
    born = a_date("date_of_birth")
    if problem := born_after_today(born, today, date.isoformat):
        fail("date_of_birth", problem)
    expected = a_date("expected_date_of_birth")
    text = cell("gender")
    sex = GENDERS.get(text.lower())
    if sex is None:
        fail("gender", f"{text!r} is not a gender (use male, female or unknown)")
    text = cell("ethnicity").upper()
    ethnicity = text or None
    if text and text not in ETHNICITIES:
        fail(
            "ethnicity",
            f"{cell('ethnicity')!r} is not a DfE ethnicity code (such as WBRI, MWBC, AIND, "
            "BCRB, CHNE, OOTH; leave it empty if undetermined)",
        )

    decision, categories = _outcome(cell, fail, ctype, status)
    report_to_parents = a_date("report_to_parents_date")
    report_to_chair = a_date("report_to_chair_date")
    if errors:
        return errors
    assert ctype is not None and status is not None and conference_date is not None
    intern = sys.intern  # a child's many rows share one copy of each name and reference
    return ImportRow(
        line=line,
        conference_ref=intern(conference_ref),
        conference_type=ctype,
        conference_date=conference_date,
        status=status,
        stood_down_reason=stood_down_reason,
        late_reason=late_reason,
        trigger_date=trigger,
        family_ref=intern(family_ref),
        child_ref=intern(child_ref),
        first_name=intern(first_name),
        last_name=intern(last_name),
        date_of_birth=born,
        # An unborn child's sex is recorded as U, as the app records it; a baby keeps the
        # file's gender once the latest row gives a date of birth.
        expected_date_of_birth=expected,
        sex=sex if born is not None else "U",  # type: ignore[arg-type]
        ethnicity=ethnicity,
        decision=decision,
        categories=categories,
        report_to_parents=report_to_parents,
        report_to_chair=report_to_chair,
    )


def _outcome(
    cell: Callable[[str], str],
    fail: Callable[[str, str], None],
    ctype: ConferenceType | None,
    status: ConferenceStatus | None,
) -> tuple[Decision | None, tuple[str, ...]]:
    """The decision and categories, checked against the status and the conference type."""
    text = cell("decision")
    decision = _DECISIONS.get(text.lower())
    raw = cell("categories")
    parsed = parse_categories(raw)
    categories: tuple[str, ...] = ()
    if isinstance(parsed, str):
        fail("categories", parsed)
    else:
        categories = parsed
    if status is ConferenceStatus.STOOD_DOWN:
        if text:
            fail("decision", "given, but the conference was stood down (leave it empty)")
        if categories:
            fail("categories", "given, but the conference was stood down (leave it empty)")
        return None, ()
    if text and decision is None:
        fail("decision", f"{text!r} is not a decision (use {_choices(_DECISIONS)})")
        return None, categories
    if decision is None:
        if status is ConferenceStatus.HELD:
            fail(
                "decision",
                f"missing: a held conference records a decision for each child "
                f"(use {_choices(_DECISIONS)})",
            )
        return None, categories
    if ctype is not None and ctype.is_initial and decision not in INITIAL_DECISIONS:
        fail(
            "decision",
            f"{decision.value} is not a decision an initial conference makes (plan or no_plan)",
        )
    if decision in WITH_CATEGORIES and not categories and not isinstance(parsed, str):
        fail(
            "categories",
            f"missing: '{decision.value}' needs at least one category of abuse "
            f"({_choices(CATEGORY_ORDER)}, separated by ;)",
        )
    if decision not in WITH_CATEGORIES and categories:
        fail("categories", f"given, but '{decision.value}' takes none (leave it empty)")
    return decision, categories


# --- Across rows ------------------------------------------------------------------------------

CONFERENCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("conference_type", "conference_type"),
    ("conference_date", "conference_date"),
    ("status", "status"),
    ("family_ref", "family_ref"),
    ("trigger_date", "trigger_date"),
    ("stood_down_reason", "stood_down_reason"),
    ("late_reason", "late_reason"),
    ("report_to_parents", "report_to_parents_date"),
    ("report_to_chair", "report_to_chair_date"),
)
"""(attribute, column): what every row of one conference must agree on."""


def _shown(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def check_conferences(rows: Sequence[ImportRow]) -> list[RowError]:
    """The rows of one conference must agree on the conference, and name each child once.

    The first row of a conference is taken as right; each later row that differs is the one
    reported, against that first line.
    """
    errors: list[RowError] = []
    first: dict[str, ImportRow] = {}
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        lead = first.setdefault(row.conference_ref, row)
        if lead is not row:
            for attribute, column in CONFERENCE_FIELDS:
                mine, theirs = getattr(row, attribute), getattr(lead, attribute)
                if mine != theirs:
                    errors.append(
                        RowError(
                            row.line,
                            column,
                            f"{_shown(mine)} differs from line {lead.line} ({_shown(theirs)}) "
                            f"for conference {row.conference_ref}",
                        )
                    )
        key = (row.conference_ref, row.child_ref)
        if key in seen:
            errors.append(
                RowError(
                    row.line,
                    "child_ref",
                    f"{row.child_ref} is already at conference {row.conference_ref} "
                    f"on line {seen[key]}",
                )
            )
        else:
            seen[key] = row.line
    return errors


@dataclass(frozen=True, slots=True)
class ChildOnRecord:
    """What the database already holds for a child named in the file."""

    last_held: date | None = None
    last_held_type: ConferenceType | None = None
    open_plan_since: date | None = None
    """The start of the child's open plan, if they are on one."""


@dataclass(frozen=True, slots=True)
class PreviousHeld:
    """A child's previous held conference: where a review's deadline runs from."""

    date: date
    type: ConferenceType


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One step of a child's plan history, in date order.

    ``kind`` is "start", "continue" or "end"; ``on_record`` says the plan concerned is the
    child's open plan already in the database rather than one started in the file.
    """

    kind: str
    child_ref: str
    conference_ref: str
    date: date
    categories: tuple[str, ...]
    on_record: bool


@dataclass
class History:
    """The outcome of checking every child's history: problems, and what the import needs."""

    errors: list[RowError] = field(default_factory=list)
    previous: dict[int, PreviousHeld] = field(default_factory=dict)
    """For each review row (by line), the child's previous held conference."""
    plan_changes: list[PlanChange] = field(default_factory=list)


def check_history(
    rows: Sequence[ImportRow], on_record: Mapping[str, ChildOnRecord] | None = None
) -> History:
    """Walk each child's rows in date order and check their plan history.

    A review needs an earlier held conference for the child (in the file or on record); a
    plan starts only when none is open; a plan continues or ends only when one is open; a
    child on a plan cannot be given no plan. History can only be added after what is on
    record for a child, so the two never interleave. Rows are expected to have passed
    ``check_conferences``.
    """
    on_record = on_record or {}
    history = History()
    by_child: dict[str, list[ImportRow]] = {}
    for row in rows:
        by_child.setdefault(row.child_ref, []).append(row)
    for child_ref, child_rows in by_child.items():
        child_rows.sort(key=lambda r: r.order)
        _walk(child_ref, child_rows, on_record.get(child_ref, ChildOnRecord()), history)
    history.errors.sort(key=lambda e: e.line)
    history.plan_changes.sort(key=lambda c: c.date)
    return history


def _walk(child_ref: str, rows: list[ImportRow], record: ChildOnRecord, history: History) -> None:
    errors = history.errors
    previous = (
        PreviousHeld(record.last_held, record.last_held_type or ConferenceType.INITIAL)
        if record.last_held is not None
        else None
    )
    previous_line: int | None = None
    open_since = record.open_plan_since
    open_line: int | None = None
    open_on_record = open_since is not None
    for row in rows:
        day = row.conference_date
        if record.last_held is not None and day <= record.last_held:
            errors.append(
                RowError(
                    row.line,
                    "conference_date",
                    f"{child_ref} already has a conference on record on "
                    f"{record.last_held.isoformat()}: only later history can be added",
                )
            )
            continue
        if row.held and previous_line is not None and previous is not None and day == previous.date:
            errors.append(
                RowError(
                    row.line,
                    "conference_date",
                    f"{child_ref} already has a held conference on {day.isoformat()} "
                    f"(line {previous_line})",
                )
            )
            continue
        if row.conference_type.is_review:
            if previous is None:
                errors.append(
                    RowError(
                        row.line,
                        "conference_type",
                        f"a review needs an earlier held conference for {child_ref}, and "
                        "there is none in the file or on record",
                    )
                )
            else:
                history.previous[row.line] = previous
        if not row.held:
            continue
        decision = row.decision
        since = "" if open_since is None else open_since.isoformat()
        where = f" (line {open_line})" if open_line is not None else " (on record)"
        problem = None
        if decision is Decision.PLAN and open_since is not None:
            problem = f"plan, but {child_ref} is already on a plan since {since}{where}"
        elif decision is Decision.NO_PLAN and open_since is not None:
            problem = (
                f"no_plan, but {child_ref} is on a plan since {since}{where}: "
                "the plan continues or ends"
            )
        elif decision in (Decision.CONTINUE, Decision.END) and open_since is None:
            problem = (
                f"{decision.value}, but {child_ref} has no open plan "
                "(a plan starts with a 'plan' decision)"
            )
        if problem is not None:
            errors.append(RowError(row.line, "decision", problem))
        else:
            if decision is Decision.PLAN:
                open_since, open_line, open_on_record = day, row.line, False
                kind = "start"
            elif decision is Decision.CONTINUE:
                kind = "continue"
            elif decision is Decision.END:
                kind = "end"
            else:
                kind = ""
            if kind:
                history.plan_changes.append(
                    PlanChange(
                        kind, child_ref, row.conference_ref, day, row.categories, open_on_record
                    )
                )
            if decision is Decision.END:
                open_since, open_line, open_on_record = None, None, False
        previous, previous_line = PreviousHeld(day, row.conference_type), row.line


def check_children(
    rows: Iterable[ImportRow], today: date, rules: Rules = DEFAULT_RULES
) -> list[RowError]:
    """Each child's birth dates as their latest row gives them (what is kept, see
    ``latest_rows``), checked as every child is (``domain.children``): a date of birth or an
    expected date, not both, and an expected date not long past. An earlier row's expected
    date is history: the baby was unborn at that conference."""
    errors = [
        RowError(row.line, column, message)
        for row in latest_rows(rows).values()
        for column, message in check_birth_dates(
            row.date_of_birth, row.expected_date_of_birth, today, rules, date.isoformat
        ).items()
    ]
    return sorted(errors, key=lambda e: e.line)


def latest_rows(rows: Iterable[ImportRow]) -> dict[str, ImportRow]:
    """Each child's latest row by conference date (the file's order breaks ties): where the
    child's details are taken from, so a baby gets the date of birth given after the birth."""
    latest: dict[str, ImportRow] = {}
    for row in rows:
        held = latest.get(row.child_ref)
        if held is None or row.order > held.order:
            latest[row.child_ref] = row
    return latest


def review_trigger(previous: Iterable[PreviousHeld]) -> PreviousHeld | None:
    """Where a review of several children runs from: the earliest of their previous held
    conferences, so the deadline is the strictest of theirs."""
    return min(previous, key=lambda p: p.date, default=None)
