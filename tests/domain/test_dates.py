"""Typing and showing dates: British in forms, ISO on the command line."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given

from siu_tui.domain.dates import format_date, parse_date, parse_iso_date

from .strategies import PROPERTY, dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/01/2026", date(2026, 1, 5)),
        ("5/1/2026", date(2026, 1, 5)),
        ("31/12/2025", date(2025, 12, 31)),
        ("29/02/2024", date(2024, 2, 29)),
        ("  05/01/2026  ", date(2026, 1, 5)),
        ("05 / 01 / 2026", date(2026, 1, 5)),
        ("2026-01-05", date(2026, 1, 5)),
        (" 2026-01-05\t", date(2026, 1, 5)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "soon",
        "next Tuesday",
        "05/01/26",
        "05-01-2026",
        "05.01.2026",
        "2026/01/05",
        "2026-1-5",
        "005/01/2026",
        "05/01/2026/1",
        "٠٥/٠١/٢٠٢٦",
    ],
)
def test_parse_date_refuses_non_dates_with_a_hint(text: str) -> None:
    with pytest.raises(ValueError, match=r"^Enter a date as DD/MM/YYYY$"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("30/02/2026", "30/02/2026 is not a real date"),
        ("29/02/2025", "29/02/2025 is not a real date"),
        ("31/04/2026", "31/04/2026 is not a real date"),
        ("0/1/2026", "0/1/2026 is not a real date"),
        ("1/13/2026", "1/13/2026 is not a real date"),
        ("01/01/0000", "01/01/0000 is not a real date"),
        ("2026-02-30", "2026-02-30 is not a real date"),
        (" 30 /02/2026", "30/02/2026 is not a real date"),
    ],
)
def test_parse_date_names_the_impossible_date(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [(date(2026, 1, 5), "05/01/2026"), (date(999, 12, 31), "31/12/0999"), (None, "")],
)
def test_format_date(value: date | None, expected: str) -> None:
    assert format_date(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-01-05", date(2026, 1, 5)), (" 2024-02-29 ", date(2024, 2, 29))],
)
def test_parse_iso_date_accepts(text: str, expected: date) -> None:
    assert parse_iso_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "'soon' is not a date (use YYYY-MM-DD)"),
        ("", "'' is not a date (use YYYY-MM-DD)"),
        ("05/01/2026", "'05/01/2026' is not a date (use YYYY-MM-DD)"),
        ("2026-1-5", "'2026-1-5' is not a date (use YYYY-MM-DD)"),
        ("20260105", "'20260105' is not a date (use YYYY-MM-DD)"),
        ("2026-02-30", "2026-02-30 is not a real date"),
        ("2025-02-29", "2025-02-29 is not a real date"),
        ("2026-13-01", "2026-13-01 is not a real date"),
    ],
)
def test_parse_iso_date_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_iso_date(text)
    assert str(caught.value) == message


@PROPERTY
@given(dates)
def test_round_trips(d: date) -> None:
    assert parse_date(format_date(d)) == d
    assert parse_date(d.isoformat()) == d
    assert parse_iso_date(d.isoformat()) == d
    assert parse_date(f"{d.day}/{d.month}/{d.year}") == d
