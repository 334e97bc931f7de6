"""Text a person typed is only ever text: shown with its control characters visible, and
refused at the door where it cannot be what it claims to be.

A name holding ``\\x1b]52;c;…\\x07`` writes the clerk's clipboard when printed raw, ``\\x1bc``
resets the terminal, a right-to-left override makes ``exe.txt`` read ``txt.exe``, and a
line break in a name breaks an e-mail's Subject. So there is one way to show stored text
(:func:`visible`, used by every screen, command line, spreadsheet cell and e-mail header) and
one set of rules for what a field may hold (:func:`line_problem`, :func:`note_problem`), used
by every service that stores what a person typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
"""Embeddings, overrides and isolates: they reorder the characters around them on screen."""

_VISIBLE: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20)},  # NUL → ␀ … US → ␟
    0x7F: "\u2421",  # DEL → ␡
    **{code: f"\\x{code:02x}" for code in range(0x80, 0xA0)},  # C1, e.g. CSI → \x9b
    **{code: f"\\u{code:04x}" for code in _BIDI},
    0x2028: "\\u2028",  # line separator
    0x2029: "\\u2029",  # paragraph separator
}
"""What each invisible character becomes: the Unicode control pictures for C0 and DEL,
an escape for the rest (C1 and the bidirectional controls have no pictures)."""

_KEEP_LINES = {key: value for key, value in _VISIBLE.items() if key not in (0x0A, 0x09)}

_FORBIDDEN_IN_LINE = re.compile("[" + re.escape("".join(map(chr, _VISIBLE))) + "]")
_FORBIDDEN_IN_NOTE = re.compile("[" + re.escape("".join(map(chr, _KEEP_LINES))) + "]")


def visible(text: str, *, lines: bool = False) -> str:
    """``text`` with every control character shown as a visible symbol (ESC as ␛, NUL as ␀,
    TAB as ␉, DEL as ␡, C1 as ``\\x9b``, bidirectional controls as ``\\u202e``).

    With ``lines``, line feeds and tabs stay as they are, for a note shown over several
    lines; a carriage return is still shown, since it can overwrite what went before.
    """
    return text.translate(_KEEP_LINES if lines else _VISIBLE)


def line_problem(text: str, limit: int) -> str | None:
    """Why ``text`` cannot be stored as a one-line field (a name, a reference, an address, a
    venue) of at most ``limit`` characters, or None if it can. The sentence reads after the
    field's name: "Name " + "cannot hold a line break"."""
    found = _FORBIDDEN_IN_LINE.search(text)
    if found is not None:
        if found.group() in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            return "is one line: it cannot hold a line break"
        return f"cannot hold the control character {visible(found.group())}"
    return _length_problem(text, limit)


def note_problem(text: str, limit: int | None = None) -> str | None:
    """Why ``text`` cannot be stored as a note (several lines, tabs allowed, nothing else
    invisible), or None if it can."""
    found = _FORBIDDEN_IN_NOTE.search(text)
    if found is not None:
        return f"cannot hold the control character {visible(found.group())}"
    return None if limit is None else _length_problem(text, limit)


def _length_problem(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"is at most {limit:,} characters (this is {len(text):,})"
    return None


def normalise_note(text: str) -> str:
    """A note as typed on Windows or pasted from a document: CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_cell(value: object) -> object:
    """A value a spreadsheet will show, never run: text starting ``=``, ``+``, ``-`` or ``@``
    (``=HYPERLINK(…)``, ``+1+cmd|calc``, ``@SUM(1+1)``) gets a leading apostrophe, control
    characters are shown as symbols; numbers, dates and None pass unchanged, and so does
    text that is just a number (``-3``)."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        value = "'" + value
    return visible(value, lines=True)


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    """Every cell of one row through :func:`spreadsheet_cell`: the one guard every CSV and
    XLSX file SIU Desk writes goes through."""
    return [spreadsheet_cell(value) for value in values]
