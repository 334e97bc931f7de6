"""Taking in a council's conference history from a CSV extract (`siu import FILE.csv`).

The whole file is one transaction: every row goes in, or none does. The file is read and
checked first (``domain.importing``), then what the database already holds is loaded in a
few bulk queries inside the write transaction, the history is checked against it, and only
a file with no problem at all is written, with bulk inserts (a hundred thousand rows in
seconds). A conference whose reference is already on record is skipped, so importing the
same file twice adds nothing. Imported history is history: no chair or clerk, no minutes,
invitations, advocacy referrals or e-mails are made for it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, NoReturn, TextIO

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from siu_tui import clock
from siu_tui.db.models import (
    AuditEvent,
    Child,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    Family,
    PlanPeriod,
    SocialWorkerReport,
    StandDown,
    new_id,
    with_folded_names,
)
from siu_tui.db.periods import copy_child_details
from siu_tui.domain.codes import ConferenceStatus, ConferenceType, DecidedBy
from siu_tui.domain.importing import (
    REQUIRED_COLUMNS,
    ChildOnRecord,
    History,
    ImportRow,
    PlanChange,
    PreviousHeld,
    Problems,
    RowError,
    check_children,
    check_conferences,
    check_history,
    latest_rows,
    parse_row,
    review_trigger,
)
from siu_tui.domain.settings import Rules
from siu_tui.domain.timescales import birth_since, conference_deadline, is_late
from siu_tui.services.context import Desk
from siu_tui.services.errors import ImportRefused, WriteConflict

ProgressFn = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: the stage is "Reading", "Checking" or "Writing"."""

CHUNK = 500
"""References per IN (...) query: well inside every database's parameter limit."""
PROGRESS_EVERY = 2_000
START_TIME = time(10, 0)
"""Extracts carry no time of day; conferences are shown at the usual 10:00."""
IMPORT_NOTE = "Imported"


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ImportResult:
    """What an import added. Counts only: an audit event must not carry names."""

    rows: int
    conferences: int
    skipped: int
    families: int
    children: int
    children_updated: int
    plans: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def lines(self) -> list[str]:
        return [
            f"Read {self.rows:,} row(s).",
            f"Conferences added: {self.conferences:,}",
            f"Conferences already imported (skipped): {self.skipped:,}",
            f"Families added: {self.families:,}",
            f"Children added: {self.children:,} (updated: {self.children_updated:,})",
            f"Plans added: {self.plans:,}",
        ]


# --- Reading ----------------------------------------------------------------------------------


def _refuse(problem: str) -> NoReturn:
    raise ImportRefused([problem], whole_file=True)


@contextmanager
def _opened(source: str | Path | TextIO) -> Iterator[tuple[TextIO, int]]:
    """The file as text, read line by line (never whole), and roughly how many rows it has
    (for the progress bar: its line breaks, counted a megabyte at a time)."""
    if not isinstance(source, str | Path):
        yield source, 0
        return
    path = Path(source)
    try:
        lines = 0
        with path.open("rb") as raw:
            while block := raw.read(1 << 20):
                lines += block.count(b"\n")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield handle, max(lines - 1, 0)
    except FileNotFoundError:
        _refuse(f"there is no file at {path}")
    except IsADirectoryError:
        _refuse(f"{path} is a folder, not a CSV file")
    except UnicodeDecodeError:
        _refuse(f"{path} is not a UTF-8 text file (save it from the spreadsheet as CSV UTF-8)")
    except OSError as exc:
        _refuse(f"cannot read {path}: {exc.strerror or exc}")


def _csv_problem(line: int, exc: csv.Error) -> RowError:
    if "field larger than field limit" in str(exc):
        return RowError(
            line,
            "file",
            f"a cell is longer than {csv.field_size_limit():,} characters, which no column "
            "holds (is a quote left open?)",
        )
    return RowError(line, "file", f"not valid CSV ({exc})")


