"""The one way user-typed text reaches the screen: never as markup.

Names and notes come from clerks and from imported files. Parsed as markup, ``Smith [/x]``
crashes the app and ``[@click=app.quit]x[/]`` becomes a live action; ``rich.markup.escape``
does not stop the latter on Textual 8.2.8. These helpers build ``Content``/``Text`` objects
directly from the string, so no markup is ever parsed. Every screen uses them.
"""

from __future__ import annotations

from datetime import date, datetime, time

from rich.text import Text
from textual.content import Content

from siu_tui.clock import local


def show(value: object) -> str:
    """A value as a clerk reads it: dates as DD/MM/YYYY, nothing for None."""
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
    return str(value)


def plain(value: object) -> Content:
    """For Static, Label and other Content-taking widgets."""
    return Content(show(value))


def cell(value: object, style: str = "") -> Text:
    """For DataTable cells and tree labels (Rich Text, never parsed for markup)."""
    return Text(show(value), style=style, no_wrap=True, overflow="ellipsis")


def cell_right(value: object, style: str = "") -> Text:
    return Text(show(value), style=style, justify="right", no_wrap=True)
