"""Errors a clerk can act on, as opposed to bugs."""

from __future__ import annotations

from siu_tui.errors import DatabaseTooNew, UserFacingError

__all__ = ["DatabaseTooNew", "NotFound", "ServiceError", "ValidationError"]


class ServiceError(UserFacingError):
    """Something the user can put right; the message is written for them."""


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
