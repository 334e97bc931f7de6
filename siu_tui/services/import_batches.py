"""Keeping a chunked import all-or-nothing: its batch record, and undoing it.

A large history file is written a few thousand rows per transaction, so another clerk's save
waits for one chunk at most instead of the whole file. What makes that safe is the batch: the
first transaction records it as "writing", every family, child and conference the import
adds carries its id (everything else it adds hangs off those), and only the last
transaction, with the audit event, marks it "done". Should a chunk fail, everything of the
batch is deleted in one transaction; should the process die part-way (a kill, a power cut),
the batch is still "writing" and the next import or ``siu db check`` deletes it the same way.

An import still running is told from a dead one by its process (same machine: is the pid
alive?) and, from another machine, by its heartbeat: each chunk refreshes ``touched_at`` in
real time (never the pinned clock), and a batch untouched for ``STALE_AFTER`` is taken as
dead. A chunk only writes while its batch is still "writing", so an import wrongly taken for
dead stops instead of writing into a batch already undone.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.engine import Connection

from siu_tui import clock
from siu_tui.db.engine import Store
from siu_tui.db.models import (
    AuditEvent,
    Child,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    Family,
    ImportBatch,
    PlanPeriod,
    SocialWorkerReport,
    StandDown,
    new_id,
)
from siu_tui.services.errors import ImportRefused

WRITING = "writing"
DONE = "done"
UNDONE = "undone"

STALE_AFTER = timedelta(minutes=10)
"""A batch on another machine untouched this long is taken as dead (a chunk takes seconds)."""


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def real_now() -> datetime:
    return datetime.now(UTC)


def begin(store: Store, actor: str) -> str:
    """Record a new batch as "writing" (its own short transaction); returns its id."""
    batch_id = new_id()
    moment = real_now()
    with store.write() as session:
        session.connection().execute(
            _table(ImportBatch).insert(),
            [
                {
                    "id": batch_id,
                    "state": WRITING,
                    "actor": actor[:120],
                    "host": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": moment,
                    "touched_at": moment,
                }
            ],
        )
    return batch_id


def touch(conn: Connection, batch_id: str, state: str = WRITING) -> None:
    """Inside a chunk's transaction: refresh the heartbeat (or set the final state), and stop
    if the batch was undone meanwhile."""
    batch = _table(ImportBatch)
    changed = conn.execute(
        update(batch)
        .where(batch.c.id == batch_id, batch.c.state == WRITING)
        .values(state=state, touched_at=real_now())
    ).rowcount
    if changed != 1:
        raise ImportRefused(
            [
                "the import was stopped part-way: it went quiet for so long that another "
                "desk took it for dead and undid it; nothing of it is left"
            ],
            whole_file=True,
        )


@dataclass(frozen=True)
class Undone:
    """What undoing a batch took out (counts only)."""

    started_at: datetime
    conferences: int
    children: int
    families: int

    def line(self) -> str:
        started = clock.local(self.started_at).strftime("%Y-%m-%d %H:%M")
        return (
            f"An import started {started} did not finish (its process stopped), so it was "
            f"undone: {self.conferences:,} conference(s), {self.children:,} child(ren) and "
            f"{self.families:,} family(ies) it had written were taken out."
        )


def undo(store: Store, batch_id: str, actor: str) -> Undone | None:
    """Delete everything the batch added, in one transaction, with an audit event; None when
    it is no longer "writing" (it finished, or someone else undid it)."""
    batch = _table(ImportBatch)
    conference = _table(Conference)
    plan = _table(ChildProtectionPlan)
    with store.write() as session:
        conn = session.connection()
        found = conn.execute(
            select(batch.c.state, batch.c.started_at).where(batch.c.id == batch_id)
        ).first()
        if found is None or found.state != WRITING:
            return None
        ours = select(conference.c.id).where(conference.c.import_batch_id == batch_id)
        plans = select(plan.c.id).where(plan.c.start_conference_id.in_(ours))
        conn.execute(delete(_table(PlanPeriod)).where(_table(PlanPeriod).c.plan_id.in_(plans)))
        conn.execute(delete(plan).where(plan.c.id.in_(plans)))
        for model in (StandDown, SocialWorkerReport, ConferenceChild):
            table = _table(model)
            conn.execute(delete(table).where(table.c.conference_id.in_(ours)))
        counts = {}
        for name, model in (("conferences", Conference), ("children", Child),
                            ("families", Family)):  # fmt: skip
            table = _table(model)
            counts[name] = conn.execute(
                delete(table).where(table.c.import_batch_id == batch_id)
            ).rowcount
        conn.execute(
            update(batch).where(batch.c.id == batch_id).values(state=UNDONE, touched_at=real_now())
        )
        conn.execute(
            _table(AuditEvent).insert(),
            [
                {
                    "id": new_id(),
                    "at": clock.now(),
                    "actor": actor,
                    "action": "import_undone",
                    "record_type": "import",
                    "record_id": batch_id,
                    "conference_id": None,
                    "before": None,
                    "after": json.dumps(counts, sort_keys=True),
                }
            ],
        )
    started = found.started_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return Undone(started, counts["conferences"], counts["children"], counts["families"])


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process (or a system that cannot tell): assume alive
    return True


def abandoned(host: str, pid: int, touched_at: datetime) -> bool:
    """A "writing" batch whose import is no longer running."""
    if touched_at.tzinfo is None:
        touched_at = touched_at.replace(tzinfo=UTC)
    if real_now() - touched_at > STALE_AFTER:
        return True
    return host == socket.gethostname() and pid != os.getpid() and not _running(pid)


def undo_abandoned(store: Store, actor: str) -> list[str]:
    """Undo every batch left "writing" by an import that died; one line for each."""
    batch = _table(ImportBatch)
    with store.read() as session:
        writing = (
            session.connection()
            .execute(
                select(batch.c.id, batch.c.host, batch.c.pid, batch.c.touched_at).where(
                    batch.c.state == WRITING
                )
            )
            .all()
        )
    lines = []
    for row in writing:
        if abandoned(row.host, row.pid, row.touched_at):
            undone = undo(store, row.id, actor)
            if undone is not None:
                lines.append(undone.line())
    return lines
