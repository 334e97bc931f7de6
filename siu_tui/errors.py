"""The errors a clerk is shown word for word (anything else is a bug, shown as a sentence)."""

from __future__ import annotations


class UserFacingError(Exception):
    """Its message is written for the person at the keyboard and holds what they need."""

    exit_status = 1
    """What ``siu`` exits with when this ends a command (2: the command line was wrong)."""


class DatabaseTooNew(UserFacingError):
    """The database was upgraded by a newer SIU Desk than this one."""


class DatabaseUnusable(UserFacingError):
    """The database, its file or the disk under it cannot be used as it is (not a database,
    damaged, read-only, full, out of reach); the message names it and says what to do."""


class BadDatabaseURL(DatabaseUnusable):
    """``--db`` or ``SIU_DATABASE_URL`` is neither a file path nor a URL SQLAlchemy can use."""

    exit_status = 2


class DatabaseBusy(UserFacingError):
    """Another clerk's save held the database for longer than the busy timeout."""

    MESSAGE = "Another clerk is saving; try again"

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


class ServiceError(UserFacingError):
    """Something the user can put right; the message is written for them."""


class WriteConflict(ServiceError):
    """The database refused a write another clerk's change made impossible (a constraint)."""
