"""Turning a database or disk failure into one sentence a clerk or administrator can act on.

The drivers' own messages are not shown: a SQLAlchemy error carries the SQL and its
parameters (case data), and a URL can carry a password. What is said comes from the kind of
failure (SQLite's result code, the operating system's error number), names the database as
``shown_url`` does, and says what to do. Anything not recognised here is a bug, for the
crash log.
"""

from __future__ import annotations

import errno
import re
import sqlite3

from siu_tui.config import shown_url
from siu_tui.errors import DatabaseUnusable, UserFacingError

_OS_ERRORS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EIO: "the disk reported an error",
}


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    if isinstance(exc, sqlite3.Error):
        return exc
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, sqlite3.Error) else None


def _explain_sqlite(error: sqlite3.Error, where: str) -> str | None:
    name = getattr(error, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL":
        return (
            f"the disk holding {where} is full: what was being saved was not saved; "
            "free some space and try again"
        )
    if name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB":
        problem = "is not a SQLite database" if name == "SQLITE_NOTADB" else "is damaged"
        return (
            f"{where} {problem}; `siu db check` says what is wrong, and a copy made before an "
            "upgrade or your backup can replace it"
        )
    if name.startswith("SQLITE_READONLY"):
        return f"{where} is read-only: SIU Desk needs to write to the file and to its folder"
    if name.startswith("SQLITE_CANTOPEN") or name == "SQLITE_PERM":
        return (
            f"{where} cannot be opened: check that its folder exists and that you may read and "
            "write the file and the folder"
        )
    if name.startswith("SQLITE_IOERR"):
        return f"reading or writing {where} failed ({name}): the disk may be failing or full"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"another clerk is saving to {where}; try again in a moment"
    return None


def _explain_os(error: OSError, where: str) -> str | None:
    problem = _OS_ERRORS.get(error.errno or 0)
    if problem is None:
        return None
    return f"{error.filename or where}: {problem}"


def _explain_server(exc: BaseException, url: str, where: str) -> str | None:
    """A failure reaching a database server (PostgreSQL): where, and the driver's reason."""
    orig = getattr(exc, "orig", None)
    if orig is None or type(exc).__name__ != "OperationalError":
        return None
    if getattr(orig, "sqlstate", None) is not None:
        return None  # the server answered: a failure of a statement, not of the connection
    reason = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    reason = re.sub(r"^\[Errno -?\d+\] ", "", reason.rsplit(": ", 1)[-1]).rstrip(".")
    password = _password(url)
    if password:
        reason = reason.replace(password, "***")
    return f"could not connect to the database at {where}" + (f": {reason}" if reason else "")


def _password(url: str) -> str | None:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).password  # type: ignore[return-value]
    except Exception:
        return None


def explain(exc: BaseException, url: str | None) -> UserFacingError | None:
    """The sentence for ``exc`` met while using the database at ``url``; None for a bug."""
    if isinstance(exc, UserFacingError):
        return exc
    where = shown_url(url) if url else "the database"
    sqlite_error = _sqlite_error(exc)
    if sqlite_error is not None:
        sentence = _explain_sqlite(sqlite_error, where)
        return DatabaseUnusable(sentence) if sentence else None
    if isinstance(exc, OSError):
        sentence = _explain_os(exc, where)
        return DatabaseUnusable(sentence) if sentence else None
    if url:
        sentence = _explain_server(exc, url, where)
        return DatabaseUnusable(sentence) if sentence else None
    return None
