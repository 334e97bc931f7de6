"""Bringing a database up to the schema this version of SIU Desk expects.

The app checks the stored revision against ``HEAD_REVISION`` with one query, so an up-to-date
database costs no Alembic import at start-up. When a migration is pending on a SQLite file
that already holds data, the file is copied aside first (SQLite's online backup, safe under
WAL), so a failed upgrade can never cost a clerk their records. A copy that cannot be finished
(a full disk) is removed rather than left looking like a backup.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text

from siu_tui.clock import now
from siu_tui.db.engine import Store
from siu_tui.errors import DatabaseTooNew, UserFacingError
from siu_tui.files import private_open

HEAD_REVISION = "0009_moves"
"""The newest migration; tests check it matches the scripts in migrations/versions."""

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(store: Store):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    return config


def script_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _has_tables(store: Store) -> bool:
    with store.engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def backup_sqlite(path: Path, label: str) -> Path:
    """Copy a live SQLite file beside itself, consistent even while others have it open."""
    stamp = now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.before-{label}-{stamp}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.before-{label}-{stamp}-{n}.bak")
    private_open(target, "xb").close()  # 0600 before SQLite writes a byte into it
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return target


def upgrade(store: Store, revision: str = "head") -> UpgradeResult:
    """Apply pending migrations (up to ``revision``), backing up a SQLite file with data."""
    from alembic import command

    before = current_revision(store)
    target = HEAD_REVISION if revision == "head" else revision
    if before == target:
        return UpgradeResult(before, target, None)
    if before is not None and before not in known_revisions():
        raise DatabaseTooNew(
            f"This database was upgraded by a newer SIU Desk (schema {before}); this one knows "
            f"schemas up to {HEAD_REVISION}. Install the newer SIU Desk to open it."
        )
    backup = None
    if store.path is not None and store.path.exists() and _has_tables(store):
        backup = backup_sqlite(store.path, before or "unversioned")
    config = alembic_config(store)
    with store.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild tables (copy, drop, rename); with foreign keys on, dropping
            # a table others point to fails. The pragma is ignored inside a transaction, so it
            # is set on the driver connection first, and the links are checked before commit.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise UserFacingError(
                        "The upgrade would break links between records, so nothing was "
                        "changed: run `siu db check` to see which"
                    )
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    return UpgradeResult(before, current_revision(store) or target, backup)


def ensure_current(store: Store) -> UpgradeResult:
    """The cheap path the app takes on every start: one query when nothing is pending."""
    before = current_revision(store)
    if before == HEAD_REVISION:
        return UpgradeResult(before, before, None)
    return upgrade(store)