def read_rows(
    source: str | Path | TextIO,
    today: date,
    progress: ProgressFn | None = None,
    problems: Problems | None = None,
) -> tuple[list[ImportRow], Problems, int]:
    """Every data row parsed, streaming: the good rows, the problems, how many rows there were.

    A file that is not a CSV with the required columns is refused outright (ImportRefused
    with one line), since nothing in it could be checked row by row.
    """
    problems = Problems() if problems is None else problems
    rows: list[ImportRow] = []
    count = 0
    with _opened(source) as (handle, total):
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            _refuse(f"line 1: the header is not valid CSV ({exc})")
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0].removeprefix("\ufeff")
        if not header or not any(h.strip() for h in header):
            _refuse("the file is empty: it needs a header row and a row per child")
        names = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            _refuse(
                f"line 1: the header has no {', '.join(missing)} column"
                f"{'s' if len(missing) > 1 else ''} (the columns are listed in the README, "
                "under Importing history)"
            )
        width = len(names)
        try:
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue  # a blank line, as spreadsheets leave at the end
                count += 1
                line = reader.line_num
                if len(record) > width and any(c.strip() for c in record[width:]):
                    problems.add(
                        RowError(
                            line,
                            "file",
                            f"{len(record)} cells, but the header names {width} columns: "
                            "the cells beyond it would be lost",
                        )
                    )
                    continue
                parsed = parse_row(line, dict(zip(names, record, strict=False)), today)
                if isinstance(parsed, ImportRow):
                    rows.append(parsed)
                else:
                    problems.extend(parsed)
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress("Reading", count, max(total, count))
        except csv.Error as exc:
            problems.add(_csv_problem(reader.line_num, exc))
    if count == 0 and not problems:
        _refuse("the file has a header but no rows below it")
    if progress is not None:
        progress("Reading", count, count)
    return rows, problems, count


# --- What is on record --------------------------------------------------------------------------


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


@dataclass
class _OnRecord:
    conferences: set[str]
    families: dict[str, str]
    """family reference -> id"""
    children: dict[str, dict[str, Any]]
    """case reference -> the child's row"""
    history: dict[str, ChildOnRecord]
    open_plans: dict[str, str]
    """case reference -> the id of the child's open plan"""


def _load_on_record(conn: Connection, rows: Sequence[ImportRow]) -> _OnRecord:
    conference = _table(Conference)
    family = _table(Family)
    child = _table(Child)
    link = _table(ConferenceChild)
    plan = _table(ChildProtectionPlan)
    existing: set[str] = set()
    for chunk in _chunks({r.conference_ref for r in rows}):
        existing.update(
            conn.execute(
                select(conference.c.reference).where(conference.c.reference.in_(chunk))
            ).scalars()
        )
    fresh = [r for r in rows if r.conference_ref not in existing]
    families: dict[str, str] = {}
    for chunk in _chunks({r.family_ref for r in fresh}):
        families.update(
            conn.execute(
                select(family.c.reference, family.c.id).where(family.c.reference.in_(chunk))
            ).all()
        )
    children: dict[str, dict[str, Any]] = {}
    for chunk in _chunks({r.child_ref for r in fresh}):
        for found in conn.execute(select(child).where(child.c.case_reference.in_(chunk))):
            children[found.case_reference] = dict(found._mapping)
    by_id = {c["id"]: ref for ref, c in children.items()}
    last_held: dict[str, tuple[date, str]] = {}
    open_plans: dict[str, tuple[date, str]] = {}
    for chunk in _chunks(by_id):
        query = (
            select(link.c.child_id, conference.c.date, conference.c.type)
            .join(conference, conference.c.id == link.c.conference_id)
            .where(link.c.child_id.in_(chunk))
            .where(conference.c.status == ConferenceStatus.HELD.value)
        )
        for child_id, day, ctype in conn.execute(query):
            ref = by_id[child_id]
            if ref not in last_held or day > last_held[ref][0]:
                last_held[ref] = (day, ctype)
        query = select(plan.c.child_id, plan.c.start_date, plan.c.id).where(
            plan.c.child_id.in_(chunk), plan.c.end_date.is_(None)
        )
        for child_id, start, plan_id in conn.execute(query):
            ref = by_id[child_id]
            if ref not in open_plans or start > open_plans[ref][0]:
                open_plans[ref] = (start, plan_id)
    history = {
        ref: ChildOnRecord(
            last_held[ref][0] if ref in last_held else None,
            ConferenceType(last_held[ref][1]) if ref in last_held else None,
            open_plans[ref][0] if ref in open_plans else None,
        )
        for ref in children
    }
    return _OnRecord(
        existing,
        families,
        children,
        history,
        {ref: plan_id for ref, (_, plan_id) in open_plans.items()},
    )


# --- Importing ----------------------------------------------------------------------------------


