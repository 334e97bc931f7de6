"""The errors a clerk is shown word for word (anything else is a bug, shown as a sentence)."""

from __future__ import annotations


class UserFacingError(Exception):
    """Its message is written for the person at the keyboard and holds what they need."""


class DatabaseTooNew(UserFacingError):
    """The database was upgraded by a newer SIU Desk than this one."""


class DatabaseBusy(UserFacingError):
    """Another clerk's save held the database for longer than the busy timeout."""

    MESSAGE = "Another clerk is saving; try again"

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)
