"""Bringing a database up to the schema this version of SIU Desk expects.

The app checks the stored revision against ``HEAD_REVISION`` with one query, so an up-to-date
database costs no Alembic import at start-up. When a migration is pending on a SQLite file
that already holds data, the file is copied aside first (SQLite's online backup, safe under
WAL), so a failed upgrade can never cost a clerk their records. A copy that cannot be finished
(a full disk) is removed rather than left looking like a backup. On PostgreSQL the copy is
``pg_dump``'s (a 0600 file in the data folder's ``backups``) when ``pg_dump`` is on the PATH;
without it the upgrade says plainly that the office database's backups are its
administrator's, and goes ahead (PostgreSQL runs each migration in one transaction, so a failed
one changes nothing).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from siu_tui.clock import now
from siu_tui.config import data_dir
from siu_tui.db.engine import Store
from siu_tui.errors import DatabaseTooNew, UserFacingError
from siu_tui.files import private_open

NO_PG_DUMP = (
    "No copy was taken first: pg_dump is not on the PATH here, so backups of this PostgreSQL "
    "database are its administrator's (see the README's office set-up)."
)

HEAD_REVISION = "0010_import"
"""The newest migration; tests check it matches the scripts in migrations/versions."""

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None
    note: str | None = None
    """Why no copy was taken of a database with records, when none was."""

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


def backups_dir() -> Path:
    """Where copies of an office (PostgreSQL) database taken before an upgrade are kept."""
    return data_dir() / "backups"


def backup_postgresql(url: str, label: str) -> Path | None:
    """``pg_dump`` the database into a 0600 file in ``backups_dir()``; None without pg_dump.

    The password goes to pg_dump in its environment, never on its command line.
    """
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return None
    parsed = make_url(url)
    folder = backups_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{parsed.database}.before-{label}-{stamp}.dump"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{parsed.database}.before-{label}-{stamp}-{n}.dump"
    target.touch(mode=0o600)
    target.chmod(0o600)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    # Rebuilt without the password (URL.set cannot remove one), for libpq's own URL syntax.
    dsn = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    ).render_as_string(hide_password=False)
    done = subprocess.run(
        [pg_dump, "--format=custom", f"--file={target}", f"--dbname={dsn}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no reason"
        raise UserFacingError(
            f"The database was not upgraded: pg_dump could not copy it first ({reason})."
        )
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
    backup = note = None
    if store.path is not None and store.path.exists() and _has_tables(store):
        backup = backup_sqlite(store.path, before or "unversioned")
    elif store.engine.dialect.name == "postgresql" and _has_tables(store):
        backup = backup_postgresql(store.url, before or "unversioned")
        note = None if backup else NO_PG_DUMP
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
    return UpgradeResult(before, current_revision(store) or target, backup, note)


def ensure_current(store: Store) -> UpgradeResult:
    """The cheap path the app takes on every start: one query when nothing is pending."""
    before = current_revision(store)
    if before == HEAD_REVISION:
        return UpgradeResult(before, before, None)
    return upgrade(store)
