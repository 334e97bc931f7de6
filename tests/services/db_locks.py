"""What another desk does to the same database, on SQLite and on PostgreSQL alike.

``try_to_save`` is another clerk's save that will not wait at all: it takes the write lock
every save takes (SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's advisory lock) only if no one
holds it. ``refuse_inserts`` makes the database itself refuse a row (a trigger), as a full
disk or a constraint would part-way through a write.
"""

from __future__ import annotations

import sqlite3

from siu_tui.config import sqlite_path
from siu_tui.db.engine import WRITE_LOCK_KEY
from siu_tui.services.context import Desk


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def try_to_save(desk: Desk) -> bool:
    """Whether another desk's save would go through at once (nothing holds the lock)."""
    path = sqlite_path(desk.store.url)
    if path is not None:
        other = sqlite3.connect(path, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
            return True
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return False
        finally:
            other.close()
    import psycopg

    with psycopg.connect(_pg_dsn(desk.store.url)) as other:
        got = other.execute("SELECT pg_try_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        row = got.fetchone()
        other.commit()
        return bool(row and row[0])


def refuse_inserts(desk: Desk, name: str, table: str, condition: str) -> None:
    """A trigger refusing every row inserted into ``table`` while ``condition`` (SQL that
    both databases read alike, with ``NEW.column``) holds, as an integrity error."""
    with desk.store.write() as session:
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                f"CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{name}'); END"
            )
            return
        conn.exec_driver_sql(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {condition} THEN RAISE EXCEPTION '{name}' USING ERRCODE = '23514'; END IF; "
            "RETURN NEW; END $$"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
        )


def allow_inserts(desk: Desk, name: str, table: str) -> None:
    with desk.store.write() as session:
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            conn.exec_driver_sql(f"DROP TRIGGER {name} ON {table}")
