"""Taking in a council's conference history from a CSV extract (`siu import FILE.csv`).

Every row goes in, or none does. The file is read and checked first (``domain.importing``),
then against what the database already holds (loaded in a few bulk queries, outside any
write transaction), and only a file with no problem at all is written, with bulk inserts a
few thousand rows per transaction, so other clerks keep saving during a long import; the
import's batch (``services.import_batches``) makes a failed or killed one undone whole. A
conference whose reference is already on record is skipped, so importing the same file
twice adds nothing. Imported history is history: no chair or clerk, no minutes,
invitations, advocacy referrals or e-mails are made for it.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
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
from siu_tui.domain.timescales import birth_since, conference_deadline, is_late
from siu_tui.errors import WriteConflict
from siu_tui.services import import_batches
from siu_tui.services.context import Desk
from siu_tui.services.errors import ImportRefused

ProgressFn = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: the stage is "Reading", "Checking" or "Writing"."""

CHUNK = 500
"""References per IN (...) query: well inside every database's parameter limit."""
CHUNK_ROWS = 5_000
"""File rows (children at conferences, plans, plan periods) per write transaction: each
holds the write lock for well under a second, so another clerk's save barely waits."""
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
    undone: tuple[str, ...] = field(default=(), compare=False)
    """One line for each import left unfinished by a process that died, undone first."""

    def as_dict(self) -> dict[str, int]:
        counts = asdict(self)
        del counts["undone"]
        return counts

    def lines(self) -> list[str]:
        return [
            *self.undone,
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
    desk: Desk,
    source: str | Path | TextIO,
    progress: ProgressFn | None = None,
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportResult:
    """Import a history file whole, or refuse it whole.

    Raises ImportRefused listing the problems (``line N: column: message``; the first
    hundred, and how many more) with nothing written. Conferences already on record (by
    reference) are skipped and counted.

    The file is read and checked, against what is on record, before anything is written, so
    other clerks save as usual meanwhile. It is then written about ``chunk_rows`` rows per
    transaction, so another clerk's save waits for one chunk at most (see
    ``services.import_batches``). Should the database refuse a row part-way through (a
    constraint, a full disk), everything the import wrote is deleted again and the refusal
    is one sentence, never the rows' values (the driver's message repeats them).
    """
    try:
        return _import_history(desk, source, progress, chunk_rows)
    except (DBAPIError, WriteConflict) as exc:
        # The DB-API's kind of error (IntegrityError, OperationalError), the same on every
        # database; the driver's own message is left out, as it repeats the rows' values.
        error = exc.__cause__ if isinstance(exc, WriteConflict) else exc
        kind = type(error or exc).__name__
        raise ImportRefused(
            [f"the database refused the import part-way through writing it ({kind})"],
            whole_file=True,
        ) from None


def _import_history(
    desk: Desk, source: str | Path | TextIO, progress: ProgressFn | None, chunk_rows: int
) -> ImportResult:
    undone = import_batches.undo_abandoned(desk.store, desk.actor)
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
    # Another clerk may book a conference with one of the file's references, or a family
    # or child it adds, while the chunks are written: the database's unique constraints
    # then refuse a chunk, and the whole import is undone.
    fresh = [r for r in rows if r.conference_ref not in on_record.conferences]
    del rows
    batch_id = import_batches.begin(desk.store, desk.actor)
    writer = _Import(desk, batch_id, on_record, history.previous, progress, count, chunk_rows)
    try:
        result = writer.write(fresh, history.plan_changes, count)
    except BaseException:
        # Everything of the batch goes, in one transaction. Should that fail too (the
        # database is gone), the batch stays "writing" and the next import undoes it.
        with contextlib.suppress(Exception):
            import_batches.undo(desk.store, batch_id, desk.actor)
        raise
    return replace(result, undone=tuple(undone))


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


def _audit(conn: Connection, actor: str, batch_id: str, result: ImportResult) -> None:
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
                "record_id": batch_id,
                "conference_id": None,
                "before": None,
                "after": json.dumps(result.as_dict(), sort_keys=True),
            }
        ],
    )