def import_history(
    desk: Desk, source: str | Path | TextIO, progress: ProgressFn | None = None
) -> ImportResult:
    """Import a history file in one transaction, or refuse it whole.

    Raises ImportRefused listing the problems (``line N: column: message``; the first
    hundred, and how many more) with nothing written. Conferences already on record (by
    reference) are skipped and counted.

    The file is read and checked, against what is on record, before the write transaction
    begins, so other clerks save as usual meanwhile; the transaction checks again that
    nothing the file depends on changed in between, then writes. Should the
    database refuse a row part-way through the write (a constraint, a full disk), the
    transaction is rolled back whole and the refusal is one sentence, never the rows' values
    (the driver's message repeats them).
    """
    try:
        return _import_history(desk, source, progress)
    except (DBAPIError, WriteConflict) as exc:
        # The store turns a refused constraint into WriteConflict; the kind named is the
        # same on SQLite and PostgreSQL (IntegrityError, OperationalError, ...).
        failure = exc.__cause__ if isinstance(exc, WriteConflict) and exc.__cause__ else exc
        kind = type(failure).__name__
        raise ImportRefused(
            [f"the database refused the import part-way through writing it ({kind})"],
            whole_file=True,
        ) from None


def _import_history(
    desk: Desk, source: str | Path | TextIO, progress: ProgressFn | None
) -> ImportResult:
    today = clock.today()
    rows, problems, count = read_rows(source, today, progress)
    # A child with a row that disagrees with its conference is left out of the history
    # checks: the row would only cause knock-on complaints about the rows around it.
    clashes = check_conferences(rows)
    problems.extend(clashes)
    doubtful = {r.child_ref for r in rows if r.line in {e.line for e in clashes}}
    problems.extend(
        check_children([r for r in rows if r.child_ref not in doubtful], today, desk.rules)
    )
    if progress is not None:
        progress("Checking", 0, count)
    with desk.store.read() as session:
        on_record = _load_on_record(session.connection(), rows)
    history = _check(rows, on_record, doubtful, problems)
    if progress is not None:
        progress("Checking", count, count)
    with desk.store.write() as session:
        conn = session.connection()
        now_on_record = _load_on_record(conn, rows)
        if now_on_record != on_record:  # another clerk added to these families meanwhile
            on_record = now_on_record
            history = _check(rows, on_record, doubtful, Problems())
        fresh = [r for r in rows if r.conference_ref not in on_record.conferences]
        writer = _Import(conn, desk.rules, on_record, history.previous, progress, count)
        result = writer.write(fresh, history.plan_changes, count)
        _audit(conn, desk.actor, result)
        return result


def _check(
    rows: list[ImportRow], on_record: _OnRecord, doubtful: set[str], problems: Problems
) -> History:
    """Each new row's place in its child's history; refuses the file if anything is wrong."""
    fresh = [
        r
        for r in rows
        if r.conference_ref not in on_record.conferences and r.child_ref not in doubtful
    ]
    history = check_history(fresh, on_record.history)
    problems.extend(history.errors)
    if problems:
        raise ImportRefused([str(e) for e in problems.first()], more=problems.more)
    return history


def _audit(conn: Connection, actor: str, result: ImportResult) -> None:
    """One event for the whole import, with the counts (never names: the file has them)."""
    conn.execute(
        _table(AuditEvent).insert(),
        [
            {
                "id": new_id(),
                "at": clock.now(),
                "actor": actor,
                "action": "import",
                "record_type": "import",
                "record_id": new_id(),
                "conference_id": None,
                "before": None,
                "after": json.dumps(result.as_dict(), sort_keys=True),
            }
        ],
    )


