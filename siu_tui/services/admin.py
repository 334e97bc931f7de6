"""Checks an administrator runs on a database (``siu db check``).

The links between records are checked with plain SQL (for every foreign key, the rows whose
key points at nothing), so the same check runs on a SQLite file and on the office's
PostgreSQL database; SQLite's file integrity and journal mode are checked on SQLite alone.
An import left unfinished by a process that died is undone here too (``import_batches``), so
its half-written history never counts in a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from siu_tui.db.engine import Store
from siu_tui.db.migrate import HEAD_REVISION, current_revision
from siu_tui.services.import_batches import undo_abandoned


@dataclass
class CheckReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def add(self, ok: bool, line: str) -> None:
        self.ok = self.ok and ok
        self.lines.append(("ok      " if ok else "PROBLEM ") + line)


def broken_links(conn: Connection) -> dict[str, int]:
    """How many rows of each table hold a link (foreign key) to a record that is not there."""
    inspector = inspect(conn)
    quote = conn.dialect.identifier_preparer.quote
    broken: dict[str, int] = {}
    for table in sorted(inspector.get_table_names()):
        for key in inspector.get_foreign_keys(table):
            pairs = list(zip(key["constrained_columns"], key["referred_columns"], strict=True))
            present = " AND ".join(f"c.{quote(mine)} IS NOT NULL" for mine, _ in pairs)
            joined = " AND ".join(f"p.{quote(theirs)} = c.{quote(mine)}" for mine, theirs in pairs)
            count = conn.execute(
                text(
                    f"SELECT count(*) FROM {quote(table)} c WHERE {present} AND NOT EXISTS "
                    f"(SELECT 1 FROM {quote(key['referred_table'])} p WHERE {joined})"
                )
            ).scalar_one()
            if count:
                broken[table] = broken.get(table, 0) + int(count)
    return broken


def check_database(url: str) -> CheckReport:
    report = CheckReport()
    store = Store(url)
    try:
        revision = current_revision(store)
        report.add(
            revision == HEAD_REVISION,
            f"schema version {revision or 'none'}"
            + ("" if revision == HEAD_REVISION else f" (this SIU Desk expects {HEAD_REVISION})"),
        )
        with store.engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                integrity = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
                report.add(integrity == ["ok"], "file integrity: " + "; ".join(integrity[:5]))
            broken = broken_links(conn)
            report.add(
                not broken,
                "links between records: "
                + (
                    "all sound"
                    if not broken
                    else f"{sum(broken.values())} broken in {', '.join(broken)}"
                ),
            )
            if sqlite:
                mode = conn.execute(text("PRAGMA journal_mode")).scalar()
                report.add(mode == "wal", f"journal mode {mode}")
        if revision == HEAD_REVISION:
            for line in undo_abandoned(store, "siu db check"):
                report.add(True, line)
        if revision is not None:
            with store.read() as session:
                for table in ("conference", "child", "family", "audit_event"):
                    count = session.connection().execute(text(f"SELECT count(*) FROM {table}"))
                    report.lines.append(f"        {table}: {count.scalar()} rows")
    finally:
        store.dispose()
    return report
