"""Stored text printed by `siu` shows its control characters as symbols: a family name holding
an OSC 52 sequence never writes the clerk's clipboard, and a tab never adds a column."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import text

from siu_tui.cli import main
from siu_tui.services.booking import BookingRequest, book_conference
from siu_tui.services.context import Desk
from siu_tui.services.people import add_child, add_staff, create_family

CLIPBOARD = "\x1b]52;c;SGVsbG8=\x07"


def test_outstanding_prints_hostile_names_as_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "siu.db"
    desk = Desk.open(f"sqlite:///{db}", "test")
    clerk = add_staff(desk, "Colin Clark", "clerk")
    family = create_family(desk, "FAM-1", "Smith", social_worker="Sam Worker")
    child = add_child(desk, family, "CR1", "Amy", "Smith", date_of_birth=date(2015, 3, 1))
    book_conference(
        desk,
        BookingRequest(
            family_id=family,
            child_ids=[child],
            conference_type="initial",
            date=date(2026, 12, 2),
            start_time=time(10, 0),
            trigger_date=date(2026, 11, 16),
            clerk_id=clerk,
        ),
    )
    # As an older version (or another tool) may have stored them: the services refuse these.
    with desk.store.write() as session:
        session.execute(
            text("UPDATE family SET name = :name, social_worker = :sw"),
            {"name": f"Smith\t[b]{CLIPBOARD}", "sw": "Sam\x1bc\nWorker"},
        )
    desk.close()
    try:
        main(["outstanding", "--db", str(db)])
    except SystemExit as exc:
        assert not exc.code
    out, _ = capsys.readouterr()
    assert "\x1b" not in out and "\x07" not in out
    lines = [line.split("\t") for line in out.splitlines()]
    assert len(lines) == 2 and all(len(fields) == 8 for fields in lines)
    # A tab or line break is written as \t or \n (the TSV's own escape), ESC as a symbol.
    assert lines[0][5] == "Smith\\t[b]\u241b]52;c;SGVsbG8=\u2407"
    assert lines[0][6] == "Sam\u241bc\\nWorker"
