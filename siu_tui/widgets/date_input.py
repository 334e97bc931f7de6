"""Fields that refuse what they cannot read: dates as an English clerk types them, and times.

A wrong date typed into a booking (30/02/2026, "tomorrow") must be caught at the field, in
words the clerk can act on, before anything is saved. The rule for what a date is lives in
``domain.dates``; these inputs only decide *when* to tell the clerk: as soon as the text
looks finished (so a full but impossible date is refused at once), when they leave the field
or press Enter, and never while they are still half-way through typing it.

Each input keeps its message in ``error`` and posts ``CheckedInput.Checked`` when the message
changes, so any form can show it beside the field (and the ``-invalid`` class colours the
field itself).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from textual import events
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from siu_tui.domain.dates import format_date, parse_date

T = TypeVar("T")

_TIME = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")
_FINISHED_DATE = re.compile(r"/[0-9]{4}$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
TIME_HINT = "Enter a time as HH:MM (24-hour clock), e.g. 09:30"


def parse_time(text: str) -> dt.time:
    """A time typed in a form: 09:30, 9:30 or 9.30 (how British clerks also write it)."""
    cleaned = "".join(text.split())
    match = _TIME.fullmatch(cleaned)
    if not match:
        raise ValueError(TIME_HINT)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        raise ValueError(f"{cleaned} is not a time of day")
    return dt.time(hours, minutes)


class _Parses(Validator):
    """Adapts a parser that raises ValueError (with a clerk's message) to a Textual validator."""

    def __init__(self, parse: Callable[[str], object]) -> None:
        super().__init__()
        self._parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self._parse(value)
        except ValueError as exc:
            return self.failure(str(exc), value)
        return self.success()


class CheckedInput(Input, Generic[T]):
    """An Input whose text must parse; an empty field is allowed (the form decides whether
    the value is required, because only it knows how to word that)."""

    class Checked(Message):
        """The field's message changed: ``error`` is the new one, or None when it is fine."""

        def __init__(self, checked_input: CheckedInput[Any], error: str | None) -> None:
            super().__init__()
            self.input = checked_input
            self.error = error

        @property
        def control(self) -> CheckedInput[Any]:
            return self.input

    def __init__(self, value: str = "", *, placeholder: str = "", **kwargs: Any) -> None:
        self._error: str | None = None
        super().__init__(
            value,
            placeholder=placeholder,
            validators=[_Parses(self.parse)],
            validate_on=(),  # when to check is decided below, not on every keystroke
            valid_empty=True,
            **kwargs,
        )

    def parse(self, text: str) -> T:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def looks_finished(self, text: str) -> bool:
        """Whether the clerk has probably finished typing (so a wrong value is told now)."""
        return False

    @property
    def error(self) -> str | None:
        """What is wrong with the text as it stands, as last checked (None: nothing)."""
        return self._error

    @property
    def parsed(self) -> T | None:
        """The value, or None when the field is empty or cannot be read."""
        text = self.value.strip()
        if not text:
            return None
        try:
            return self.parse(text)
        except ValueError:
            return None

    def check(self) -> str | None:
        """Check the text now, show the result on the field and return the message."""
        text = self.value.strip()
        result = self.validate(text)
        message = None
        if result is not None and not result.is_valid:
            message = result.failure_descriptions[0] if result.failure_descriptions else "?"
        self._set_error(message)
        return message

    def _set_error(self, message: str | None) -> None:
        self.set_class(message is not None, "-invalid")
        if message != self._error:
            self._error = message
            self.post_message(self.Checked(self, message))

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if not self.is_mounted:
            return  # the value it starts with is the form's own
        text = value.strip()
        if not text or self.parsed is not None or self.looks_finished(text):
            self.check()
        # Otherwise the clerk is mid-way through typing: leave any earlier message alone.

    def _on_blur(self, event: events.Blur) -> None:
        # Input's own blur handler runs as well (Textual calls each class's handler).
        self.check()

    async def action_submit(self) -> None:
        self.check()
        await super().action_submit()


class DateInput(CheckedInput[dt.date]):
    """A date typed as DD/MM/YYYY (or YYYY-MM-DD); ``date`` is None when empty or wrong."""

    DEFAULT_CSS = """
    DateInput {
        width: 18;
    }
    """

    def __init__(
        self, value: dt.date | str | None = None, *, placeholder: str = "DD/MM/YYYY", **kwargs: Any
    ) -> None:
        text = format_date(value) if isinstance(value, dt.date) else (value or "")
        super().__init__(text, placeholder=placeholder, **kwargs)

    def parse(self, text: str) -> dt.date:
        return parse_date(text)

    def looks_finished(self, text: str) -> bool:
        # Four digits after the last slash (DD/MM/YYYY), or a whole ISO date.
        return bool(_FINISHED_DATE.search(text))

    @property
    def date(self) -> dt.date | None:
        return self.parsed

    @date.setter
    def date(self, value: dt.date | None) -> None:
        self.value = format_date(value)


class TimeInput(CheckedInput[dt.time]):
    """A time of day typed as HH:MM; ``time`` is None when empty or wrong."""

    DEFAULT_CSS = """
    TimeInput {
        width: 13;
    }
    """

    def __init__(
        self, value: dt.time | str | None = None, *, placeholder: str = "HH:MM", **kwargs: Any
    ) -> None:
        text = f"{value:%H:%M}" if isinstance(value, dt.time) else (value or "")
        super().__init__(text, placeholder=placeholder, **kwargs)

    def parse(self, text: str) -> dt.time:
        return parse_time(text)

    def looks_finished(self, text: str) -> bool:
        return bool(re.fullmatch(r"[0-9]{1,2}[:.][0-9]{2}", text))

    @property
    def time(self) -> dt.time | None:
        return self.parsed
