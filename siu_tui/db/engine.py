"""Opening the database the way several clerks can share it safely.

SQLite gets WAL (readers never block the writer), ``synchronous=FULL`` (a committed booking
survives a power cut), foreign keys, and a busy timeout. Every write transaction starts with
``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes fails at once with
"database is locked" when another process wrote in between, whatever the timeout, whereas an
immediate one waits its turn.

PostgreSQL (the office database) is kept to the same rule: every write transaction takes one
transaction-scoped advisory lock before anything else, so writers queue one behind the other as
on SQLite, and each reads what the one before it committed (READ COMMITTED takes a fresh
snapshot per statement, after the lock). Readers never wait. A check-then-insert race (the
same challenge escalated twice) therefore ends the same way on both databases. A unique or
foreign-key constraint that still fails becomes a sentence for the clerk (``WriteConflict``),
never "Something went wrong".

A SQLite file is looked at before SQLite opens it (``db.sqlite_file``): an empty file, a text
file or one cut short is refused with a sentence instead of being written over or failing
later. A URL SQLAlchemy cannot use is refused the same way, naming it without its password.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from siu_tui.config import shown_url, sqlite_path
from siu_tui.db import planner  # noqa: F401  (SQLite's index hints, see there)
from siu_tui.db.sqlite_file import check_sqlite_file
from siu_tui.errors import BadDatabaseURL, DatabaseBusy, DatabaseUnusable, WriteConflict
from siu_tui.files import make_private_dir, private_umask

BUSY_TIMEOUT_MS = 15_000


SQLITE_MMAP_BYTES = 1 << 30
"""Up to 1 GiB of the file mapped into memory (address space, not memory used)."""
SQLITE_CACHE_KIB = 32768
"""32 MiB of page cache per connection, against SQLite's 2 MiB default."""


def _create_engine(url: str, **options: object) -> Engine:
    """SQLAlchemy's engine, with a URL it cannot use (or lacks the driver for) as a sentence."""
    from sqlalchemy.exc import ArgumentError

    try:
        return create_engine(url, **options)
    except (ArgumentError, ValueError):  # also NoSuchModuleError: an unknown kind of database
        raise BadDatabaseURL(
            f"{shown_url(url)} is not a database SIU Desk can open: give a file path, or a URL "
            "such as postgresql+psycopg://user@host/siu"
        ) from None
    except ModuleNotFoundError as exc:
        raise DatabaseUnusable(
            f"the driver for {shown_url(url)} is not installed (Python module {exc.name!r}); "
            "for PostgreSQL use postgresql+psycopg://"
        ) from None


WRITE_LOCK_KEY = 0x5349_5544_4553_4B
"""The advisory lock every PostgreSQL write transaction holds ("SIUDESK" in ASCII)."""

WRITE_CONFLICT = (
    "Someone else saved a change to the same record at the same moment, so this was not "
    "saved. Look again at the record and try once more."
)


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql"):
        return _postgresql_engine(url)
    if not url.startswith("sqlite"):
        return _create_engine(url, pool_pre_ping=True)
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path)
        make_private_dir(path.parent)
    engine = _create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "do_connect")
    def _private_connect(dialect, _record, cargs, cparams):  # type: ignore[no-untyped-def]
        # A new database file is made 0600 whatever the umask; SQLite gives its WAL and
        # shared-memory files the database's own mode.
        with private_umask():
            return dialect.connect(*cargs, **cparams)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if path is not None:
            # Reads of a large database through the memory map and a bigger page cache,
            # rather than a system call per page: the annual report's joins touch hundreds
            # of thousands of rows (a third faster on 100,000 conferences).
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        immediate = connection.get_execution_options().get("siu_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")


def is_busy(error: BaseException) -> bool:
    """SQLite's "another connection holds the lock" (after the busy timeout)."""
    orig = getattr(error, "orig", error)
    return isinstance(error, OperationalError | sqlite3.OperationalError) and any(
        m in str(orig) for m in BUSY_MESSAGES
    )


@contextmanager
def _busy_is_a_sentence() -> Iterator[None]:
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        if is_busy(exc):
            raise DatabaseBusy() from None
        raise


PG_POOL_SIZE = 3
PG_POOL_OVERFLOW = 2
"""A desk holds at most five connections to the office server (one or two in ordinary use),
so a server's ``max_connections`` divided by five is how many desks it serves at their
busiest (the README's office set-up)."""


def _postgresql_engine(url: str) -> Engine:
    engine = _create_engine(
        url,
        pool_pre_ping=True,
        isolation_level="READ COMMITTED",
        pool_size=PG_POOL_SIZE,
        max_overflow=PG_POOL_OVERFLOW,
    )

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        if connection.get_execution_options().get("siu_write", False):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

    return engine


class Store:
    """The database behind one SIU Desk: sessions for reading and for writing."""

    def __init__(self, url: str, key: bytes | None = None) -> None:
        self.url = url
        # The database key of an encrypted SQLite file (SQLCipher), opened at sign-in from
        # the keys file beside it; None for a plain file or PostgreSQL.
        self.key = key
        self.engine = make_engine(url)
        self._write_engine = self.engine.execution_options(siu_write=True)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed."""
        with _busy_is_a_sentence(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed whole on success, rolled back whole on error.

        Still waiting for another writer after the busy timeout, it gives up with
        ``DatabaseBusy`` (a sentence for the clerk, who keeps what they typed). A constraint
        the database refuses (two clerks saving the same thing at once) is raised as
        ``WriteConflict``, a sentence the clerk can act on.
        """
        try:
            with (
                _busy_is_a_sentence(),
                Session(self._write_engine, expire_on_commit=False) as session,
                session.begin(),
            ):
                yield session
        except IntegrityError as exc:
            raise WriteConflict(WRITE_CONFLICT) from exc

    def dispose(self) -> None:
        self.engine.dispose()
