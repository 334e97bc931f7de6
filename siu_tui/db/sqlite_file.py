"""Making sure a SQLite file is a whole database before SQLite is let near it.

SQLite treats an empty file as a new database and writes over it, and it opens a text file or a
file cut short without a word, failing later in the middle of something. So the first 100
bytes are read first: the magic string, and the size the header says the file has. Both are
cheap enough for every start, unlike ``PRAGMA quick_check``, which reads the whole file and is
left to ``siu db check``.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from siu_tui.errors import DatabaseUnusable

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100


def _wal_in_use(path: Path) -> bool:
    """True while a write-ahead log beside the file holds pages not yet copied into it."""
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        return False


def is_sqlite_file(path: Path) -> bool:
    """True when ``path`` is an ordinary file that starts as a SQLite database does."""
    try:
        with path.open("rb") as fh:
            return stat.S_ISREG(os.fstat(fh.fileno()).st_mode) and fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def check_sqlite_file(path: Path) -> None:
    """Refuse, with a sentence naming it, a file at ``path`` that is not a whole SQLite database.

    A path with nothing there is fine: the database will be made there.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DatabaseUnusable(f"{path} cannot be opened: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseUnusable(f"{path} is a folder, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseUnusable(f"{path} is not an ordinary file, so it cannot be a database")
    if info.st_size == 0:
        raise DatabaseUnusable(
            f"{path} is an empty file, not a database; SIU Desk will not write over it "
            "(remove it first to make a new database there)"
        )
    wal_before = _wal_in_use(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(HEADER_BYTES)
            size = os.fstat(fh.fileno()).st_size
    except OSError as exc:
        raise DatabaseUnusable(f"{path} cannot be read: {exc.strerror or exc}") from None
    if not head.startswith(SQLITE_MAGIC):
        raise DatabaseUnusable(f"{path} is not a SQLite database; SIU Desk will not write over it")
    if len(head) < HEADER_BYTES:
        raise DatabaseUnusable(f"{path} is damaged: it is cut short inside its header")
    if wal_before or _wal_in_use(path):
        # Pages may still be on their way from the log into the file: its size says nothing.
        return
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    size_is_valid = pages > 0 and head[24:28] == head[92:96]
    if size_is_valid and size < page_size * pages:
        raise DatabaseUnusable(
            f"{path} is damaged: it is {size:,} bytes but should be {page_size * pages:,} "
            "(cut short, perhaps while being copied); restore it from a backup"
        )


def integrity_problems(path: Path, limit: int = 100) -> list[str]:
    """What ``PRAGMA integrity_check`` finds wrong with the file (empty when sound).

    SQLite's messages name pages, tables and indexes, never the values stored in them, so they
    can be shown. A file too damaged to be checked gives one line saying so.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [f"the file cannot be opened ({exc})"]
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    except sqlite3.Error as exc:
        return [f"the file is too damaged to be checked ({exc})"]
    finally:
        conn.close()
    # The first line may carry a "*** in database main ***" heading before the problem.
    return [] if rows == ["ok"] else [r.split("***\n", 1)[-1] for r in rows]


def summarise_problems(problems: list[str], shown: int = 3) -> str:
    """A line for ``siu db check``: how many problems, and the first few as SQLite words them."""
    if not problems:
        return "ok"
    lines = [" ".join(p.split()) for p in problems]
    first = "; ".join(lines[:shown])
    more = len(lines) - shown
    count = f"{len(lines)} problem(s)"
    return f"{count}: {first}" + (f"; and {more} more" if more > 0 else "")
