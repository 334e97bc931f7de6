"""The door every person-typed text passes before it is stored.

Names, references, addresses, hosts, venues, rooms and teams are one line of visible text
no longer than their column; notes may run over lines but hold nothing else invisible. A
service checks each field here and gets the cleaned value back, or a sentence naming the
field in ``errors`` (or a ``ValidationError`` at once, when no ``errors`` is given), so the
rules are the same on every form and in every command, and PostgreSQL never meets a
10,000-character name bound for an 80-character column.
"""

from __future__ import annotations

from siu_tui.domain.references import validate_email
from siu_tui.domain.text import line_problem, normalise_note, note_problem
from siu_tui.services.errors import ValidationError

NAME_MAX = 120
"""Staff, family, invitee, room and team names, and the roles typed beside them."""

CHILD_NAME_MAX = 80
VENUE_MAX = 160
PHONE_MAX = 40
NOTE_MAX = 10_000
"""A note (stand-down, challenge, minutes, review): a page or two, not a file pasted in."""


def _refuse(errors: dict[str, str] | None, field: str, message: str) -> None:
    if errors is None:
        raise ValidationError.single(field, message)
    errors.setdefault(field, message)


def line(
    field: str,
    value: str | None,
    limit: int,
    *,
    label: str,
    errors: dict[str, str] | None = None,
) -> str | None:
    """A one-line field, stripped (None when empty), or a sentence such as "Name is one line:
    it cannot hold a line break" (``label`` starts the sentence)."""
    if value is None:
        return None
    text = str(value).strip()
    problem = line_problem(text, limit)
    if problem is not None:
        _refuse(errors, field, f"{label} {problem}")
        return None
    return text or None


def note(
    field: str,
    value: str | None,
    limit: int = NOTE_MAX,
    *,
    label: str,
    errors: dict[str, str] | None = None,
) -> str | None:
    """A note over one or more lines, stripped with its line endings made plain (None when
    empty), or a sentence when it holds a control character or is too long."""
    if value is None:
        return None
    text = normalise_note(str(value)).strip()
    problem = note_problem(text, limit)
    if problem is not None:
        _refuse(errors, field, f"{label} {problem}")
        return None
    return text or None


def email(field: str, value: str | None, *, errors: dict[str, str] | None = None) -> str | None:
    """An optional e-mail address checked by the one rule (None when empty)."""
    if value is None or not str(value).strip():
        return None
    try:
        return validate_email(str(value))
    except ValueError as exc:
        _refuse(errors, field, str(exc))
        return None
