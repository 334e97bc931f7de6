"""Stored text shown only as text, and what a field may hold."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu_tui.domain.text import (
    line_problem,
    normalise_note,
    note_problem,
    spreadsheet_cell,
    spreadsheet_row,
    visible,
)

from .strategies import PROPERTY

INVISIBLE = {"Cc", "Cf"}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Ann Smith", "Ann Smith"),
        ("\x1b]52;c;SGVsbG8=\x07", "\u241b]52;c;SGVsbG8=\u2407"),
        ("a\x00b", "a\u2400b"),
        ("a\tb", "a\u2409b"),
        ("one\ntwo\r", "one\u240atwo\u240d"),
        ("\x7f", "\u2421"),
        ("\x9b31m", "\\x9b31m"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("a\u2028b", "a\\u2028b"),
        ("مرحبا 😀 Ślęzak", "مرحبا 😀 Ślęzak"),
        ("[b]Ann[/b]", "[b]Ann[/b]"),  # markup is the widgets' business, not a control
    ],
)
def test_control_characters_are_shown_as_symbols(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_a_note_keeps_its_lines_and_tabs_but_not_a_carriage_return() -> None:
    assert visible("one\n\ttwo\r\x1bc", lines=True) == "one\n\ttwo\u240d\u241bc"


@PROPERTY
@given(st.text())
def test_nothing_invisible_survives(text: str) -> None:
    """Whatever the text, what is shown holds no C0, C1, DEL or bidirectional control."""
    shown = visible(text)
    assert not any(
        ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u202a\u202b\u202c\u202d\u202e"
        for ch in shown
    )
    assert not any(0x2066 <= ord(ch) <= 0x2069 or ch in "\u2028\u2029" for ch in shown)
    assert all(unicodedata.category(ch) != "Cc" for ch in shown)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Ann O'Neil-Ślęzak", None),
        ("مرحبا", None),
        ("[b]Ann[/b]", None),
        ("Smith\nJones", "is one line: it cannot hold a line break"),
        ("Smith\r", "is one line: it cannot hold a line break"),
        ("Smith\u2028", "is one line: it cannot hold a line break"),
        ("Smith\tJones", "cannot hold the control character \u2409"),
        ("Ada\x1b]52;c;SGVsbG8=\x07", "cannot hold the control character \u241b"),
        ("a\x00", "cannot hold the control character \u2400"),
        ("\x9b", "cannot hold the control character \\x9b"),
        ("txt.exe\u202e", "cannot hold the control character \\u202e"),
        ("x" * 81, "is at most 80 characters (this is 81)"),
        ("x" * 10_000, "is at most 80 characters (this is 10,000)"),
        ("x" * 80, None),
    ],
)
def test_one_line_fields(text: str, problem: str | None) -> None:
    assert line_problem(text, 80) == problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("First line\n\tindented", None),
        ("bell\x07", "cannot hold the control character \u2407"),
        ("nul\x00", "cannot hold the control character \u2400"),
        ("y" * 31, "is at most 30 characters (this is 31)"),
    ],
)
def test_notes(text: str, problem: str | None) -> None:
    assert note_problem(text, 30) == problem


def test_a_pasted_note_has_plain_line_endings() -> None:
    assert normalise_note("a\r\nb\rc") == "a\nb\nc"
    assert note_problem(normalise_note("a\r\nb")) is None


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x.example/")', '\'=HYPERLINK("http://x.example/")'),
        ("+1+cmd|calc", "'+1+cmd|calc"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1", "'\t=1"),
        ("CPC-261125-AB12", "CPC-261125-AB12"),
        ("-3", "-3"),
        ("+4.5", "+4.5"),
        ("Ada\x1b]0;title\x07", "Ada\u241b]0;title\u2407"),
        ("two\nlines", "two\nlines"),
        (3, 3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_spreadsheet_cells_never_run(value: object, cell: object) -> None:
    assert spreadsheet_cell(value) == cell
    assert spreadsheet_row([value, value]) == [cell, cell]


@PROPERTY
@given(st.text(min_size=1))
def test_no_spreadsheet_cell_starts_a_formula(text: str) -> None:
    cell = spreadsheet_cell(text)
    assert isinstance(cell, str)
    try:
        float(cell)
        return  # a plain number is a number
    except ValueError:
        pass
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
