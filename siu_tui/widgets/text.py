"""The one way user-typed text reaches the screen: never as markup.

Names and notes come from clerks and from imported files. Parsed as markup, ``Smith [/x]``
crashes the app and ``[@click=app.quit]x[/]`` becomes a live action; ``rich.markup.escape``
does not stop the latter on Textual 8.2.8. These helpers build ``Content``/``Text`` objects
directly from the string, so no markup is ever parsed, and show control characters as
visible symbols (``domain.text.visible``), so ``\x1b]52;…`` in a name never reaches the
terminal as a command. Every screen uses them; a test checks that widgets are built from
nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import TypeVar

from rich.text import Text
from textual.content import Content

from siu_tui.clock import local
from siu_tui.domain.text import visible

V = TypeVar("V")


def show(value: object, *, lines: bool = False) -> str:
    """A value as a clerk reads it: dates as DD/MM/YYYY, nothing for None, control
    characters as symbols (line breaks and tabs kept with ``lines``, for a note)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{local(value):%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return visible(str(value), lines=lines)


def plain(value: object, *, lines: bool = True) -> Content:
    """For Static, Label, Select options, titles and notifications: anything that would
    otherwise parse a string as markup. Line breaks and tabs are kept (screens compose
    several lines, and notes have them); every other control character is shown."""
    return Content(show(value, lines=lines))


def cell(value: object, style: str = "") -> Text:
    """For DataTable cells and tree labels (Rich Text, never parsed for markup)."""
    return Text(show(value), style=style, no_wrap=True, overflow="ellipsis")


def cell_right(value: object, style: str = "") -> Text:
    return Text(show(value), style=style, justify="right", no_wrap=True)


def choices(rows: Iterable[tuple[object, V]]) -> list[tuple[Text, V]]:
    """Options for a ``Select`` (prompt, value): each prompt as one line of Rich ``Text``,
    never parsed for markup. Text rather than Content, because the drop-down's type-to-search
    reads only Text and str prompts."""
    return [
        (prompt if isinstance(prompt, Text) else Text(show(prompt), no_wrap=True), value)
        for prompt, value in rows
    ]