class _Import:
    """Turns checked rows into table rows and writes them in bulk."""

    def __init__(
        self,
        conn: Connection,
        rules: Rules,
        on_record: _OnRecord,
        previous: dict[int, PreviousHeld],
        progress: ProgressFn | None,
        total: int,
    ) -> None:
        self.conn = conn
        self.rules = rules
        self.on_record = on_record
        self.previous = previous
        self.progress = progress
        self.total = total
        self.written = 0
        self.now = clock.now()
        self._deadlines: dict[tuple[str, date, str | None, date | None], date] = {}

    def insert(self, model: Any, rows: list[dict[str, Any]], *, counts: bool = False) -> None:
        for start in range(0, len(rows), 5_000):
            chunk = rows[start : start + 5_000]
            table = _table(model)
            self.conn.execute(table.insert(), [with_folded_names(table.name, r) for r in chunk])
            if counts:
                self.written += len(chunk)
                if self.progress is not None:
                    self.progress("Writing", self.written, self.total)

    def deadline(
        self, ctype: str, trigger: date, previous: str | None = None, birth: date | None = None
    ) -> date:
        key = (ctype, trigger, previous, birth)
        found = self._deadlines.get(key)
        if found is None:
            found = self._deadlines[key] = conference_deadline(
                ctype, trigger, self.rules, previous_type=previous, birth_date=birth
            )
        return found

    def write(
        self, rows: list[ImportRow], plan_changes: Iterable[PlanChange], count: int
    ) -> ImportResult:
        on_record = self.on_record
        latest = latest_rows(rows)
        families = dict(on_record.families)
        new_families: list[dict[str, Any]] = []
        for row in rows:
            if row.family_ref not in families:
                families[row.family_ref] = new_id()
                new_families.append(
                    {
                        "id": families[row.family_ref],
                        "reference": row.family_ref,
                        "name": row.last_name,
                        "locality_team": None,
                        "social_worker": None,
                        "social_worker_email": None,
                        "team_manager": None,
                        "team_manager_email": None,
                    }
                )
        child_ids, new_children, changed = self._children(latest, families)

        by_conference: dict[str, list[ImportRow]] = {}
        for row in rows:
            by_conference.setdefault(row.conference_ref, []).append(row)
        conference_ids: dict[str, str] = {}
        conferences: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        reports: list[dict[str, Any]] = []
        stand_downs: list[dict[str, Any]] = []
        for ref, members in by_conference.items():
            lead = members[0]
            conference_id = conference_ids[ref] = new_id()
            trigger, deadline = self._timescale(lead, members, latest)
            late = is_late(lead.conference_date, deadline)
            conferences.append(
                {
                    "id": conference_id,
                    "reference": ref,
                    "type": lead.conference_type.value,
                    "family_id": families[lead.family_ref],
                    "date": lead.conference_date,
                    "start_time": START_TIME,
                    "duration_minutes": 90,
                    "venue": None,
                    "room_id": None,
                    "chair_id": None,
                    "clerk_id": None,
                    "status": lead.status.value,
                    "trigger_date": trigger,
                    "deadline": deadline,
                    "rebooks_id": None,
                    "late_reason": lead.late_reason.value if late and lead.late_reason else None,
                    "late_note": None,
                    "cancel_reason": None,
                    "quorate": None,
                    "inquorate_decision": None,
                    "inquorate_note": None,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
            for row in members:
                cats = row.categories
                links.append(
                    {
                        "id": new_id(),
                        "conference_id": conference_id,
                        "child_id": child_ids[row.child_ref],
                        "decision": row.decision.value if row.decision else None,
                        "neglect": "neglect" in cats,
                        "physical": "physical" in cats,
                        "emotional": "emotional" in cats,
                        "sexual": "sexual" in cats,
                        "participation": None,
                    }
                )
            reports.append(
                {
                    "id": new_id(),
                    "conference_id": conference_id,
                    "to_parents_at": lead.report_to_parents,
                    "to_chair_at": lead.report_to_chair,
                }
            )
            if lead.stood_down_reason is not None:
                stand_downs.append(
                    {
                        "id": new_id(),
                        "conference_id": conference_id,
                        "reason": lead.stood_down_reason.value,
                        "decided_by": DecidedBy.MANAGER.value,
                        "decided_at": datetime.combine(
                            lead.conference_date, clock.PINNED_TIME, tzinfo=UTC
                        ),
                        "note": IMPORT_NOTE,
                        "rebooked_conference_id": None,
                    }
                )
        plan_rows = self._plans(plan_changes, child_ids, conference_ids)
        plans, plan_updates = plan_rows.plans, plan_rows.updates

        self.insert(Family, new_families)
        self.insert(Child, new_children)
        if changed:
            child = _table(Child)
            self.conn.execute(
                update(child)
                .where(child.c.id == bindparam("_id"))
                .values({k: bindparam(k) for k in _CHILD_DETAILS}),
                [with_folded_names("child", row) for row in changed],
            )
        self.insert(Conference, conferences)
        self.insert(ConferenceChild, links, counts=True)
        self.insert(SocialWorkerReport, reports)
        self.insert(StandDown, stand_downs)
        self.insert(ChildProtectionPlan, plans)
        if plan_updates:
            plan = _table(ChildProtectionPlan)
            for values in plan_updates.values():
                plan_id = values.pop("_id")
                self.conn.execute(update(plan).where(plan.c.id == plan_id).values(**values))
        # The open periods of plans on record end first, so the new ones stay open.
        period = _table(PlanPeriod)
        for plan_id, day in plan_rows.closes.items():
            self.conn.execute(
                update(period)
                .where(period.c.plan_id == plan_id, period.c.end_date.is_(None))
                .values(end_date=day)
            )
        self.insert(PlanPeriod, plan_rows.periods)
        # Children on record may have new details, and new periods have none yet.
        copy_child_details(self.conn, child_ids.values())
        return ImportResult(
            rows=count,
            conferences=len(conferences),
            skipped=len(on_record.conferences),
            families=len(new_families),
            children=len(new_children),
            children_updated=len(changed),
            plans=len(plans),
        )

    def _children(
        self, latest: dict[str, ImportRow], families: dict[str, str]
    ) -> tuple[dict[str, str], list[dict[str, Any]], list[dict[str, Any]]]:
        """Ids for every child, new children's rows, and changes to children on record: each
        child's details as their latest row gives them."""
        ids: dict[str, str] = {}
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for ref, row in latest.items():
            details = {
                "family_id": families[row.family_ref],
                "first_name": row.first_name,
                "last_name": row.last_name,
                "date_of_birth": row.date_of_birth,
                "expected_date_of_birth": row.expected_date_of_birth,
                "sex": row.sex,
                "ethnicity": row.ethnicity,
            }
            known = self.on_record.children.get(ref)
            if known is None:
                ids[ref] = new_id()
                new.append({"id": ids[ref], "case_reference": ref, **details})
                continue
            ids[ref] = known["id"]
            if any(known[k] != v for k, v in details.items()):
                changed.append({"_id": known["id"], **details})
        return ids, new, changed

    def _timescale(
        self, lead: ImportRow, members: list[ImportRow], latest: dict[str, ImportRow]
    ) -> tuple[date, date]:
        """A conference's trigger and deadline: as given for initial types; for a review, the
        children's earliest previous held conference (capped by a birth after a pre-birth
        conference)."""
        ctype = lead.conference_type.value
        if lead.trigger_date is not None:
            return lead.trigger_date, self.deadline(ctype, lead.trigger_date)
        previous = review_trigger(self.previous[r.line] for r in members)
        assert previous is not None  # check_history refused a review without one
        birth = birth_since(previous.date, [latest[r.child_ref].date_of_birth for r in members])
        return previous.date, self.deadline(ctype, previous.date, previous.type.value, birth)

    def _plans(
        self,
        changes: Iterable[PlanChange],
        child_ids: dict[str, str],
        conference_ids: dict[str, str],
    ) -> _PlanRows:
        """New plans' rows, changes to plans on record, and the plans' periods (see
        ``PlanPeriod``), from the history in date order. Categories are stored ";"-joined in
        the standard order, as recording a conference held stores them."""
        plans: list[dict[str, Any]] = []
        open_plans: dict[str, dict[str, Any]] = {}
        updates: dict[str, dict[str, Any]] = {}
        periods: list[dict[str, Any]] = []
        open_periods: dict[str, dict[str, Any]] = {}
        closes: dict[str, date] = {}
        """plan on record -> the day its open period (in the database) ends"""

        def close(ref: str, plan_id: str, day: date) -> None:
            period = open_periods.pop(ref, None)
            if period is not None:
                period["end_date"] = day
            else:
                closes.setdefault(plan_id, day)

        def begin(ref: str, plan_id: str, day: date, categories: tuple[str, ...]) -> None:
            period = {
                "id": new_id(),
                "plan_id": plan_id,
                "child_id": child_ids[ref],
                "start_date": day,
                "end_date": None,
                **{c: c in categories for c in ("neglect", "physical", "emotional", "sexual")},
            }
            periods.append(period)
            open_periods[ref] = period

        for change in changes:
            ref = change.child_ref
            joined = ";".join(change.categories)
            conference_id = conference_ids[change.conference_ref]
            if change.kind == "start":
                plan = {
                    "id": new_id(),
                    "child_id": child_ids[ref],
                    "start_conference_id": conference_id,
                    "start_date": change.date,
                    "end_conference_id": None,
                    "end_date": None,
                    "initial_categories": joined,
                    "latest_categories": joined,
                }
                plans.append(plan)
                open_plans[ref] = plan
                begin(ref, plan["id"], change.date, change.categories)
                continue
            if change.on_record:
                plan_id = self.on_record.open_plans[ref]
                target = updates.setdefault(plan_id, {"_id": plan_id})
            else:
                target = open_plans[ref]
                plan_id = target["id"]
            if change.kind == "continue":
                target["latest_categories"] = joined
                close(ref, plan_id, change.date)
                begin(ref, plan_id, change.date, change.categories)
            elif change.kind == "end":
                target["end_date"] = change.date
                target["end_conference_id"] = conference_id
                close(ref, plan_id, change.date)
                open_plans.pop(ref, None)
        return _PlanRows(plans, updates, periods, closes)


@dataclass(frozen=True)
class _PlanRows:
    plans: list[dict[str, Any]]
    updates: dict[str, dict[str, Any]]
    periods: list[dict[str, Any]]
    closes: dict[str, date]


_CHILD_DETAILS = (
    "family_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "first_name_folded",
    "last_name_folded",
)
