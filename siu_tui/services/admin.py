"""Checks an administrator runs on a database file (``siu db check``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from siu_tui.db.engine import Store
from siu_tui.db.migrate import HEAD_REVISION, current_revision


@dataclass
class CheckReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def add(self, ok: bool, line: str) -> None:
        self.ok = self.ok and ok
        self.lines.append(("ok      " if ok else "PROBLEM ") + line)


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
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as conn:
                integrity = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
                report.add(integrity == ["ok"], "file integrity: " + "; ".join(integrity[:5]))
                broken = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                tables = sorted({row[0] for row in broken})
                report.add(
                    not broken,
                    "links between records: "
                    + (
                        "all sound"
                        if not broken
                        else f"{len(broken)} broken in {', '.join(tables)}"
                    ),
                )
                mode = conn.execute(text("PRAGMA journal_mode")).scalar()
                report.add(mode == "wal", f"journal mode {mode}")
        if revision is not None:
            with store.read() as session:
                for table in ("conference", "child", "family", "audit_event"):
                    count = session.connection().execute(text(f"SELECT count(*) FROM {table}"))
                    report.lines.append(f"        {table}: {count.scalar()} rows")
    finally:
        store.dispose()
    return report
