"""Errors a clerk can act on, as opposed to bugs."""

from __future__ import annotations

from siu_tui.errors import DatabaseBusy, DatabaseTooNew, ServiceError, WriteConflict

__all__ = [
    "DatabaseBusy",
    "DatabaseTooNew",
    "ImportRefused",
    "NotFound",
    "ServiceError",
    "ValidationError",
    "WriteConflict",
]


class ValidationError(ServiceError):
    """Bad input: one message per field, so each can be shown next to its field.

    Raised before anything is written, so nothing ever needs undoing.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})


class NotFound(ServiceError):
    """The record asked for is not there (perhaps another clerk removed it)."""


class ImportRefused(ServiceError):
    """A history file that cannot be imported: every problem, one line each
    (``line N: column: message``, or one line about the file as a whole).

    Raised before anything is written, or once a write the database refused part-way is
    rolled back, so the database is as it was.
    """

    def __init__(self, problems: list[str], *, whole_file: bool = False, more: int = 0) -> None:
        self.problems = tuple(problems)
        self.whole_file = whole_file
        """The file could not be read as a history at all (missing, not CSV, no header)."""
        self.more = more
        """Problems found beyond those listed (a file wrong on every line lists the first)."""
        first = self.problems[0] if self.problems else "the file cannot be imported"
        others = len(self.problems) - 1 + more
        super().__init__(first if others <= 0 else f"{first} (and {others:,} more)")

    @property
    def count(self) -> int:
        """Every problem found, listed or not."""
        return len(self.problems) + self.more
