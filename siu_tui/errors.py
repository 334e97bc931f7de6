"""The errors a clerk is shown word for word (anything else is a bug, shown as a sentence)."""

from __future__ import annotations


class UserFacingError(Exception):
    """Its message is written for the person at the keyboard and holds what they need."""


class DatabaseTooNew(UserFacingError):
    """The database was upgraded by a newer SIU Desk than this one."""


class ServiceError(UserFacingError):
    """Something the user can put right; the message is written for them."""


class WriteConflict(ServiceError):
    """The database refused a write another clerk's change made impossible (a constraint)."""