WRITE_ORDER: tuple[Any, ...] = (
    Family,
    Child,
    Conference,
    ConferenceChild,
    SocialWorkerReport,
    StandDown,
    ChildProtectionPlan,
    PlanPeriod,
)
"""The tables a chunk writes, parents before the rows that point at them."""


class _Import:
    """Turns checked rows into table rows and writes them a chunk at a time.

    Only one chunk's table rows are held at once. What the import adds is written in chunks
    (tagged with the batch); what it changes in records already there (a child's details, a
    plan on record continued or ended) is written by the last, short transaction with the
    audit event, so an import undone has changed nothing.
    """

    def __init__(
        self,
        desk: Desk,
        batch_id: str,
        on_record: _OnRecord,
        previous: dict[int, PreviousHeld],
        progress: ProgressFn | None,
        total: int,
        chunk_rows: int,
    ) -> None:
        self.desk = desk
        self.rules = desk.rules
        self.batch_id = batch_id
        self.on_record = on_record
        self.previous = previous
        self.progress = progress
        self.total = total
        self.chunk_rows = max(chunk_rows, 1)
        self.written = 0
        self.now = clock.now()
        self._deadlines: dict[tuple[str, date, str | None, date | None], date] = {}
        self._pending: dict[Any, list[dict[str, Any]]] = {model: [] for model in WRITE_ORDER}
        self._pending_rows = 0
        self._pending_links = 0

    # --- Chunks -------------------------------------------------------------------------------

    def add(self, model: Any, row: dict[str, Any], weight: int = 0) -> None:
        self._pending[model].append(row)
        self._pending_rows += weight

    def full(self) -> bool:
        return self._pending_rows >= self.chunk_rows

    def flush(self) -> None:
        """Write what is pending in one short transaction."""
        if not any(self._pending.values()):
            return
        with self.desk.store.write() as session:
            conn = session.connection()
            import_batches.touch(conn, self.batch_id)
            for model in WRITE_ORDER:
                rows = self._pending[model]
                for start in range(0, len(rows), 5_000):
                    table = _table(model)
                    conn.execute(
                        table.insert(),
                        [with_folded_names(table.name, r) for r in rows[start : start + 5_000]],
                    )
        self.written += self._pending_links
        self._pending = {model: [] for model in WRITE_ORDER}
        self._pending_rows = self._pending_links = 0
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

    # --- The import ---------------------------------------------------------------------------

    def write(
        self, rows: list[ImportRow], plan_changes: Iterable[PlanChange], count: int
    ) -> ImportResult:
        on_record = self.on_record
        latest = latest_rows(rows)
        families = dict(on_record.families)
        child_ids, changed = self._children_on_record(latest, families)
        new_families = new_children = 0

        by_conference: dict[str, list[ImportRow]] = {}
        for row in rows:
            by_conference.setdefault(row.conference_ref, []).append(row)
        conference_ids: dict[str, str] = {}
        for ref, members in by_conference.items():
            lead = members[0]
            if lead.family_ref not in families:
                families[lead.family_ref] = new_id()
                new_families += 1
                self.add(Family, self._family(lead, families[lead.family_ref]))
            for row in members:
                if row.child_ref not in child_ids:
                    child_ids[row.child_ref] = new_id()
                    new_children += 1
                    newest = latest[row.child_ref]
                    if newest.family_ref not in families:
                        families[newest.family_ref] = new_id()
                        new_families += 1
                        self.add(Family, self._family(newest, families[newest.family_ref]))
                    self.add(
                        Child,
                        {
                            "id": child_ids[row.child_ref],
                            "case_reference": row.child_ref,
                            **self._details(newest, families),
                            "import_batch_id": self.batch_id,
                        },
                    )
            conference_ids[ref] = new_id()
            self._conference(conference_ids[ref], lead, members, latest, families, child_ids)
            if self.full():
                self.flush()
        del by_conference

        final = self._plans(plan_changes, child_ids, conference_ids, latest)
        self.flush()
        result = ImportResult(
            rows=count,
            conferences=len(conference_ids),
            skipped=len(on_record.conferences),
            families=new_families,
            children=new_children,
            children_updated=len(changed),
            plans=final.plans,
        )
        self._finish(changed, final, result)
        return result

    def _finish(
        self, changed: list[dict[str, Any]], final: _PlanRows, result: ImportResult
    ) -> None:
        """The last transaction: what the import changes in records already there, the batch
        marked done and the audit event, together."""
        with self.desk.store.write() as session:
            conn = session.connection()
            import_batches.touch(conn, self.batch_id, import_batches.DONE)
            if changed:
                child = _table(Child)
                conn.execute(
                    update(child)
                    .where(child.c.id == bindparam("_id"))
                    .values({k: bindparam(k) for k in _CHILD_DETAILS}),
                    [with_folded_names("child", row) for row in changed],
                )
            plan = _table(ChildProtectionPlan)
            for values in final.updates.values():
                plan_id = values.pop("_id")
                conn.execute(update(plan).where(plan.c.id == plan_id).values(**values))
            # The open periods of plans on record end first, so the new ones stay open.
            period = _table(PlanPeriod)
            for plan_id, day in final.closes.items():
                conn.execute(
                    update(period)
                    .where(period.c.plan_id == plan_id, period.c.end_date.is_(None))
                    .values(end_date=day)
                )
            if final.periods:
                conn.execute(period.insert(), final.periods)
            # Children on record may have new details for the periods they already had.
            copy_child_details(conn, [row["_id"] for row in changed])
            _audit(conn, self.desk.actor, self.batch_id, result)

    def _family(self, row: ImportRow, family_id: str) -> dict[str, Any]:
        return {
            "id": family_id,
            "reference": row.family_ref,
            "name": row.last_name,
            "locality_team": None,
            "social_worker": None,
            "social_worker_email": None,
            "team_manager": None,
            "team_manager_email": None,
            "import_batch_id": self.batch_id,
        }

    @staticmethod
    def _details(row: ImportRow, families: dict[str, str]) -> dict[str, Any]:
        return {
            "family_id": families[row.family_ref],
            "first_name": row.first_name,
            "last_name": row.last_name,
            "date_of_birth": row.date_of_birth,
            "expected_date_of_birth": row.expected_date_of_birth,
            "sex": row.sex,
            "ethnicity": row.ethnicity,
        }

    def _children_on_record(
        self, latest: dict[str, ImportRow], families: dict[str, str]
    ) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """Ids of the children on record, and the changes to them: each child's details as
        their latest row gives them. A child on record whose latest row names a new family
        gets that family in the first chunk."""
        ids: dict[str, str] = {}
        changed: list[dict[str, Any]] = []
        for ref, row in latest.items():
            known = self.on_record.children.get(ref)
            if known is None:
                continue
            if row.family_ref not in families:
                families[row.family_ref] = new_id()
                self.add(Family, self._family(row, families[row.family_ref]))
            ids[ref] = known["id"]
            details = self._details(row, families)
            if any(known[k] != v for k, v in details.items()):
                changed.append({"_id": known["id"], **details})
        return ids, changed

    def _conference(
        self,
        conference_id: str,
        lead: ImportRow,
        members: list[ImportRow],
        latest: dict[str, ImportRow],
        families: dict[str, str],
        child_ids: dict[str, str],
    ) -> None:
        trigger, deadline = self._timescale(lead, members, latest)
        late = is_late(lead.conference_date, deadline)
        self.add(
            Conference,
            {
                "id": conference_id,
                "reference": lead.conference_ref,
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
                "import_batch_id": self.batch_id,
            },
        )
        for row in members:
            cats = row.categories
            self.add(
                ConferenceChild,
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
                },
                weight=1,
            )
        self._pending_links += len(members)
        self.add(
            SocialWorkerReport,
            {
                "id": new_id(),
                "conference_id": conference_id,
                "to_parents_at": lead.report_to_parents,
                "to_chair_at": lead.report_to_chair,
            },
        )
        if lead.stood_down_reason is not None:
            self.add(
                StandDown,
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
                },
            )

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
        latest: dict[str, ImportRow],
    ) -> _PlanRows:
        """New plans and their periods (see ``PlanPeriod``), written in chunks a child at a
        time; changes to plans on record, and their new periods, kept for the last
        transaction. Categories are stored ";"-joined in the standard order, as recording a
        conference held stores them. The periods carry the child's details as the import
        leaves them (``db.periods``)."""
        by_child: dict[str, list[PlanChange]] = {}
        for change in changes:  # in date order
            by_child.setdefault(change.child_ref, []).append(change)
        final = _PlanRows()
        for ref, steps in by_child.items():
            self._child_plans(ref, steps, child_ids[ref], conference_ids, latest[ref], final)
            if self.full():
                self.flush()
        return final

    def _child_plans(
        self,
        ref: str,
        steps: list[PlanChange],
        child_id: str,
        conference_ids: dict[str, str],
        details: ImportRow,
        final: _PlanRows,
    ) -> None:
        open_plan: dict[str, Any] | None = None
        open_period: dict[str, Any] | None = None
        on_record_plan = self.on_record.open_plans.get(ref)

        def close(plan_id: str, day: date) -> None:
            nonlocal open_period
            if open_period is not None:
                open_period["end_date"] = day
                open_period = None
            else:
                final.closes.setdefault(plan_id, day)

        def begin(plan_id: str, day: date, categories: tuple[str, ...]) -> None:
            nonlocal open_period
            open_period = {
                "id": new_id(),
                "plan_id": plan_id,
                "child_id": child_id,
                "start_date": day,
                "end_date": None,
                **{c: c in categories for c in ("neglect", "physical", "emotional", "sexual")},
                "child_date_of_birth": details.date_of_birth,
                "child_ethnicity": details.ethnicity,
            }
            if plan_id == on_record_plan:
                final.periods.append(open_period)
            else:
                self.add(PlanPeriod, open_period, weight=1)

        for change in steps:
            joined = ";".join(change.categories)
            conference_id = conference_ids[change.conference_ref]
            if change.kind == "start":
                open_plan = {
                    "id": new_id(),
                    "child_id": child_id,
                    "start_conference_id": conference_id,
                    "start_date": change.date,
                    "end_conference_id": None,
                    "end_date": None,
                    "initial_categories": joined,
                    "latest_categories": joined,
                }
                self.add(ChildProtectionPlan, open_plan, weight=1)
                final.plans += 1
                begin(open_plan["id"], change.date, change.categories)
                continue
            if change.on_record:
                assert on_record_plan is not None
                plan_id = on_record_plan
                target = final.updates.setdefault(plan_id, {"_id": plan_id})
            else:
                assert open_plan is not None
                target = open_plan
                plan_id = target["id"]
            if change.kind == "continue":
                target["latest_categories"] = joined
                close(plan_id, change.date)
                begin(plan_id, change.date, change.categories)
            elif change.kind == "end":
                target["end_date"] = change.date
                target["end_conference_id"] = conference_id
                close(plan_id, change.date)
                open_plan = None


@dataclass
class _PlanRows:
    """What the last transaction writes about plans, and how many new plans there were."""

    plans: int = 0
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    periods: list[dict[str, Any]] = field(default_factory=list)
    """New periods of plans on record (after their open period is closed)."""
    closes: dict[str, date] = field(default_factory=dict)
    """plan on record -> the day its open period (in the database) ends"""


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
